"""One CSV file per data category, in a zip; each line is one value: table, how the row was
found (linked or mention), record id, field, value. ``about.csv`` lists the Art. 15 facts.
Each file is written into the archive as its rows are read (streamed blocks included).

A usage-heavy extract has millions of lines (one per value), so a batch of rows is written
through one line template per block; the batch's text is then checked: if any value held a
comma, a quote or a line break (which the template does not quote), the batch is written
again by the csv module, which does. The file is the same either way."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

HEADER = ("table", "match", "record_id", "field", "value")
LEVEL = 1  # deflate level: the fastest; a usage-heavy extract is hundreds of MB of CSV
BATCH = 5_000  # rows per template batch
PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")
EMPTY = {None: ""}  # the csv module writes None as an empty field


def write_csv_zip(bundle: dict[str, Any], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for category, blocks in bundle["data"].items():
            with _text(zf, f"{category}.csv") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                for block in blocks:
                    _write_block(handle, writer, block)
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


def _write_block(handle: io.TextIOWrapper, writer: Any, block: dict[str, Any]) -> None:
    table, match, fields = block["table"], block["match"], block["fields"][1:]
    rows = iter(block["rows"])
    names = (table, match, *fields)
    if not fields or not all(PLAIN_NAME.fullmatch(str(name)) for name in names):
        writer.writerows(_lines(table, match, fields, rows))
        return
    template = "".join(
        f"{table},{match},{{0}},{field},{{{i}}}\r\n" for i, field in enumerate(fields, start=1)
    )
    per_row = len(fields)
    while batch := list(islice(rows, BATCH)):
        text = "".join([template.format(*map(EMPTY.get, row, row)) for row in batch])
        lines = per_row * len(batch)
        if (
            text.count(",") == 4 * lines
            and text.count("\n") == lines
            and text.count("\r") == lines
            and '"' not in text
        ):
            handle.write(text)
        else:  # a value that needs quoting: the csv module writes this batch
            writer.writerows(_lines(table, match, fields, batch))


def _lines(
    table: str, match: str, fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        record_id = row[0]
        for field, value in zip(fields, row[1:], strict=True):
            yield table, match, record_id, field, value
