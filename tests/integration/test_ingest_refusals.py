"""Usage files that must be refused whole, on both stores and in both formats (P3).

Each case names the line (and the field, where there is one) and stores nothing; the CSV and
NDJSON paths take the same view of the same value.
"""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import add_customer_with_sims
from tests.integration.test_ingest import HEADER, csv_rows, streamer_line, usage_count, write
from varna.adapters.db.tables import audit_events, usage_records
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.services.ingest import ingest_usage


def refused(container: Container, path: Path) -> InputRefused:
    with pytest.raises(InputRefused) as caught:
        ingest_usage(container, path, actor="test")
    assert usage_count(container) == 0
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 0
    return caught.value


def csv_with(iccid: str, index: int, value: str, *, count: int = 5) -> list[str]:
    """A CSV file's lines whose fourth record has ``value`` as field ``index``."""
    rows = csv_rows([iccid], count)
    fields = rows[2].split(",")
    fields[index] = value
    rows[2] = ",".join(fields)
    return [HEADER, *rows]


def ndjson_with(iccid: str, **override: object) -> list[str]:
    lines = [streamer_line(n, iccid) for n in range(1, 6)]
    lines[2] = streamer_line(3, iccid, **override)
    return lines


# -- files that are not UTF-8 text -------------------------------------------------------------


@pytest.mark.parametrize("name", ["usage.csv", "usage.ndjson"])
def test_latin1_file_is_refused_naming_the_line(
    container: Container, tmp_path: Path, name: str
) -> None:
    """P3: a latin-1 file is refused by the line of its first non-UTF-8 byte (it was a
    UnicodeDecodeError traceback)."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    lines = (
        [HEADER, *csv_rows([iccid], 5)]
        if name.endswith(".csv")
        else [streamer_line(n, iccid) for n in range(1, 6)]
    )
    lines[3] = lines[3].replace("Sweden", "Sverige") + ("å" if name.endswith(".csv") else "")
    lines[3] = lines[3].replace("Sverige", "Sverige åäö")  # bytes 0xE5 0xE4 0xF6 in line 4
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))

    error = refused(container, path)

    assert error.line == 4
    assert "UTF-8" in str(error)


@pytest.mark.parametrize("name", ["usage.csv", "usage.ndjson"])
def test_utf16_and_binary_files_are_refused(
    container: Container, tmp_path: Path, name: str
) -> None:
    """P3: UTF-16 (as some spreadsheet exports write) and binary files are refused at line 1."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    utf16 = tmp_path / f"utf16-{name}"
    utf16.write_text("\n".join([HEADER, *csv_rows([iccid], 3)]) + "\n", encoding="utf-16")
    binary = tmp_path / f"binary-{name}"
    binary.write_bytes((bytes(range(128, 256)) + bytes(range(128))) * 4)

    assert "UTF-16" in str(refused(container, utf16))
    assert refused(container, utf16).line == 1
    assert refused(container, binary).line == 1


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_a_utf8_byte_order_mark_is_read(container: Container, tmp_path: Path, fmt: str) -> None:
    """P3: a CSV saved by a spreadsheet program starts with a byte-order mark; it is read (it
    was refused as an unknown column), and NDJSON agrees."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    lines = (
        [HEADER, *csv_rows([iccid], 4)]
        if fmt == "csv"
        else [streamer_line(n, iccid) for n in range(1, 5)]
    )
    path = tmp_path / f"bom.{fmt}"
    path.write_bytes(codecs.BOM_UTF8 + ("\n".join(lines) + "\n").encode("utf-8"))

    summary = ingest_usage(container, path, actor="test")

    assert summary.rows == 4


# -- lines and values too large ---------------------------------------------------------------


def test_a_csv_field_past_the_line_limit_is_refused(container: Container, tmp_path: Path) -> None:
    """P3: a 200,000-character field (past the csv module's field limit, which raised
    _csv.Error) is refused by its line."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    path = write(tmp_path, "big.csv", csv_with(iccid, 9, "7" * 200_000))
    error = refused(container, path)
    assert error.line == 4
    assert "65,536 characters" in str(error)


