"""Usage records on PostgreSQL: COPY straight into the monthly partitions, in the caller's
transaction.

Blocks of canonical lines are streamed as they are, with each ICCID replaced by its SIM id;
other lines go through the careful path and are streamed as canonical rows. A month that
has no partition yet is loaded into a table of its own, indexed once at the end and
attached as the month's partition; a month that has one is loaded through the partitioned
table. A COPY is restarted only to run DDL or to change the table it fills. When a record's
source id is already stored (the streamers replay), the savepoint of the fast path is
rolled back and the file goes through a staging table and ``INSERT ... ON CONFLICT DO
NOTHING``, so each record is stored once. When a table constraint refuses a record, the
file is read again line by line to name the line and field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError

from varna.adapters.db.partitions import (
    attach_month_table,
    create_month_table,
    ensure_partitions,
    existing_months,
    lock_partitions,
)
from varna.adapters.db.tables import usage_records
from varna.adapters.db.usage_lines import blocks, header_line, open_text
from varna.adapters.db.usage_sqlite import CANONICAL, refuse_precisely, sim_ids
from varna.domain.usage import UsageRecord, UsageWindow
from varna.domain.usage_csv import Row, UsageCsvReader, record_row
from varna.services.ports import ProgressHook

# (columns in the order of the text, {month the records start in: CSV text of whole lines})
Piece = tuple[tuple[str, ...], dict[str, str]]
Pieces = Callable[[ProgressHook | None], Iterator[Piece]]


def _csv_line(row: Row) -> str:
    src, sim, start, end, up, down, mcc, mnc, cell, lac, rat, traffic = row
    return (
        f"{src or ''},{sim},{start},{end},{up},{down},{mcc},{mnc},"
        f"{cell or ''},{lac or ''},{rat or ''},{traffic}\n"
    )


def _first_day(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def _canonical_piece(rows: Iterable[Row]) -> Piece:
    lines: dict[str, list[str]] = {}
    for row in rows:
        lines.setdefault(row[2][:7], []).append(_csv_line(row))
    return CANONICAL, {month: "".join(text) for month, text in lines.items()}


class _Copier:
    """One COPY at a time, restarted when the table or the column order changes or when
    :meth:`close` is called (to run DDL between two COPY statements)."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self._target: tuple[str, tuple[str, ...]] | None = None
        self._stack: ExitStack | None = None
        self._copy: Any = None
        self._cursor = raw.cursor()
        self.rows = 0

    def write(self, table: str, columns: tuple[str, ...], data: str) -> None:
        if (table, columns) != self._target:
            self.close()
        if self._stack is None:
            self._stack = ExitStack()
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            # A writer thread sends while this thread checks the next block.
            writer = QueuedLibpqWriter(self._cursor)
            self._copy = self._stack.enter_context(self._cursor.copy(statement, writer=writer))
            self._target = (table, columns)
        self._copy.write(data)

    def finish(self) -> None:
        self.close()
        self._cursor.close()

    def close(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()
            self.rows += max(self._cursor.rowcount, 0)
            self._target = None

    def abort(self, exc: BaseException) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.__exit__(type(exc), exc, exc.__traceback__)
        self._cursor.close()


class PostgresUsageStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _raw(self) -> psycopg.Connection[Any]:
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        return driver

    def load_csv_file(
        self, path: Path, *, window: UsageWindow, progress: ProgressHook | None = None
    ) -> int:
        known = sim_ids(self._connection)
        with open_text(path) as handle:
            reader = UsageCsvReader(header_line(handle), known, window)
        fast_columns = tuple("sim_id" if n == "iccid" else n for n in reader.names)

        def pieces(report: ProgressHook | None) -> Iterator[Piece]:
            with open_text(path) as handle:
                header_line(handle)
                for first, block in blocks(handle, report):
                    mapped = reader.with_sim_ids(block)
                    if mapped is not None:
                        yield fast_columns, mapped
                    else:
                        rows = reader.rows(block.splitlines(), first_line=first)
                        yield _canonical_piece(row for _, row in rows)

        try:
            return self._load(pieces, progress)
        except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as exc:
            refuse_precisely(path, reader, exc)

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        known = sim_ids(self._connection)
        rows = [record_row(record, known, line) for line, record in records]

        def pieces(_: ProgressHook | None) -> Iterator[Piece]:
            for start in range(0, len(rows), 10_000):
                yield _canonical_piece(rows[start : start + 10_000])

        return self._load(pieces, progress)

    def _load(self, pieces: Pieces, progress: ProgressHook | None) -> int:
        self._connection.execute(text("SET LOCAL TimeZone = 'UTC'"))
        savepoint = self._connection.begin_nested()
        try:
            stored = self._copy_into_partitions(pieces(progress))
        except (psycopg.errors.UniqueViolation, IntegrityError) as exc:
            # COPY raises the driver's error; the unique index built before attaching, the
            # same error wrapped by SQLAlchemy.
            if not isinstance(getattr(exc, "orig", exc), psycopg.errors.UniqueViolation):
                raise
            savepoint.rollback()
            return self._copy_through_staging(pieces(None))
        savepoint.commit()
        return stored

    def _copy_into_partitions(self, pieces: Iterator[Piece]) -> int:
        """Each month's records into its partition, or into a table of its own when the
        month has no partition yet (indexed and attached once every record is in)."""
        months = existing_months(self._connection)
        own: dict[str, str] = {}  # month -> the table of its own it is loaded into
        locked = False
        copier = _Copier(self._raw())
        try:
            for columns, by_month in pieces:
                for month, data in by_month.items():
                    table = own.get(month) or ("usage_records" if month in months else None)
                    if table is None:
                        copier.close()
                        if not locked:
                            lock_partitions(self._connection)
                            months = existing_months(self._connection)
                            locked = True
                        if month in months:
                            table = "usage_records"
                        else:
                            table = create_month_table(self._connection, _first_day(month))
                            own[month] = table
                    copier.write(table, columns, data)
            copier.finish()
        except BaseException as exc:
            copier.abort(exc)
            raise
        for month, table in sorted(own.items()):
            attach_month_table(self._connection, table, _first_day(month))
        return copier.rows

    def _copy_through_staging(self, pieces: Iterator[Piece]) -> int:
        """The replay path: stage every row, then insert those not stored yet."""
        columns = ", ".join(CANONICAL)
        self._connection.execute(
            text(
                "CREATE TEMPORARY TABLE usage_staging ON COMMIT DROP AS"
                f" SELECT {columns} FROM usage_records WITH NO DATA"  # noqa: S608 - constants
            )
        )
        months: set[str] = set()
        copier = _Copier(self._raw())
        try:
            for piece_columns, by_month in pieces:
                for month, data in by_month.items():
                    months.add(month)
                    copier.write("usage_staging", piece_columns, data)
            copier.finish()
        except BaseException as exc:
            copier.abort(exc)
            raise
        ensure_partitions(self._connection, [_first_day(m) for m in months])
        result = self._connection.execute(
            text(
                f"INSERT INTO usage_records ({columns}) SELECT {columns}"  # noqa: S608 - constants
                " FROM usage_staging ON CONFLICT DO NOTHING"
            )
        )
        self._connection.execute(text("DROP TABLE usage_staging"))
        return int(result.rowcount)

    def count(self) -> int:
        statement = select(func.count()).select_from(usage_records)
        return int(self._connection.execute(statement).scalar_one())
