"""One CSV file per data category, in a zip; each line is one value: table, how the row was
found (linked or mention), record id, field, value. ``about.csv`` lists the Art. 15 facts.
Each file is written into the archive as its rows are read (streamed blocks included).

Every line goes through the csv module, which quotes what needs quoting; each value is
written as ``text.cell`` gives it (a JSON column's list or mapping as its JSON text)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from varna.adapters.extract.text import cell

HEADER = ("table", "match", "record_id", "field", "value")
LEVEL = 1  # deflate level: the fastest; a usage-heavy extract is hundreds of MB of CSV


def write_csv_zip(bundle: dict[str, Any], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for category, blocks in bundle["data"].items():
            with _entry(zf, f"{category}.csv") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                for block in blocks:
                    _write_block(writer, block)
        with _entry(zf, "about.csv") as handle:
            writer = csv.writer(handle)
            writer.writerow(("section", "content"))
            for key, value in bundle.items():
                if key != "data":
                    writer.writerow((key, json.dumps(value, ensure_ascii=False, default=str)))
    return path


def _entry(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    # force_zip64: the size is not known before the rows are written, and may pass 2 GiB
    raw = archive.open(name, "w", force_zip64=True)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)


def _write_block(writer: Any, block: dict[str, Any]) -> None:
    writer.writerows(_lines(block["table"], block["match"], block["fields"][1:], block["rows"]))


def _lines(
    table: str, match: str, fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        record_id = cell(row[0])
        for field, value in zip(fields, row[1:], strict=True):
            yield table, match, record_id, field, cell(value)