def test_a_csv_line_without_end_is_refused_before_it_is_read_whole(
    container: Container, tmp_path: Path
) -> None:
    """P3: a file of one endless line (3 MB without a newline) stops at the limit."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    path = tmp_path / "endless.csv"
    path.write_text(HEADER + "\n" + "9" * 3_000_000, encoding="utf-8")
    assert refused(container, path).line == 2
    header_only = tmp_path / "header.csv"
    header_only.write_text("iccid" * 100_000, encoding="utf-8")
    assert refused(container, header_only).line == 1


@pytest.mark.parametrize("depth", [60_000, 100_000])
def test_deeply_nested_ndjson_is_refused(container: Container, tmp_path: Path, depth: int) -> None:
    """P3: a line of nested arrays (a RecursionError traceback) is refused by its line."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    lines = [streamer_line(1, iccid), "[" * depth, streamer_line(2, iccid)]
    assert refused(container, write(tmp_path, "nested.ndjson", lines)).line == 2


def test_source_id_past_18_digits_is_refused_in_both_formats(
    container: Container, tmp_path: Path
) -> None:
    """P3: an NDJSON id of 10**26 was stored (as a float on SQLite); CSV refused it. Both
    refuse it now."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    big = 10**26
    ndjson = refused(container, write(tmp_path, "id.ndjson", ndjson_with(iccid, id=big)))
    csv = refused(container, write(tmp_path, "id.csv", csv_with(iccid, 0, str(big))))
    assert (ndjson.line, ndjson.field) == (3, "id")
    assert (csv.line, csv.field) == (4, "source_id")
    largest = 10**18 - 1
    fine = write(tmp_path, "fine.ndjson", [streamer_line(largest, iccid)])
    assert ingest_usage(container, fine, actor="t").rows == 1


# -- timestamps ---------------------------------------------------------------------------------


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize(
    "stamp",
    [
        "0001-01-01 00:00:00",
        "1989-12-31 23:59:59",
        "9999-12-31 23:59:59",
        "future",
        "0001-01-01 01:00:00+02:00",  # an offset that would step out of the calendar
        "2026-10-03\x0010:00:00",  # a NUL as the separator
        "2026-10-03 10:00:00\x00",  # a NUL at the end
        "2026-10-03",  # a date without a time
        "20261003T100000",
    ],
)
def test_timestamps_outside_the_window_or_form_are_refused_in_both_formats(
    container: Container, tmp_path: Path, stamp: str
) -> None:
    """P3: usage dated year 1, before 1990, in year 9999 or more than a day ahead, and a
    timestamp with a NUL byte (Python's parser dropped it), are refused by CSV (fast and
    careful path alike) and NDJSON."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    stamp = _future() if stamp == "future" else stamp
    later = "9999-12-31 23:59:59" if stamp.startswith("9999") else "2026-10-03 10:15:00"
    rows = csv_with(iccid, 2, stamp)
    fields = rows[3].split(",")
    fields[3] = stamp if stamp > "2026" else later
    rows[3] = ",".join(fields)

    csv = refused(container, write(tmp_path, "t.csv", rows))
    ndjson = refused(
        container,
        write(
            tmp_path,
            "t.ndjson",
            ndjson_with(iccid, start_timestamp=stamp, end_timestamp=fields[3]),
        ),
    )

    assert (csv.line, csv.field) in {(4, "started_at"), (4, "ended_at")}
    assert (ndjson.line, ndjson.field) in {(3, "start_timestamp"), (3, "end_timestamp")}


def test_the_window_admits_1990_and_tomorrow(container: Container, tmp_path: Path) -> None:
    """P3: the edges of the window are usage."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    soon = (datetime.now(UTC) + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S")
    rows = [
        f"1,{iccid},1990-01-01 00:00:00,1990-01-01 00:10:00,1,1,240,01,,,,data",
        f"2,{iccid},{soon},{soon},1,1,240,01,,,,data",
    ]
    path = write(tmp_path, "edges.csv", [HEADER, *rows])
    assert ingest_usage(container, path, actor="t").rows == 2


# -- values the stores took in a form of their own ----------------------------------------------


def test_digits_of_other_scripts_are_refused_on_every_path(
    container: Container, tmp_path: Path
) -> None:
    """P3: Arabic-Indic digits passed the fast path's pattern and SQLite stored them as text in
    an integer column; both formats refuse them now."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    csv = refused(container, write(tmp_path, "d.csv", csv_with(iccid, 4, "١٢٣")))
    assert (csv.line, csv.field) == (4, "bytes_up")
    with container.engine.connect() as conn:
        assert conn.execute(select(usage_records.c.bytes_up)).first() is None


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"operator": {"mnc": "01", "country": {"mcc": "240\n"}}}, "operator.country.mcc"),
        ({"operator": {"mnc": "01\n", "country": {"mcc": "240"}}}, "operator.mnc"),
        ({"traffic_type": {"id": [5]}}, "traffic_type.id"),
        ({"traffic_type": [5]}, "traffic_type.id"),
        ({"imsi": "²⁴⁰"}, "imsi"),
    ],
)
def test_streamer_values_the_csv_path_refuses_are_refused(
    container: Container, tmp_path: Path, override: dict[str, object], field: str
) -> None:
    """P3: an MCC with a trailing newline was stored as it was; a list as the traffic type
    was a TypeError traceback; superscript digits passed as an IMSI."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    error = refused(container, write(tmp_path, "v.ndjson", ndjson_with(iccid, **override)))
    assert (error.line, error.field) == (3, field)
