"""``varna ingest usage``: bulk loads that are refused whole on bad input (P3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.factories import add_customer_with_sims
from varna.adapters.db.tables import audit_events, usage_records
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.domain.usage import CSV_COLUMNS
from varna.services.ingest import ingest_usage

HEADER = ",".join(CSV_COLUMNS)


def csv_rows(iccids: list[str], count: int, *, start_id: int = 1, month: int = 10) -> list[str]:
    rows = []
    for n in range(count):
        iccid = iccids[n % len(iccids)]
        date = f"2026-{month:02d}-{1 + n % 28:02d}"
        rows.append(
            f"{start_id + n},{iccid},{date} 10:00:00,{date} 10:15:00,"
            f"{1000 + n},{5000 + n},240,01,{20000 + n},{300 + n % 50},4G,data"
        )
    return rows


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def usage_count(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(usage_records)).scalar_one())


def test_csv_loads_every_row_with_an_audit_event(container: Container, tmp_path: Path) -> None:
    """P3: per-SIM usage records are stored, and the load is audited in the same transaction."""
    iccids = add_customer_with_sims(container.engine, 5)
    path = write(tmp_path, "usage.csv", [HEADER, *csv_rows(iccids, 200)])

    summary = ingest_usage(container, path, actor="test")

    assert summary.rows == 200
    assert usage_count(container) == 200
    with container.engine.connect() as conn:
        event = conn.execute(
            select(audit_events).where(audit_events.c.action == "usage.ingested")
        ).one()
    assert event.details["rows"] == 200
    assert event.actor == "test"


def test_replayed_records_are_stored_once(container: Container, tmp_path: Path) -> None:
    """The streamers deliver at least once: the same file again adds nothing."""
    iccids = add_customer_with_sims(container.engine, 3)
    path = write(tmp_path, "usage.csv", [HEADER, *csv_rows(iccids, 50)])
    ingest_usage(container, path, actor="test")

    again = ingest_usage(container, path, actor="test")
    overlapping = write(tmp_path, "more.csv", [HEADER, *csv_rows(iccids, 60)])
    partly_new = ingest_usage(container, overlapping, actor="test")

    assert again.rows == 0
    assert partly_new.rows == 10
    assert usage_count(container) == 60


def test_records_without_source_id_are_all_kept(container: Container, tmp_path: Path) -> None:
    iccids = add_customer_with_sims(container.engine, 1)
    rows = [",".join(["", *r.split(",")[1:]]) for r in csv_rows(iccids, 4)]
    path = write(tmp_path, "usage.csv", [HEADER, *rows])
    ingest_usage(container, path, actor="test")
    ingest_usage(container, path, actor="test")
    assert usage_count(container) == 8


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        (lambda f: f.__setitem__(4, "many"), "bytes_up", "whole number"),
        (lambda f: f.__setitem__(2, "yesterday"), "started_at", "timestamp"),
        (lambda f: f.__setitem__(3, "2026-10-01 09:00:00"), "ended_at", "ends before it starts"),
        (lambda f: f.__setitem__(1, "89469990000000000000"), "iccid", "no SIM"),
        (lambda f: f.__setitem__(6, "24"), "mcc", "country code"),
        (lambda f: f.__setitem__(11, "fax"), "traffic_type", "one of"),
        (lambda f: f.__setitem__(5, "-5"), "bytes_down", "range"),
    ],
)
def test_a_bad_line_refuses_the_whole_file(
    container: Container, tmp_path: Path, mutate: object, field: str, reason: str
) -> None:
    """Bad input names the line and the field, and nothing of the file is stored."""
    iccids = add_customer_with_sims(container.engine, 2)
    rows = csv_rows(iccids, 30)
    fields = rows[16].split(",")
    mutate(fields)  # type: ignore[operator]
    rows[16] = ",".join(fields)
    path = write(tmp_path, "bad.csv", [HEADER, *rows])

    with pytest.raises(InputRefused) as refused:
        ingest_usage(container, path, actor="test")

    assert refused.value.line == 18  # header is line 1, rows[16] is line 18
    assert refused.value.field == field
    assert reason in str(refused.value)
    assert usage_count(container) == 0
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 0


def test_error_text_never_repeats_the_value(container: Container, tmp_path: Path) -> None:
    """An ICCID is personal data: the message names line and field, not the value."""
    iccids = add_customer_with_sims(container.engine, 1)
    rows = csv_rows(iccids, 3)
    rows[1] = rows[1].replace("4G", "4G").replace(",1001,", ",+46 70 174 06 99,")
    path = write(tmp_path, "bad.csv", [HEADER, *rows])
    with pytest.raises(InputRefused) as refused:
        ingest_usage(container, path, actor="test")
    assert "46701740699" not in str(refused.value)
    assert refused.value.line == 3


def test_wrong_header_is_refused(container: Container, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", ["iccid,start,end", "1,2,3"])
    with pytest.raises(InputRefused) as refused:
        ingest_usage(container, path, actor="test")
    assert refused.value.line == 1
    assert refused.value.field == "start"


def test_postgres_creates_month_partitions_as_data_arrives(
    container: Container, tmp_path: Path
) -> None:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("monthly partitions exist on PostgreSQL only")
    iccids = add_customer_with_sims(container.engine, 2)
    october = csv_rows(iccids, 10, month=10)
    august = csv_rows(iccids, 10, start_id=100, month=8)
    ingest_usage(
        container,
        write(tmp_path, "u.csv", [HEADER, *october, *august]),
        actor="test",
    )
    with container.engine.connect() as conn:
        parts = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    " WHERE i.inhparent = 'usage_records'::regclass"
                )
            ).scalars()
        )
    assert parts == {"usage_records_y2026m10", "usage_records_y2026m08"}


def streamer_line(record_id: int, iccid: str, **override: object) -> str:
    record: dict[str, object] = {
        "id": record_id,
        "traffic_type": {"id": 5, "description": "Data"},
        "start_timestamp": "2026-10-03 08:00:00",
        "end_timestamp": "2026-10-03 08:14:59",
        "organisation": {"id": 1, "name": "Testbolaget AB"},
        "endpoint": {
            "id": 7,
            "name": "meter 7",
            "imei": "490154203237518",
            "ip_address": "10.0.0.7",
        },
        "sim": {"id": 9, "iccid": iccid, "msisdn": "46701740001", "production_date": "2025-01-01"},
        "imsi": "240990000000001",
        "operator": {
            "id": 2,
            "name": "Telia",
            "mnc": "01",
            "country": {"id": 205, "mcc": "240", "name": "Sweden"},
        },
        "volume": {"total": 0.75, "rx": 0.5, "tx": 0.25},
        "cost": 0.01,
        "currency": {"id": 1, "code": "EUR"},
    }
    record.update(override)
    return json.dumps(record)


def test_streamer_ndjson_is_mapped_and_deduplicated(container: Container, tmp_path: Path) -> None:
    """The emnify / 1NCE usage shape: rx is down, tx is up, volumes in decimal MB."""
    iccids = add_customer_with_sims(container.engine, 2)
    path = write(tmp_path, "stream.ndjson", [streamer_line(n, iccids[n % 2]) for n in range(1, 11)])
    first = ingest_usage(container, path, actor="test")
    again = ingest_usage(container, path, actor="test")
    assert (first.rows, again.rows) == (10, 0)
    with container.engine.connect() as conn:
        row = conn.execute(select(usage_records).limit(1)).one()
    assert (row.bytes_down, row.bytes_up, row.mcc, row.mnc, row.traffic_type) == (
        500_000,
        250_000,
        "240",
        "01",
        "data",
    )
    assert row.started_at.tzinfo is not None


def test_streamer_bad_field_refuses_the_file(container: Container, tmp_path: Path) -> None:
    iccids = add_customer_with_sims(container.engine, 1)
    lines = [streamer_line(n, iccids[0]) for n in range(1, 6)]
    lines[3] = streamer_line(4, iccids[0], volume={"rx": "lots", "tx": 1})
    with pytest.raises(InputRefused) as refused:
        ingest_usage(container, write(tmp_path, "s.ndjson", lines), actor="test")
    assert (refused.value.line, refused.value.field) == (4, "volume.rx")
    assert usage_count(container) == 0


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("2026-02-30 10:00:00", "started_at"),
        ("yesterday", "started_at"),
        ("01/02/2026 10:00", "started_at"),
    ],
)
def test_impossible_or_ambiguous_timestamps_are_refused(
    container: Container, tmp_path: Path, value: str, field: str
) -> None:
    """PostgreSQL's own parser would take 'yesterday' and day-month guesses; varna does not."""
    iccids = add_customer_with_sims(container.engine, 1)
    rows = csv_rows(iccids, 3)
    fields = rows[2].split(",")
    fields[2] = value
    rows[2] = ",".join(fields)
    with pytest.raises(InputRefused) as refused:
        ingest_usage(
            container,
            write(tmp_path, "t.csv", [HEADER, *rows]),
            actor="test",
        )
    assert (refused.value.line, refused.value.field) == (4, field)
    assert usage_count(container) == 0


