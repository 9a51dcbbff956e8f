"""The bulk paths of ``varna ingest usage``: on PostgreSQL a month without a partition is
loaded into a table of its own and attached; on SQLite a small table's (sim_id, started_at)
index is built once after the load. Either way the result, and a refusal, look exactly as
the row-by-row path leaves them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text

from tests.factories import add_customer_with_sims
from tests.integration.test_ingest import HEADER, csv_rows, usage_count, write
from varna.adapters.db import usage_lines
from varna.adapters.db.partitions import ensure_partitions
from varna.adapters.db.tables import audit_events, usage_records
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.services.ingest import IngestSummary, ingest_usage

OCTOBER = "usage_records_y2026m10"
NOVEMBER = "usage_records_y2026m11"


def load(container: Container, path: Path) -> IngestSummary:
    return ingest_usage(container, path, actor="test")


@pytest.fixture
def statements(container: Container) -> Iterator[list[str]]:
    """The SQL the engine's connections send through SQLAlchemy, and on SQLite everything
    the driver runs (the bulk inserts bypass SQLAlchemy)."""
    sent: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    def connected(dbapi_conn: Any, _record: Any) -> None:
        if container.engine.dialect.name == "sqlite":
            dbapi_conn.set_trace_callback(sent.append)

    event.listen(container.engine, "before_cursor_execute", before)
    event.listen(container.engine, "connect", connected)
    try:
        yield sent
    finally:
        event.remove(container.engine, "before_cursor_execute", before)
        event.remove(container.engine, "connect", connected)


def _needs(container: Container, dialect: str) -> None:
    if container.engine.dialect.name != dialect:
        pytest.skip(f"the {dialect} bulk path")


def _tables(engine: Engine, prefix: str) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE :p"),
                {"p": f"{prefix}%"},
            ).scalars()
        )


def _partitions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    " WHERE i.inhparent = 'usage_records'::regclass"
                )
            ).scalars()
        )


def _layout(engine: Engine, name: str) -> dict[str, Any]:
    """A partition's indexes (each with the partitioned index it belongs to), constraints
    and column defaults, with its own name taken out."""
    with engine.connect() as conn:
        indexes = conn.execute(
            text(
                "SELECT replace(i.relname, :n, 'P'), replace(pg_get_indexdef(i.oid), :n, 'P'),"
                " p.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " LEFT JOIN pg_inherits h ON h.inhrelid = i.oid"
                " LEFT JOIN pg_class p ON p.oid = h.inhparent"
                " WHERE x.indrelid = CAST(:n AS regclass) ORDER BY 1"
            ),
            {"n": name},
        ).all()
        constraints = conn.execute(
            text(
                "SELECT replace(conname, :n, 'P'), contype, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid = CAST(:n AS regclass) ORDER BY 1"
            ),
            {"n": name},
        ).all()
        defaults = conn.execute(
            text("SELECT count(*) FROM pg_attrdef WHERE adrelid = CAST(:n AS regclass)"),
            {"n": name},
        ).scalar_one()
    return {"indexes": indexes, "constraints": constraints, "defaults": defaults}


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few lines, so that a file of a few dozen lines is loaded block by block
    and a bad line can come after records were already sent."""
    monkeypatch.setattr(usage_lines, "BLOCK_CHARS", 400)


