"""Reading usage records from CSV lines into the canonical row both stores load.

Speed matters (operator files hold millions of lines), so a line in the canonical form is
checked by one compiled pattern; any other line, and every line that fails, goes through
the field-by-field rules of :mod:`varna.domain.usage`, which either accept it or say which
field is wrong and why.

A canonical row is ``(source_id, sim_id, started_at, ended_at, bytes_up, bytes_down, mcc,
mnc, cell_id, lac_tac, rat, traffic_type)``: numbers as decimal text, timestamps as naive UTC
text ``YYYY-MM-DD HH:MM:SS.ffffff``, ``None`` for an empty optional field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from varna.domain import usage as rules
from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord

Row = tuple[str | None, str, str, str, str, str, str, str, str | None, str | None, str | None, str]

_DAY = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_FAST = {
    "source_id": r"(\d{1,18})?",
    "iccid": r"(\d{18,20})",
    "started_at": rf"({_DAY} {_TIME})",
    "ended_at": rf"({_DAY} {_TIME})",
    "bytes_up": r"(\d{1,15})",
    "bytes_down": r"(\d{1,15})",
    "mcc": r"([2-7]\d\d)",
    "mnc": r"(\d{2,3})",
    "cell_id": r"(\d{1,18})?",
    "lac_tac": r"(\d{1,9})?",
    "rat": "(" + "|".join(re.escape(r) for r in rules.RATS) + ")?",
    "traffic_type": "(" + "|".join(rules.TRAFFIC_TYPES) + ")",
}
MICROS = ".000000"
UNKNOWN_SIM = "no SIM with this ICCID is registered"


class CalendarDays:
    """Remembers which ``YYYY-MM-DD`` strings are real dates (30 February is not)."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}

    def real(self, day: str) -> bool:
        known = self._known.get(day)
        if known is None:
            try:
                date.fromisoformat(day)
                known = True
            except ValueError:
                known = False
            self._known[day] = known
        return known


class UsageCsvReader:
    """Turns the lines of one usage CSV file into canonical rows; refuses at the first bad
    line, naming line and field. ``sim_ids`` maps each registered ICCID to its SIM id."""

    def __init__(self, header_line: str, sim_ids: Mapping[str, str]) -> None:
        header = next(csv.reader([header_line]), [])
        if not header:
            raise InputRefused("the file is empty; a header line is required", line=1)
        self._positions = rules.check_header(header)
        self._names = sorted(self._positions, key=self._positions.__getitem__)
        self._width = len(header)
        self._sim_ids = sim_ids
        self._days = CalendarDays()
        self._fast = re.compile(",".join(_FAST[name] for name in self._names))

    def rows(self, lines: Iterable[str], *, first_line: int = 2) -> Iterator[tuple[int, Row]]:
        pos = {name: index for index, name in enumerate(self._names)}
        get = pos.get
        i_src, i_iccid, i_start, i_end = (
            get("source_id"),
            pos["iccid"],
            pos["started_at"],
            pos["ended_at"],
        )
        i_up, i_down, i_mcc, i_mnc = pos["bytes_up"], pos["bytes_down"], pos["mcc"], pos["mnc"]
        i_cell, i_lac, i_rat, i_tt = get("cell_id"), get("lac_tac"), get("rat"), pos["traffic_type"]
        fast = self._fast.fullmatch
        sim_ids = self._sim_ids
        real_day = self._days.real
        line_no = first_line - 1
        for line in lines:
            line_no += 1
            match = fast(line.rstrip("\r\n"))
            if match is None:
                if line.strip():
                    yield line_no, self._slow(line, line_no)
                continue
            g = match.groups()
            sim_id = sim_ids.get(g[i_iccid])
            start, end = g[i_start], g[i_end]
            if sim_id is None or end < start or not (real_day(start[:10]) and real_day(end[:10])):
                yield line_no, self._slow(line, line_no)
                continue
            yield (
                line_no,
                (
                    g[i_src] if i_src is not None else None,
                    sim_id,
                    start + MICROS,
                    end + MICROS,
                    g[i_up],
                    g[i_down],
                    g[i_mcc],
                    g[i_mnc],
                    g[i_cell] if i_cell is not None else None,
                    g[i_lac] if i_lac is not None else None,
                    g[i_rat] if i_rat is not None else None,
                    g[i_tt],
                ),
            )

    def _slow(self, line: str, line_no: int) -> Row:
        """Field-by-field checks: the canonical row, or the reason the line is refused."""
        fields = next(csv.reader([line]), [])
        if len(fields) != self._width:
            raise InputRefused(
                f"has {len(fields)} fields, the header has {self._width}", line=line_no
            )
        values = dict(zip(self._names, fields, strict=True))
        return canonical_row(values, self._sim_ids, line_no)


_OPTIONAL_MAX = {"source_id": 10**18 - 1, "cell_id": 10**18 - 1, "lac_tac": 2**31 - 1}


def _optional(values: Mapping[str, str | None], name: str, line: int) -> str | None:
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    return str(rules.parse_int(raw, line, name, maximum=_OPTIONAL_MAX[name]))


def _timestamp(values: Mapping[str, str | None], name: str, line: int) -> str:
    raw = values.get(name)
    if not raw:
        raise rules.refuse(line, name, "a value is required")
    return rules.parse_timestamp(raw.strip(), line, name).isoformat(
        sep=" ", timespec="microseconds"
    )


def canonical_row(values: Mapping[str, str | None], sim_ids: Mapping[str, str], line: int) -> Row:
    """Check one record given as text fields by name; return its canonical row."""
    iccid = (values.get("iccid") or "").strip()
    sim_id = sim_ids.get(iccid)
    if sim_id is None:
        raise rules.refuse(line, "iccid", UNKNOWN_SIM)
    start = _timestamp(values, "started_at", line)
    end = _timestamp(values, "ended_at", line)
    rules.check_span_text(start, end, line)
    volumes = []
    for name in ("bytes_up", "bytes_down"):
        raw = values.get(name)
        if raw is None or raw.strip() == "":
            raise rules.refuse(line, name, "a value is required")
        volumes.append(str(rules.parse_int(raw.strip(), line, name)))
    mcc, mnc = (values.get("mcc") or "").strip(), (values.get("mnc") or "").strip()
    rules.check_mcc_mnc(mcc, mnc, line)
    rat = (values.get("rat") or "").strip() or None
    rules.check_choice(rat, rules.RATS, line, "rat")
    traffic = (values.get("traffic_type") or "").strip()
    rules.check_choice(traffic, rules.TRAFFIC_TYPES, line, "traffic_type")
    return (
        _optional(values, "source_id", line),
        sim_id,
        start,
        end,
        volumes[0],
        volumes[1],
        mcc,
        mnc,
        _optional(values, "cell_id", line),
        _optional(values, "lac_tac", line),
        rat,
        traffic,
    )


def record_row(record: UsageRecord, sim_ids: Mapping[str, str], line: int) -> Row:
    """The canonical row of an already validated record (from NDJSON, say)."""
    sim_id = sim_ids.get(record.iccid)
    if sim_id is None:
        raise rules.refuse(line, "sim.iccid", UNKNOWN_SIM)

    def text(value: int | None) -> str | None:
        return None if value is None else str(value)

    return (
        text(record.source_id),
        sim_id,
        record.started_at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),
        record.ended_at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),
        str(record.bytes_up),
        str(record.bytes_down),
        record.mcc,
        record.mnc,
        text(record.cell_id),
        text(record.lac_tac),
        record.rat,
        record.traffic_type,
    )