def test_duplicate_source_ids_inside_one_file_are_stored_once(
    container: Container, tmp_path: Path
) -> None:
    iccids = add_customer_with_sims(container.engine, 2)
    rows = csv_rows(iccids, 10)
    summary = ingest_usage(
        container,
        write(tmp_path, "d.csv", [HEADER, *rows, *rows[:4]]),
        actor="test",
    )
    assert summary.rows == 10
    assert usage_count(container) == 10


def test_quoted_fields_and_offsets_take_the_careful_path(
    container: Container, tmp_path: Path
) -> None:
    """Lines outside the canonical form are still read correctly, field by field."""
    iccids = add_customer_with_sims(container.engine, 1)
    line = (
        f'7,"{iccids[0]}",2026-10-02T12:00:00+02:00,2026-10-02 10:30:00Z,'
        '" 12",0013,240,001,,,NB-IoT,sms'
    )
    ingest_usage(container, write(tmp_path, "q.csv", [HEADER, line]), actor="t")
    with container.engine.connect() as conn:
        row = conn.execute(select(usage_records)).one()
    assert row.started_at.isoformat() == "2026-10-02T10:00:00+00:00"
    assert (row.bytes_up, row.bytes_down, row.mnc, row.cell_id, row.rat) == (
        12,
        13,
        "001",
        None,
        "NB-IoT",
    )