def test_postgres_new_month_is_attached_as_an_indexed_partition(
    container: Container, tmp_path: Path, statements: list[str]
) -> None:
    _needs(container, "postgresql")
    iccids = add_customer_with_sims(container.engine, 3)

    summary = load(container, write(tmp_path, "oct.csv", [HEADER, *csv_rows(iccids, 40)]))

    assert summary.rows == 40
    assert any(f"CREATE TABLE {OCTOBER} (LIKE usage_records" in s for s in statements)
    assert _partitions(container.engine) == {OCTOBER}
    with container.engine.begin() as conn:
        ensure_partitions(conn, [date(2026, 11, 1)])
    attached, created = _layout(container.engine, OCTOBER), _layout(container.engine, NOVEMBER)
    assert attached == created  # the same partition as one created empty
    assert {parent for _, _, parent in attached["indexes"]} == {
        "pk_usage_records",
        "uq_usage_records_source_id",
        "ix_usage_records_sim_started",
    }
    with container.engine.connect() as conn:
        ids = conn.execute(select(usage_records.c.id).order_by(usage_records.c.source_id)).scalars()
        assert list(ids) == list(range(1, 41))  # the table's identity, in file order
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: the index if usable
        plan = "\n".join(
            conn.execute(
                text(
                    "EXPLAIN SELECT * FROM usage_records WHERE sim_id = 1"
                    " AND started_at >= '2026-10-01' AND started_at < '2026-11-01'"
                )
            ).scalars()
        )
    assert "sim_id_started_at_idx" in plan


def test_postgres_later_loads_continue_the_ids_and_replays_stay_harmless(
    container: Container, tmp_path: Path
) -> None:
    _needs(container, "postgresql")
    iccids = add_customer_with_sims(container.engine, 3)
    load(container, write(tmp_path, "oct.csv", [HEADER, *csv_rows(iccids, 20)]))
    november = csv_rows(iccids, 20, start_id=100, month=11)

    more = load(container, write(tmp_path, "more.csv", [HEADER, *csv_rows(iccids, 30), *november]))

    assert more.rows == 30  # ten new October records, twenty in a new month
    with container.engine.connect() as conn:
        ids = list(conn.execute(select(usage_records.c.id)).scalars())
    assert len(ids) == len(set(ids)) == 50


def test_postgres_a_month_with_a_partition_goes_through_the_partitioned_table(
    container: Container, tmp_path: Path, statements: list[str]
) -> None:
    """October has rows and September an empty partition: both are loaded as before; only
    November, which has no partition, gets a table of its own."""
    _needs(container, "postgresql")
    iccids = add_customer_with_sims(container.engine, 2)
    load(container, write(tmp_path, "oct.csv", [HEADER, *csv_rows(iccids, 10)]))
    with container.engine.begin() as conn:
        ensure_partitions(conn, [date(2026, 9, 1)])
    with container.engine.connect() as conn:
        october_oid = conn.execute(text(f"SELECT CAST('{OCTOBER}' AS regclass)::oid")).scalar()
    statements.clear()
    rows = [
        *csv_rows(iccids, 10, start_id=50),
        *csv_rows(iccids, 5, start_id=80, month=9),
        *csv_rows(iccids, 5, start_id=90, month=11),
    ]

    summary = load(container, write(tmp_path, "three.csv", [HEADER, *rows]))

    assert summary.rows == 20
    created = [s for s in statements if "(LIKE usage_records" in s]
    assert len(created) == 1
    assert f"CREATE TABLE {NOVEMBER} (LIKE" in created[0]
    with container.engine.connect() as conn:
        assert conn.execute(text(f"SELECT CAST('{OCTOBER}' AS regclass)::oid")).scalar() == (
            october_oid
        )
        counts = dict(
            conn.execute(
                text("SELECT tableoid::regclass::text, count(*) FROM usage_records GROUP BY 1")
            ).all()
        )
    assert counts == {OCTOBER: 20, "usage_records_y2026m09": 5, NOVEMBER: 5}


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize(
    ("started", "ended", "field"),
    [
        # The block pattern sends it on to the careful path, which refuses it.
        ("2026-10-05 10:00:00", "2026-10-05 09:00:00", "ended_at"),
        # The block pattern takes it; the server refuses it, in a month of its own.
        ("2026-02-30 10:00:00", "2026-10-05 10:00:00", "started_at"),
    ],
)
def test_postgres_a_refusal_after_records_were_sent_leaves_no_table(
    container: Container,
    tmp_path: Path,
    statements: list[str],
    started: str,
    ended: str,
    field: str,
) -> None:
    _needs(container, "postgresql")
    iccids = add_customer_with_sims(container.engine, 2)
    rows = csv_rows(iccids, 40)
    fields = rows[35].split(",")
    fields[2:4] = [started, ended]
    rows[35] = ",".join(fields)

    with pytest.raises(InputRefused) as refused:
        load(container, write(tmp_path, "bad.csv", [HEADER, *rows]))

    assert (refused.value.line, refused.value.field) == (37, field)
    assert any(f"CREATE TABLE {OCTOBER}" in s for s in statements)  # records were sent
    assert _tables(container.engine, "usage_records_") == set()
    assert usage_count(container) == 0
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == 0


