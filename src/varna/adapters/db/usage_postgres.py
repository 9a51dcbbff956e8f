"""Usage records on PostgreSQL: canonical rows from ``domain.usage_csv`` streamed by COPY
straight into the monthly partitions, in the caller's transaction.

Fast path: one COPY (restarted only to create a month partition that a row needs). When a
row's source id is already stored (the streamers replay), the fast path's savepoint is
rolled back and the file goes through a staging table and ``INSERT ... ON CONFLICT DO
NOTHING`` instead, so each record is stored once. A bad line refuses the whole file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, func, select, text

from varna.adapters.db.partitions import ensure_partitions, existing_months
from varna.adapters.db.tables import usage_records
from varna.adapters.db.usage_lines import CountingLines
from varna.adapters.db.usage_sqlite import sim_ids
from varna.domain.usage import UsageRecord
from varna.domain.usage_csv import Row, UsageCsvReader, record_row
from varna.services.ports import ProgressHook

COLUMNS = (
    "source_id, sim_id, started_at, ended_at, bytes_up, bytes_down, mcc, mnc, cell_id, lac_tac,"
    " rat, traffic_type"
)
FLUSH_ROWS = 8_192


def _csv_line(row: Row) -> str:
    src, sim, start, end, up, down, mcc, mnc, cell, lac, rat, traffic = row
    return (
        f"{src or ''},{sim},{start},{end},{up},{down},{mcc},{mnc},"
        f"{cell or ''},{lac or ''},{rat or ''},{traffic}\n"
    )


class PostgresUsageStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _raw(self) -> psycopg.Connection[Any]:
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        return driver

    def load_csv_file(self, path: Path, *, progress: ProgressHook | None = None) -> int:
        known = sim_ids(self._connection)

        def rows(report: ProgressHook | None) -> Iterator[tuple[int, Row]]:
            with path.open("r", encoding="utf-8", newline="") as handle:
                reader = UsageCsvReader(handle.readline(), known)
                yield from reader.rows(CountingLines(handle, report))

        return self._load(rows, progress)

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        known = sim_ids(self._connection)
        cached: list[tuple[int, Row]] = []

        def rows(_: ProgressHook | None) -> Iterator[tuple[int, Row]]:
            if cached:
                yield from cached
                return
            for line, record in records:
                row = (line, record_row(record, known, line))
                cached.append(row)
                yield row

        return self._load(rows, progress)

    def _load(self, rows: Any, progress: ProgressHook | None) -> int:
        self._connection.execute(text("SET LOCAL TimeZone = 'UTC'"))
        savepoint = self._connection.begin_nested()
        try:
            stored = self._copy_into_partitions(rows(progress))
        except psycopg.errors.UniqueViolation:
            savepoint.rollback()
            return self._copy_through_staging(rows(None))
        savepoint.commit()
        return stored

    def _copy_into_partitions(self, rows: Iterator[tuple[int, Row]]) -> int:
        months = existing_months(self._connection)
        raw = self._raw()
        statement = f"COPY usage_records ({COLUMNS}) FROM STDIN WITH (FORMAT csv)"
        stored = 0
        pending: Iterator[tuple[int, Row]] | None = rows
        while pending is not None:
            source, pending = pending, None
            with raw.cursor() as cursor:
                with cursor.copy(statement) as copy:
                    buffer: list[str] = []
                    for line, row in source:
                        if row[2][:7] not in months:
                            pending = itertools.chain([(line, row)], source)
                            break
                        buffer.append(_csv_line(row))
                        if len(buffer) >= FLUSH_ROWS:
                            copy.write("".join(buffer))
                            buffer.clear()
                    if buffer:
                        copy.write("".join(buffer))
                stored += max(cursor.rowcount, 0)
            if pending is not None:
                first = next(pending)
                month = first[1][2][:7]
                ensure_partitions(self._connection, [date.fromisoformat(f"{month}-01")])
                months.add(month)
                pending = itertools.chain([first], pending)
        return stored

    def _copy_through_staging(self, rows: Iterator[tuple[int, Row]]) -> int:
        """The replay path: stage every row, then insert those not stored yet."""
        self._connection.execute(
            text(
                "CREATE TEMPORARY TABLE usage_staging ON COMMIT DROP AS"
                f" SELECT {COLUMNS} FROM usage_records WITH NO DATA"  # noqa: S608 - constants
            )
        )
        raw = self._raw()
        months: set[str] = set()
        statement = f"COPY usage_staging ({COLUMNS}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            buffer: list[str] = []
            for _, row in rows:
                months.add(row[2][:7])
                buffer.append(_csv_line(row))
                if len(buffer) >= FLUSH_ROWS:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
        ensure_partitions(self._connection, [date.fromisoformat(f"{m}-01") for m in months])
        result = self._connection.execute(
            text(
                f"INSERT INTO usage_records ({COLUMNS}) SELECT {COLUMNS} FROM usage_staging"  # noqa: S608
                " ON CONFLICT DO NOTHING"
            )
        )
        self._connection.execute(text("DROP TABLE usage_staging"))
        return int(result.rowcount)

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(usage_records)).scalar_one()
        )
