"""The machine-readable extract: the bundle as JSON (schema in docs/subjects.md), written as
it is read: the rows of each block go out in batches, so a streamed block (a million usage
records) is never held in memory. The document is the same JSON value ``json.dump`` gives."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

BATCH = 5_000  # rows encoded per call of the C encoder


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def write_json(bundle: dict[str, Any], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("{")
        for n, (key, value) in enumerate(bundle.items()):
            handle.write(f"{',' if n else ''}\n {_dumps(key)}: ")
            if key == "data":
                _write_data(handle, value)
            else:
                handle.write(json.dumps(value, ensure_ascii=False, indent=1, default=str))
        handle.write("\n}\n")
    return path


def _write_data(handle: TextIO, data: dict[str, list[dict[str, Any]]]) -> None:
    handle.write("{")
    for n, (category, blocks) in enumerate(data.items()):
        handle.write(f"{',' if n else ''}\n  {_dumps(category)}: [")
        for m, block in enumerate(blocks):
            handle.write(f"{',' if m else ''}\n   {{")
            for k, (key, value) in enumerate(block.items()):
                handle.write(f"{', ' if k else ''}{_dumps(key)}: ")
                if key == "rows":
                    _write_rows(handle, value)
                else:
                    handle.write(_dumps(value))
            handle.write("}")
        handle.write("\n  ]")
    handle.write("\n }")


def _write_rows(handle: TextIO, rows: Iterable[Any]) -> None:
    """The rows encoded a batch at a time (one line per batch)."""
    handle.write("[")
    iterator = iter(rows)
    separator = "\n    "
    while batch := list(islice(iterator, BATCH)):
        handle.write(separator + _dumps(batch)[1:-1])  # the batch without its brackets
        separator = ",\n    "
    handle.write("]")
