"""``varna ingest usage`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import varna
from tests.factories import add_customer_with_sims
from tests.integration.test_ingest import HEADER, csv_rows, streamer_line
from varna.bootstrap import Container


def test_ingest_usage_json_summary_and_replay(container: Container, tmp_path: Path) -> None:
    iccids = add_customer_with_sims(container.engine, 4)
    path = tmp_path / "usage.csv"
    path.write_text("\n".join([HEADER, *csv_rows(iccids, 120)]) + "\n")
    url = container.settings.database_url

    first = varna(url, "ingest", "usage", str(path), "--json")
    again = varna(url, "ingest", "usage", str(path), "--json")

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["rows"] == 120
    assert json.loads(again.stdout)["rows"] == 0


def test_ingest_ndjson_format_option(container: Container, tmp_path: Path) -> None:
    iccids = add_customer_with_sims(container.engine, 1)
    path = tmp_path / "stream.txt"
    path.write_text("\n".join(streamer_line(n, iccids[0]) for n in range(1, 4)) + "\n")
    result = varna(
        container.settings.database_url,
        "ingest",
        "usage",
        str(path),
        "--format",
        "ndjson",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "rows": 3,
        "format": "ndjson",
        "file_bytes": path.stat().st_size,
    }


def test_bad_file_exits_1_naming_line_and_field(container: Container, tmp_path: Path) -> None:
    iccids = add_customer_with_sims(container.engine, 1)
    rows = csv_rows(iccids, 5)
    rows[2] = rows[2].replace(",240,", ",2400,")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")

    result = varna(container.settings.database_url, "ingest", "usage", str(path), "--json")

    assert result.returncode == 1
    assert "line 4" in result.stderr
    assert "'mcc'" in result.stderr
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error(container: Container, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "\n")
    result = varna(container.settings.database_url, "ingest", "usage", str(path), "--format", "xml")
    assert result.returncode == 2
