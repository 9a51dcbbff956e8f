"""Monthly range partitions of the usage table on PostgreSQL, created as data arrives.

A month that has no partition yet can instead be loaded into a table of its own, indexed
once and attached (:func:`create_month_table`, :func:`attach_month_table`): building an
index from all of a month's rows at once is much cheaper than keeping it up to date row by
row. Once attached, the table is a partition like any other, with the same indexes and
constraints under the same names, so retention can detach and drop it as a whole."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text


def month_start(value: date) -> date:
    return date(value.year, value.month, 1)


def next_month(value: date) -> date:
    return date(value.year + value.month // 12, value.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"usage_records_y{month.year:04d}m{month.month:02d}"


def _partitions(connection: Connection) -> set[str]:
    return set(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'usage_records'::regclass"
            )
        ).scalars()
    )


def existing_months(connection: Connection) -> set[str]:
    """The months (``YYYY-MM``) that already have a partition."""
    months = set()
    for name in _partitions(connection):
        if name.startswith("usage_records_y") and len(name) == len("usage_records_y2026m01"):
            months.add(f"{name[15:19]}-{name[20:22]}")
    return months


def lock_partitions(connection: Connection) -> None:
    """Serialise the loads that create month partitions: an advisory lock held until the
    transaction ends."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('varna.usage_partitions'))"))


def _bounds(month: date) -> str:
    upper = next_month(month)
    return f"FROM ('{month.isoformat()} 00:00:00+00') TO ('{upper.isoformat()} 00:00:00+00')"


def ensure_partitions(connection: Connection, months: Iterable[date]) -> list[str]:
    """Create the month partitions for ``months`` (first days) that do not exist yet.
    Concurrent loads serialise on an advisory lock held until their transactions end."""
    lock_partitions(connection)
    existing = _partitions(connection)
    created: list[str] = []
    for month in sorted(set(months)):
        name = partition_name(month)
        if name not in existing:
            connection.execute(
                text(f"CREATE TABLE {name} PARTITION OF usage_records FOR VALUES {_bounds(month)}")
            )
            created.append(name)
    return created


def create_month_table(connection: Connection, month: date) -> str:
    """A table of its own for the records of ``month`` (which has no partition), shaped as
    its partition will be but without indexes yet. The caller holds
    :func:`lock_partitions`. Ids come from the usage table's identity, as they would
    through the partitioned table; the month's range is checked as rows arrive, so that
    attaching needs no scan."""
    name = partition_name(month)
    upper = next_month(month)
    connection.exec_driver_sql(
        f"CREATE TABLE {name} (LIKE usage_records INCLUDING CONSTRAINTS,"  # noqa: S608
        f" CONSTRAINT {name}_loading CHECK (started_at >= '{month.isoformat()} 00:00:00+00'"
        f" AND started_at < '{upper.isoformat()} 00:00:00+00'));"
        f" ALTER TABLE {name} ALTER COLUMN id SET DEFAULT"
        " nextval(pg_get_serial_sequence('usage_records', 'id'))"
    )
    return name


def attach_month_table(connection: Connection, name: str, month: date) -> None:
    """Index the loaded table of ``month`` as the partitioned table's indexes require
    (matching indexes are attached, not built again) and attach it as the month's
    partition. A duplicate source id raises ``UniqueViolation`` here."""
    # A month of a busy store (millions of rows) is sorted in memory rather than on disk; the
    # setting ends with the transaction.
    connection.exec_driver_sql(
        "SET LOCAL maintenance_work_mem = '256MB';"
        f" ALTER TABLE {name} ALTER COLUMN id DROP DEFAULT,"
        f" ADD CONSTRAINT {name}_pkey PRIMARY KEY (id, started_at),"
        f" ADD CONSTRAINT {name}_source_id_started_at_key UNIQUE (source_id, started_at);"
        f" CREATE INDEX {name}_sim_id_started_at_idx ON {name} (sim_id, started_at);"
        f" ALTER TABLE usage_records ATTACH PARTITION {name} FOR VALUES {_bounds(month)};"
        f" ALTER TABLE {name} DROP CONSTRAINT {name}_loading"
    )
