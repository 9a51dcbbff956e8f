"""The machine-readable extract: the bundle as JSON (schema in docs/subjects.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(bundle: dict[str, Any], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(bundle, handle, ensure_ascii=False, indent=1, default=str)
    return path
