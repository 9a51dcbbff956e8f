"""Monthly range partitions of the usage table on PostgreSQL, created as data arrives."""

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


def ensure_partitions(connection: Connection, months: Iterable[date]) -> list[str]:
    """Create the month partitions for ``months`` (first days) that do not exist yet.
    Concurrent loads serialise on an advisory lock held until their transactions end."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('varna.usage_partitions'))"))
    existing = _partitions(connection)
    created: list[str] = []
    for month in sorted(set(months)):
        name = partition_name(month)
        if name not in existing:
            upper = next_month(month)
            connection.execute(
                text(
                    f"CREATE TABLE {name} PARTITION OF usage_records"  # noqa: S608
                    f" FOR VALUES FROM ('{month.isoformat()} 00:00:00+00')"
                    f" TO ('{upper.isoformat()} 00:00:00+00')"
                )
            )
            created.append(name)
    return created
