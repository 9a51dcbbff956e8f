"""The CSV zip of an extract (D1, D2): one line per value, read back by any CSV reader as the
values it was given."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from varna.adapters.extract.csv_zip import write_csv_zip

TRICKY = ["a, b", 'say "hi"', "two\nlines", "cr\ronly", "", None, "plain"]


def _read(path: Path, name: str) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(name).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def _expected(table: str, fields: list[str], rows: list[list[Any]]) -> list[list[str]]:
    return [
        [table, "linked", str(row[0]), field, "" if value is None else str(value)]
        for row in rows
        for field, value in zip(fields, row[1:], strict=True)
    ]


def test_d1_d2_csv_lines_read_back_as_the_values(tmp_path: Path) -> None:
    usage = [[n, n * 10, None, "2026-10-01T08:30:00+00:00", "LTE"] for n in range(5_007)]
    texts = [[n, value, "Staff"] for n, value in enumerate(TRICKY, start=1)]
    odd = [[1, "x, y"]]
    bundle = {
        "schema": "varna.extract/v1",
        "data": {
            "traffic_data": [
                {
                    "table": "usage_records",
                    "match": "linked",
                    "fields": ["id", "bytes_up", "source_id", "started_at", "rat"],
                    "rows": iter(usage),
                }
            ],  # streamed rows: an iterator
            "free_text": [
                {
                    "table": "ticket_messages",
                    "match": "linked",
                    "fields": ["id", "body", "author_staff"],
                    "rows": texts,
                },
                {"table": "odd table", "match": "linked", "fields": ["id", "a,b"], "rows": odd},
            ],
        },
    }
    path = write_csv_zip(bundle, tmp_path / "extract-csv.zip")

    traffic = _read(path, "traffic_data.csv")
    assert traffic[0] == ["table", "match", "record_id", "field", "value"]
    assert traffic[1:] == _expected(
        "usage_records", ["bytes_up", "source_id", "started_at", "rat"], usage
    )
    free = _read(path, "free_text.csv")
    assert free[1:] == _expected("ticket_messages", ["body", "author_staff"], texts) + [
        ["odd table", "linked", "1", "a,b", "x, y"]
    ]
    assert _read(path, "about.csv")[1] == ["schema", '"varna.extract/v1"']


def test_d1_a_json_column_is_written_as_its_json_text(tmp_path: Path) -> None:
    """D1: a list or a mapping (a JSON column: a disclosure's categories, a request's
    identifiers) is one field holding its JSON text, as the JSON file has it."""
    rows = [[1, ["name", "national_id"], {"iccid": ["8946999"]}, True, None]]
    bundle = {
        "schema": "varna.extract/v1",
        "data": {
            "rights_records": [
                {
                    "table": "disclosures",
                    "match": "linked",
                    "fields": ["id", "categories", "identifiers", "flag", "x"],
                    "rows": rows,
                }
            ]
        },
    }
    lines = _read(write_csv_zip(bundle, tmp_path / "x.zip"), "rights_records.csv")
    assert [line[3:] for line in lines[1:]] == [
        ["categories", '["name", "national_id"]'],
        ["identifiers", '{"iccid": ["8946999"]}'],
        ["flag", "True"],
        ["x", ""],
    ]
