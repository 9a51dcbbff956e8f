"""Usage records on PostgreSQL: COPY into a temporary staging table (the server parses
the CSV), set-based checks, then one INSERT ... SELECT into the monthly partitions.

A bad file is refused whole: the staging table and every row vanish with the rolled
back transaction. Errors name the line and the field, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from varna.adapters.db.partitions import ensure_partitions
from varna.adapters.db.tables import usage_records
from varna.domain import usage as rules
from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord
from varna.services.ports import ProgressHook

COPY_CHUNK = 1 << 20
STAGING_TYPES = {
    "source_id": "BIGINT",
    "iccid": "TEXT",
    # Text first: the server's timestamp parser also accepts words such as 'yesterday'.
    "started_at": "TEXT",
    "ended_at": "TEXT",
    "bytes_up": "BIGINT",
    "bytes_down": "BIGINT",
    "mcc": "TEXT",
    "mnc": "TEXT",
    "cell_id": "BIGINT",
    "lac_tac": "INTEGER",
    "rat": "TEXT",
    "traffic_type": "TEXT",
}
_COPY_CONTEXT = re.compile(r"line (\d+)(?:, column (\w+))?")
_SQLSTATE_REASONS = {
    "22P02": "not a valid {type}",
    "22007": "not a timestamp of the form YYYY-MM-DD HH:MM:SS",
    "22008": "timestamp out of range",
    "22003": "number out of range",
    "23502": "a value is required",
    "22P04": "wrong number of fields or broken quoting",
    "22021": "not valid UTF-8",
}
_TYPE_WORDS = {"BIGINT": "whole number", "INTEGER": "whole number"}
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?(Z|[+]00(:?00)?)?$"
)
TIMESTAMP_REASON = "not a UTC timestamp of the form YYYY-MM-DD HH:MM:SS"
TRY_TIMESTAMP = """
CREATE OR REPLACE FUNCTION pg_temp.varna_try_timestamp(value text) RETURNS timestamptz
LANGUAGE plpgsql AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$"""


def _quote_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


# Each check: (field, SQL condition that marks a bad row, reason). Built from domain.usage.
CHECKS: tuple[tuple[str, str, str], ...] = (
    ("iccid", "sim.id IS NULL", "no SIM with this ICCID is registered"),
    (
        "started_at",
        f"s.started_at IS NULL OR s.started_at !~ '{TIMESTAMP_PATTERN}'",
        TIMESTAMP_REASON,
    ),
    ("ended_at", f"s.ended_at IS NULL OR s.ended_at !~ '{TIMESTAMP_PATTERN}'", TIMESTAMP_REASON),
    ("ended_at", "s.ended_at::timestamptz < s.started_at::timestamptz", "ends before it starts"),
    (
        "bytes_up",
        f"s.bytes_up IS NULL OR s.bytes_up NOT BETWEEN 0 AND {rules.MAX_BYTES}",
        f"missing or out of range (0 to {rules.MAX_BYTES})",
    ),
    (
        "bytes_down",
        f"s.bytes_down IS NULL OR s.bytes_down NOT BETWEEN 0 AND {rules.MAX_BYTES}",
        f"missing or out of range (0 to {rules.MAX_BYTES})",
    ),
    (
        "mcc",
        f"s.mcc IS NULL OR s.mcc !~ '{rules.MCC_PATTERN}'",
        "mobile country code must be 3 digits, 200-799",
    ),
    (
        "mnc",
        f"s.mnc IS NULL OR s.mnc !~ '{rules.MNC_PATTERN}'",
        "mobile network code must be 2 or 3 digits",
    ),
    (
        "traffic_type",
        f"s.traffic_type IS NULL OR s.traffic_type NOT IN ({_quote_list(rules.TRAFFIC_TYPES)})",
        f"must be one of {', '.join(rules.TRAFFIC_TYPES)}",
    ),
    (
        "rat",
        f"s.rat IS NOT NULL AND s.rat NOT IN ({_quote_list(rules.RATS)})",
        f"must be one of {', '.join(rules.RATS)}",
    ),
    ("source_id", "s.source_id < 0", "must not be negative"),
    ("cell_id", "s.cell_id < 0", "must not be negative"),
    ("lac_tac", "s.lac_tac < 0", "must not be negative"),
)
_ANY_BAD = " OR ".join(f"({condition})" for _, condition, _ in CHECKS)
_WHICH_BAD = " ".join(
    f"WHEN {condition} THEN {index}" for index, (_, condition, _) in enumerate(CHECKS)
)


class PostgresUsageStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _raw(self) -> psycopg.Connection[Any]:
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        return driver

    def _create_staging(self, first_line: int) -> None:
        columns = ", ".join(f"{name} {kind}" for name, kind in STAGING_TYPES.items())
        self._connection.execute(text("SET LOCAL TimeZone = 'UTC'"))
        self._connection.execute(text("DROP TABLE IF EXISTS usage_staging"))
        self._connection.execute(
            text(
                "CREATE TEMPORARY TABLE usage_staging (line BIGINT GENERATED ALWAYS AS IDENTITY"
                f" (START WITH {first_line}), {columns}) ON COMMIT DROP"
            )
        )

    def load_csv_file(self, path: Path, *, progress: ProgressHook | None = None) -> int:
        with path.open("rb") as handle:
            first = handle.readline()
            header = first.decode("utf-8", errors="replace").strip().split(",")
            positions = rules.check_header(header)
            names = sorted(positions, key=positions.__getitem__)
            self._create_staging(first_line=2)
            if progress is not None:
                progress(len(first))
            self._copy(names, handle, progress)
        return self._promote()

    def _copy(self, names: list[str], handle: Any, progress: ProgressHook | None) -> None:
        raw = self._raw()
        statement = f"COPY usage_staging ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                while chunk := handle.read(COPY_CHUNK):
                    copy.write(chunk)
                    if progress is not None:
                        progress(len(chunk))
        except psycopg.errors.DataError as exc:
            raise self._copy_error(exc, line_offset=1) from None
        except psycopg.errors.NotNullViolation as exc:
            raise self._copy_error(exc, line_offset=1) from None

    def _copy_error(self, exc: psycopg.Error, *, line_offset: int) -> InputRefused:
        """Turn a COPY error into line and field, dropping the server's text (it quotes
        the value, which may be personal data)."""
        context = exc.diag.context or ""
        match = _COPY_CONTEXT.search(context)
        line = int(match.group(1)) + line_offset if match else None
        field = match.group(2) if match else None
        if exc.sqlstate == "23502":
            field = exc.diag.column_name or field
        template = _SQLSTATE_REASONS.get(exc.sqlstate or "", "cannot be read")
        kind = _TYPE_WORDS.get(STAGING_TYPES.get(field or "", ""), "value")
        return InputRefused(template.format(type=kind), line=line, field=field)

    def _promote(self) -> int:
        """Check the staged rows set-based, then move them into the partitions."""
        if not self._check_staged():
            return 0
        months = self._connection.execute(
            text("SELECT DISTINCT left(started_at, 7) FROM usage_staging")
        ).scalars()
        ensure_partitions(self._connection, (date.fromisoformat(f"{m}-01") for m in months))
        result = self._connection.execute(
            text(
                "INSERT INTO usage_records (source_id, sim_id, started_at, ended_at, bytes_up,"
                " bytes_down, mcc, mnc, cell_id, lac_tac, rat, traffic_type)"
                " SELECT s.source_id, sim.id, s.started_at::timestamptz, s.ended_at::timestamptz,"
                " s.bytes_up, s.bytes_down, s.mcc, s.mnc, s.cell_id, s.lac_tac, s.rat,"
                " s.traffic_type"
                " FROM usage_staging s JOIN sims sim ON sim.iccid = s.iccid"
                " ON CONFLICT DO NOTHING"
            )
        )
        self._connection.execute(text("DROP TABLE usage_staging"))
        return int(result.rowcount)

    def _check_staged(self) -> int:
        """Refuse the file at its first bad line; return the number of staged rows."""
        savepoint = self._connection.begin_nested()
        try:
            staged, bad_line = self._connection.execute(
                text(
                    f"SELECT count(*), min(s.line) FILTER (WHERE {_ANY_BAD})"  # noqa: S608 - constants
                    " FROM usage_staging s LEFT JOIN sims sim ON sim.iccid = s.iccid"
                )
            ).one()
        except DBAPIError as exc:
            if not isinstance(exc.orig, psycopg.errors.DataError):
                raise
            savepoint.rollback()
            raise self._impossible_timestamp() from None
        savepoint.commit()
        if bad_line is not None:
            which = self._connection.execute(
                text(
                    f"SELECT CASE {_WHICH_BAD} END FROM usage_staging s"  # noqa: S608 - constants
                    " LEFT JOIN sims sim ON sim.iccid = s.iccid WHERE s.line = :line"
                ),
                {"line": bad_line},
            ).scalar_one()
            field, _, reason = CHECKS[int(which)]
            raise InputRefused(reason, line=int(bad_line), field=field)
        return int(staged)

    def _impossible_timestamp(self) -> InputRefused:
        """Well-formed but impossible timestamps (30 February): find the first one."""
        self._connection.execute(text(TRY_TIMESTAMP))
        line, start_ok = self._connection.execute(
            text(
                "SELECT line, pg_temp.varna_try_timestamp(started_at) IS NOT NULL"
                " FROM usage_staging WHERE pg_temp.varna_try_timestamp(started_at) IS NULL"
                " OR pg_temp.varna_try_timestamp(ended_at) IS NULL ORDER BY line LIMIT 1"
            )
        ).one()
        field = "ended_at" if start_ok else "started_at"
        return InputRefused("not a valid date and time", line=int(line), field=field)

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        self._create_staging(first_line=1)
        self._connection.execute(text("ALTER TABLE usage_staging ALTER COLUMN line DROP IDENTITY"))
        raw = self._raw()
        names = ("line", *STAGING_TYPES)
        statement = f"COPY usage_staging ({', '.join(names)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for line, r in records:
                copy.write_row(
                    (
                        line,
                        r.source_id,
                        r.iccid,
                        r.started_at,
                        r.ended_at,
                        r.bytes_up,
                        r.bytes_down,
                        r.mcc,
                        r.mnc,
                        r.cell_id,
                        r.lac_tac,
                        r.rat,
                        r.traffic_type,
                    )
                )
        return self._promote()

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(usage_records)).scalar_one()
        )
