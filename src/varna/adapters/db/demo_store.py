"""Writes the demo data set: SQLAlchemy Core executemany in batches, never one INSERT per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, Table, exists, func, select, text

from varna.adapters.db.partitions import ensure_partitions, month_start, next_month
from varna.adapters.db.tables import (
    contracts,
    demo_marker,
    devices,
    disclosures,
    invoice_lines,
    invoices,
    orders,
    organisations,
    payments,
    people,
    person_roles,
    quote_requests,
    sim_end_users,
    sims,
    support_tickets,
    ticket_messages,
    usage_records,
    web_visits,
)
from varna.services.ports import UsageRow, iter_chunks

# Parents before children: the order rows are written in; deletes run the other way.
BUSINESS_TABLES: tuple[Table, ...] = (
    organisations,
    people,
    person_roles,
    disclosures,
    quote_requests,
    orders,
    contracts,
    sims,
    sim_end_users,
    devices,
    disclosures,
    usage_records,
    invoices,
    invoice_lines,
    payments,
    support_tickets,
    ticket_messages,
    web_visits,
)
_BY_NAME = {table.name: table for table in BUSINESS_TABLES}
BATCH_ROWS = 5_000
USAGE_BATCH_ROWS = 50_000
USAGE_COLUMNS = (
    "sim_id, started_at, ended_at, bytes_up, bytes_down, mcc, mnc, cell_id, lac_tac, rat,"
    " traffic_type"
)
SQLITE_USAGE_INSERT = (
    f"INSERT INTO usage_records ({USAGE_COLUMNS})"  # noqa: S608 - constants only
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class _TimestampText:
    """Seconds since the epoch (UTC) as the text each store reads fastest; one datetime
    per day, the time of day by arithmetic."""

    def __init__(self, suffix: str) -> None:
        self._suffix = suffix
        self._days: dict[int, str] = {}

    def __call__(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d ")
            self._days[day] = prefix
        hours, rest = divmod(rest, 3_600)
        minutes, secs = divmod(rest, 60)
        return f"{prefix}{hours:02d}:{minutes:02d}:{secs:02d}{self._suffix}"


def _copy_field(value: object) -> str:
    return "\\N" if value is None else str(value)


class SqlDemoStore:
    def __init__(self, connection: Connection, *, batch_rows: int = BATCH_ROWS) -> None:
        self._connection = connection
        self._batch_rows = batch_rows

    @property
    def _postgres(self) -> bool:
        return self._connection.dialect.name == "postgresql"

    def holds_business_data(self) -> bool:
        return any(
            self._connection.execute(select(exists().select_from(table))).scalar_one()
            for table in BUSINESS_TABLES
        )

    def empty_business_tables(self) -> None:
        if self._postgres:
            # CASCADE: rows of other tables that refer to people or organisations go too.
            names = ", ".join(table.name for table in BUSINESS_TABLES)
            # The ids start again at 1; setval rather than RESTART IDENTITY, which needs
            # ownership of the sequences (the application's role has UPDATE on them).
            self._connection.execute(text(f"TRUNCATE {names} CASCADE"))
            for table in BUSINESS_TABLES:
                self._connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)")
                )
            return
        for table in reversed(BUSINESS_TABLES):
            self._connection.execute(table.delete())

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        target = _BY_NAME[table]
        statement = target.insert()
        written = 0
        for batch in iter_chunks(rows, self._batch_rows):
            self._connection.execute(statement, batch)
            written += len(batch)
        return written

    def load_usage(self, rows: Iterable[UsageRow], *, first_day: date, last_day: date) -> int:
        if self._postgres:
            return self._copy_usage(rows, first_day, last_day)
        return self._executemany_usage(rows)

    def _executemany_usage(self, rows: Iterable[UsageRow]) -> int:
        # SQLite keeps timestamps as text to the second (types.SQLITE_TIMESTAMP).
        stamp = _TimestampText("")
        dbapi = self._connection.connection.driver_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        written = 0

        def converted(batch: list[UsageRow]) -> Iterator[tuple[Any, ...]]:
            for sim, start, end, up, down, mcc, mnc, cell, tac, rat, kind in batch:
                yield (sim, stamp(start), stamp(end), up, down, mcc, mnc, cell, tac, rat, kind)

        for batch in iter_chunks(rows, USAGE_BATCH_ROWS):
            cursor.executemany(SQLITE_USAGE_INSERT, converted(batch))
            written += len(batch)
        cursor.close()
        return written

    def _copy_usage(self, rows: Iterable[UsageRow], first_day: date, last_day: date) -> int:
        months = []
        month = month_start(first_day)
        while month <= last_day:
            months.append(month)
            month = next_month(month)
        ensure_partitions(self._connection, months)
        self._connection.execute(text("SET LOCAL TimeZone = 'UTC'"))
        raw = self._connection.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        stamp = _TimestampText("+00")
        field = _copy_field
        written = 0
        statement = f"COPY usage_records ({USAGE_COLUMNS}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for batch in iter_chunks(rows, USAGE_BATCH_ROWS):
                copy.write(
                    "".join(
                        f"{sim}\t{stamp(start)}\t{stamp(end)}\t{up}\t{down}\t{mcc}\t{mnc}\t"
                        f"{field(cell)}\t{field(tac)}\t{field(rat)}\t{kind}\n"
                        for sim, start, end, up, down, mcc, mnc, cell, tac, rat, kind in batch
                    )
                )
                written += len(batch)
        return written

    def finish(self) -> None:
        """On PostgreSQL, move each id sequence past the explicit ids just written."""
        if not self._postgres:
            return
        for table in BUSINESS_TABLES:
            if table is usage_records:
                continue
            self._connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"  # noqa: S608
                    f" COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )

    def mark_demo(self, *, at: datetime, size: str, seed: int) -> None:
        """Write the marker that says this database holds the demo data set (one row)."""
        self._connection.execute(demo_marker.delete())
        self._connection.execute(demo_marker.insert().values(built_at=at, size=size, seed=seed))

    def row_counts(self) -> dict[str, int]:
        return {
            table.name: int(
                self._connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in BUSINESS_TABLES
        }
