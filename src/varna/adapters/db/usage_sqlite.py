"""Usage records on SQLite: executemany in the caller's transaction, never one INSERT
statement per row.

Blocks of canonical lines go to SQLite as the csv module reads them; SQLite itself looks
up each SIM by ICCID and turns empty optional fields into NULL. The table's constraints
(a known SIM, an end not before the start) back the block check; when one fires, the file
is read again line by line to say which line and field are wrong.

When the table is small next to the file, the (sim_id, started_at) index is dropped for the
load and built again from all rows at the end, in the same transaction: one sort instead of
an insert at a random place of the index for every record.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Connection, func, select

from varna.adapters.db.tables import sims, usage_records
from varna.adapters.db.usage_lines import blocks, header_line, open_text
from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord, UsageWindow
from varna.domain.usage_csv import Row, UsageCsvReader, record_row
from varna.services.ports import ProgressHook

CANONICAL = (
    "source_id",
    "sim_id",
    "started_at",
    "ended_at",
    "bytes_up",
    "bytes_down",
    "mcc",
    "mnc",
    "cell_id",
    "lac_tac",
    "rat",
    "traffic_type",
)
ON_REPLAY = " ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO NOTHING"
INSERT_CANONICAL = (
    f"INSERT INTO usage_records ({', '.join(CANONICAL)}) VALUES ({', '.join('?' * 12)})" + ON_REPLAY
)
_EMPTY_IS_NULL = frozenset({"source_id", "cell_id", "lac_tac", "rat"})
SIM_INDEX = "ix_usage_records_sim_started"
# A usage line in the canonical form is 80 to 130 characters: a table holding fewer rows than
# the file's size over this holds fewer than about half as many rows as the file brings.
REBUILD_BYTES_PER_ROW = 256
CREATE_SIM_INDEX = f"CREATE INDEX {SIM_INDEX} ON usage_records (sim_id, started_at)"


def insert_for_header(names: list[str]) -> str:
    """An INSERT taking the fields of a canonical line in file order."""
    columns, values = [], []
    for name in names:
        if name == "iccid":
            columns.append("sim_id")
            values.append("(SELECT id FROM sims WHERE iccid = ?)")
        else:
            columns.append(name)
            values.append("NULLIF(?, '')" if name in _EMPTY_IS_NULL else "?")
    return (
        f"INSERT INTO usage_records ({', '.join(columns)}) VALUES ({', '.join(values)})" + ON_REPLAY
    )


def sim_ids(connection: Connection) -> dict[str, str]:
    """Every registered ICCID with its SIM id (as text, as canonical rows carry it)."""
    rows = connection.execute(select(sims.c.iccid, sims.c.id))
    return {iccid: str(sim_id) for iccid, sim_id in rows}


def refuse_precisely(path: Path, reader_for: UsageCsvReader, cause: Exception) -> NoReturn:
    """Read ``path`` line by line to name the line the database refused; the careful path
    raises :class:`InputRefused` for it."""
    with open_text(path) as handle:
        header_line(handle)
        for _first, block in blocks(handle, None):
            for _ in reader_for.rows(block.splitlines(), first_line=_first):
                pass
    raise InputRefused(f"the database refused a record ({type(cause).__name__})") from None


class SqliteUsageStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _driver(self) -> sqlite3.Connection:
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver

    def load_csv_file(
        self, path: Path, *, window: UsageWindow, progress: ProgressHook | None = None
    ) -> int:
        driver = self._driver()
        before = driver.total_changes
        with open_text(path) as handle:
            reader = UsageCsvReader(header_line(handle), sim_ids(self._connection), window)
            fast = insert_for_header(reader.names)
            cursor = driver.cursor()
            rebuild = self._rows_at_most(path.stat().st_size // REBUILD_BYTES_PER_ROW)
            if rebuild:
                # The driver opens a transaction only before a write; the index must come
                # back if the load fails.
                if not driver.in_transaction:
                    cursor.execute("BEGIN")
                cursor.execute(f"DROP INDEX {SIM_INDEX}")
            try:
                for first, block in blocks(handle, progress):
                    lines = block.splitlines()
                    if reader.canonical_block(block):
                        cursor.executemany(fast, csv.reader(lines))
                    else:
                        rows = reader.rows(lines, first_line=first)
                        cursor.executemany(INSERT_CANONICAL, (row for _, row in rows))
                if rebuild:
                    cursor.execute(CREATE_SIM_INDEX)
            except sqlite3.IntegrityError as exc:
                refuse_precisely(path, reader, exc)
            finally:
                cursor.close()
        return int(driver.total_changes - before)

    def _rows_at_most(self, limit: int) -> bool:
        """Whether the table holds at most ``limit`` rows (reading no more than that)."""
        statement = select(func.count()).select_from(
            select(usage_records.c.id).limit(limit + 1).subquery()
        )
        return int(self._connection.execute(statement).scalar_one()) <= limit

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        known = sim_ids(self._connection)

        def rows() -> Iterator[Row]:
            for line, record in records:
                yield record_row(record, known, line)

        driver = self._driver()
        before = driver.total_changes
        cursor = driver.cursor()
        try:
            cursor.executemany(INSERT_CANONICAL, rows())
        finally:
            cursor.close()
        return int(driver.total_changes - before)

    def count(self) -> int:
        statement = select(func.count()).select_from(usage_records)
        return int(self._connection.execute(statement).scalar_one())
