"""One CSV file per data category, in a zip; each line is one value: table, how the row was
found (linked or mention), record id, field, value. ``about.csv`` lists the Art. 15 facts.
Each file is written into the archive as its rows are read (streamed blocks included)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HEADER = ("table", "match", "record_id", "field", "value")
LEVEL = 1  # deflate level: the fastest; a usage-heavy extract is hundreds of MB of CSV


def write_csv_zip(bundle: dict[str, Any], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for category, blocks in bundle["data"].items():
            with _text(zf, f"{category}.csv") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                for block in blocks:
                    writer.writerows(_lines(block))
        with _text(zf, "about.csv") as handle:
            writer = csv.writer(handle)
            writer.writerow(("section", "content"))
            for key, value in bundle.items():
                if key != "data":
                    writer.writerow((key, json.dumps(value, ensure_ascii=False, default=str)))
    return path


def _text(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    # force_zip64: the size is not known before the rows are written, and may pass 2 GiB
    raw = archive.open(name, "w", force_zip64=True)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)


def _lines(block: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    table, match, fields = block["table"], block["match"], block["fields"][1:]
    for row in block["rows"]:
        record_id = row[0]
        for field, value in zip(fields, row[1:], strict=True):
            yield table, match, record_id, field, value
