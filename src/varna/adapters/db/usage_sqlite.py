"""Usage records on SQLite: canonical rows from ``domain.usage_csv`` and executemany in
the caller's transaction. Never one INSERT statement per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import Connection, func, select

from varna.adapters.db.tables import sims, usage_records
from varna.adapters.db.usage_lines import CountingLines
from varna.domain.usage import UsageRecord
from varna.domain.usage_csv import Row, UsageCsvReader, record_row
from varna.services.ports import ProgressHook

INSERT = (
    "INSERT OR IGNORE INTO usage_records (source_id, sim_id, started_at, ended_at, bytes_up,"
    " bytes_down, mcc, mnc, cell_id, lac_tac, rat, traffic_type)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def sim_ids(connection: Connection) -> dict[str, str]:
    """Every registered ICCID with its SIM id (as text, as canonical rows carry it)."""
    return {
        iccid: str(sim_id) for iccid, sim_id in connection.execute(select(sims.c.iccid, sims.c.id))
    }


class SqliteUsageStore:
    def __init__(self, connection: Connection, *, batch_rows: int = 50_000) -> None:
        self._connection = connection
        self._batch_rows = batch_rows

    def _executemany(self, rows: Iterable[tuple[int, Row]]) -> int:
        dbapi = self._connection.connection.driver_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        before = dbapi.total_changes
        batch: list[Row] = []
        size = self._batch_rows
        for _, row in rows:
            batch.append(row)
            if len(batch) >= size:
                cursor.executemany(INSERT, batch)
                batch.clear()
        if batch:
            cursor.executemany(INSERT, batch)
        cursor.close()
        return int(dbapi.total_changes - before)

    def load_csv_file(self, path: Path, *, progress: ProgressHook | None = None) -> int:
        with path.open("r", encoding="utf-8", newline="") as handle:
            reader = UsageCsvReader(handle.readline(), sim_ids(self._connection))
            return self._executemany(reader.rows(CountingLines(handle, progress)))

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        known = sim_ids(self._connection)

        def rows() -> Iterator[tuple[int, Row]]:
            for line, record in records:
                yield line, record_row(record, known, line)

        return self._executemany(rows())

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(usage_records)).scalar_one()
        )
