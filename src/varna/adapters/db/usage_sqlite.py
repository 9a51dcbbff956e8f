"""Usage records on SQLite: the csv module, the rules of ``domain.usage``, and executemany
in the caller's transaction. Never one INSERT statement per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text

from varna.adapters.db.tables import sims, usage_records
from varna.domain import usage as rules
from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord
from varna.services.ports import ProgressHook

INSERT = (
    "INSERT OR IGNORE INTO usage_records (source_id, sim_id, started_at, ended_at, bytes_up,"
    " bytes_down, mcc, mnc, cell_id, lac_tac, rat, traffic_type)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
Row = tuple[Any, ...]


def _stored_timestamp(value: str, line: int, field: str) -> str:
    """Validate a timestamp and return it in the one text form SQLite keeps."""
    parsed = rules.parse_timestamp(value, line, field)
    return parsed.isoformat(sep=" ", timespec="microseconds")


class SqliteUsageStore:
    def __init__(self, connection: Connection, *, batch_rows: int = 50_000) -> None:
        self._connection = connection
        self._batch_rows = batch_rows

    def _sim_ids(self) -> dict[str, int]:
        rows = self._connection.execute(select(sims.c.iccid, sims.c.id))
        return dict(rows.tuples().all())

    def _executemany(self, rows: Iterator[Row]) -> int:
        dbapi = self._connection.connection.driver_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        before = dbapi.total_changes
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self._batch_rows:
                cursor.executemany(INSERT, batch)
                batch.clear()
        if batch:
            cursor.executemany(INSERT, batch)
        cursor.close()
        return int(dbapi.total_changes - before)

    def load_csv_file(self, path: Path, *, progress: ProgressHook | None = None) -> int:
        with path.open("r", encoding="utf-8", newline="") as handle:
            return self._executemany(self._csv_rows(handle, progress))

    def _csv_rows(self, handle: io.TextIOBase, progress: ProgressHook | None) -> Iterator[Row]:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise InputRefused("the file is empty; a header line is required", line=1)
        pos = rules.check_header(header)
        width = len(header)
        sim_ids = self._sim_ids()
        get = {name: pos.get(name) for name in rules.CSV_COLUMNS}
        i_src, i_iccid, i_start, i_end = (
            get["source_id"],
            get["iccid"],
            get["started_at"],
            get["ended_at"],
        )
        i_up, i_down, i_mcc, i_mnc = get["bytes_up"], get["bytes_down"], get["mcc"], get["mnc"]
        i_cell, i_lac, i_rat, i_tt = get["cell_id"], get["lac_tac"], get["rat"], get["traffic_type"]
        assert None not in (i_iccid, i_start, i_end, i_up, i_down, i_mcc, i_mnc, i_tt)
        tt_ok, rat_ok = frozenset(rules.TRAFFIC_TYPES), frozenset(rules.RATS)
        ts = rules.SQLITE_TIMESTAMP_LEN
        report_every = 65_536
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                raise InputRefused(
                    f"has {len(row)} fields, the header has {width}", line=line
                )
            sim_id = sim_ids.get(row[i_iccid])  # type: ignore[index]
            if sim_id is None:
                raise rules.refuse(line, "iccid", "no SIM with this ICCID is registered")
            start, end = row[i_start], row[i_end]  # type: ignore[index]
            # Fast path for the canonical form; anything else goes through the full parser.
            start = start + ".000000" if len(start) == 19 and start[10] == " " else start
            end = end + ".000000" if len(end) == 19 and end[10] == " " else end
            if len(start) != ts or start[10] != " ":
                start = _stored_timestamp(start, line, "started_at")
            else:
                rules.parse_timestamp(start, line, "started_at")
            if len(end) != ts or end[10] != " ":
                end = _stored_timestamp(end, line, "ended_at")
            else:
                rules.parse_timestamp(end, line, "ended_at")
            if end < start:
                raise rules.refuse(line, "ended_at", "ends before it starts")
            up_text, down_text = row[i_up], row[i_down]  # type: ignore[index]
            try:
                if "_" in up_text or "_" in down_text:
                    raise ValueError
                up, down = int(up_text), int(down_text)
            except ValueError:
                field = "bytes_up" if rules.not_integer(up_text) else "bytes_down"
                raise rules.refuse(line, field, "not a whole number") from None
            if not (0 <= up <= rules.MAX_BYTES and 0 <= down <= rules.MAX_BYTES):
                field = "bytes_up" if not 0 <= up <= rules.MAX_BYTES else "bytes_down"
                raise rules.refuse(line, field, f"out of range (0 to {rules.MAX_BYTES})")
            mcc, mnc = row[i_mcc], row[i_mnc]  # type: ignore[index]
            rules.check_mcc_mnc(mcc, mnc, line)
            tt = row[i_tt]  # type: ignore[index]
            if tt not in tt_ok:
                rules.check_choice(tt, rules.TRAFFIC_TYPES, line, "traffic_type")
            rat = row[i_rat] or None if i_rat is not None else None
            if rat is not None and rat not in rat_ok:
                rules.check_choice(rat, rules.RATS, line, "rat")
            src = (
                rules.parse_optional_int(row[i_src], line, "source_id")
                if i_src is not None
                else None
            )
            cell = (
                rules.parse_optional_int(row[i_cell], line, "cell_id")
                if i_cell is not None
                else None
            )
            lac = (
                rules.parse_optional_int(row[i_lac], line, "lac_tac") if i_lac is not None else None
            )
            if progress is not None and line % report_every == 0:
                progress(handle.tell() if handle.seekable() else 0)
            yield (src, sim_id, start, end, up, down, mcc, mnc, cell, lac, rat, tt)

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        sim_ids = self._sim_ids()

        def rows() -> Iterator[Row]:
            for number, record in records:
                sim_id = sim_ids.get(record.iccid)
                if sim_id is None:
                    raise rules.refuse(number, "iccid", "no SIM with this ICCID is registered")
                yield (
                    record.source_id,
                    sim_id,
                    record.started_at.replace(tzinfo=None).isoformat(
                        sep=" ", timespec="microseconds"
                    ),
                    record.ended_at.replace(tzinfo=None).isoformat(
                        sep=" ", timespec="microseconds"
                    ),
                    record.bytes_up,
                    record.bytes_down,
                    record.mcc,
                    record.mnc,
                    record.cell_id,
                    record.lac_tac,
                    record.rat,
                    record.traffic_type,
                )

        return self._executemany(rows())

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(usage_records)).scalar_one()
        )


def analyse(connection: Connection) -> None:
    connection.execute(text("ANALYZE usage_records"))