def test_postgres_a_timestamp_the_server_moves_to_another_month_is_refused(
    container: Container, tmp_path: Path
) -> None:
    """The server reads 24:00:00 as midnight of the next day; the month's table of its own
    must not take it (its month's range is checked as rows arrive)."""
    _needs(container, "postgresql")
    iccids = add_customer_with_sims(container.engine, 2)
    rows = csv_rows(iccids, 10)
    fields = rows[4].split(",")
    fields[2:4] = ["2026-10-31 24:00:00", "2026-10-31 24:00:00"]
    rows[4] = ",".join(fields)

    with pytest.raises(InputRefused) as refused:
        load(container, write(tmp_path, "late.csv", [HEADER, *rows]))

    assert (refused.value.line, refused.value.field) == (6, "started_at")
    assert _tables(container.engine, "usage_records_") == set()


def _sim_index(engine: Engine) -> str | None:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_usage_records_sim_started'")
        ).scalar()
    return None if found is None else str(found)


def test_sqlite_small_table_gets_its_index_built_after_the_load(
    container: Container, tmp_path: Path, statements: list[str]
) -> None:
    _needs(container, "sqlite")
    before = _sim_index(container.engine)
    iccids = add_customer_with_sims(container.engine, 3)

    summary = load(container, write(tmp_path, "oct.csv", [HEADER, *csv_rows(iccids, 40)]))

    assert summary.rows == 40
    assert "DROP INDEX ix_usage_records_sim_started" in statements
    assert _sim_index(container.engine) == before
    with container.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text("EXPLAIN QUERY PLAN SELECT * FROM usage_records WHERE sim_id = 1")
            )
        )
    assert "ix_usage_records_sim_started" in plan


def test_sqlite_large_table_keeps_its_index_during_the_load(
    container: Container, tmp_path: Path, statements: list[str]
) -> None:
    _needs(container, "sqlite")
    iccids = add_customer_with_sims(container.engine, 3)
    load(container, write(tmp_path, "big.csv", [HEADER, *csv_rows(iccids, 200)]))
    statements.clear()

    summary = load(
        container, write(tmp_path, "small.csv", [HEADER, *csv_rows(iccids, 3, start_id=500)])
    )

    assert summary.rows == 3
    assert not any("DROP INDEX" in s for s in statements)
    assert usage_count(container) == 203


@pytest.mark.usefixtures("small_blocks")
def test_sqlite_a_refusal_after_records_were_sent_keeps_the_index(
    container: Container, tmp_path: Path, statements: list[str]
) -> None:
    _needs(container, "sqlite")
    before = _sim_index(container.engine)
    iccids = add_customer_with_sims(container.engine, 2)
    rows = csv_rows(iccids, 40)
    fields = rows[35].split(",")
    fields[2] = "2026-02-30 10:00:00"
    rows[35] = ",".join(fields)

    with pytest.raises(InputRefused) as refused:
        load(container, write(tmp_path, "bad.csv", [HEADER, *rows]))

    assert (refused.value.line, refused.value.field) == (37, "started_at")
    assert "DROP INDEX ix_usage_records_sim_started" in statements
    assert _sim_index(container.engine) == before
    assert usage_count(container) == 0
