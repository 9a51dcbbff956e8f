"""Reading usage records from CSV lines into the canonical row both stores load.

Speed matters (operator files hold millions of lines), so a line in the canonical form is
checked by one compiled pattern; any other line, and every line that fails, goes through
the field-by-field rules of :mod:`varna.domain.usage`, which either accept it or say which
field is wrong and why.

A canonical row is ``(source_id, sim_id, started_at, ended_at, bytes_up, bytes_down, mcc,
mnc, cell_id, lac_tac, rat, traffic_type)``: numbers as decimal text, timestamps as naive UTC
text ``YYYY-MM-DD HH:MM:SS`` (usage is kept to the second), ``None`` for an empty optional field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter

from varna.domain import usage as rules
from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord, UsageWindow

Row = tuple[str | None, str, str, str, str, str, str, str, str | None, str | None, str | None, str]

# The shape of a timestamp (its year inside the window's years, see _timestamp_pattern), with
# hours, minutes and seconds in range: PostgreSQL would read 24:00:00 or a 60th second as the
# next moment, which the careful path refuses. Whether the day is real (no 30 February) is
# checked by the store as it loads the block, and the careful path names the line when not.
_TIME = r"-\d\d-\d\d (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_FIELD = {
    "source_id": r"\d{0,18}",
    "iccid": r"\d{18,20}",
    "bytes_up": r"\d{1,15}",
    "bytes_down": r"\d{1,15}",
    "mcc": r"[2-7]\d\d",
    "mnc": r"\d{2,3}",
    "cell_id": r"\d{0,18}",
    "lac_tac": r"\d{0,9}",
    "rat": "(?:" + "|".join(re.escape(r) for r in rules.RATS) + ")?",
    "traffic_type": "(?:" + "|".join(rules.TRAFFIC_TYPES) + ")",
}
UNKNOWN_SIM = "no SIM with this ICCID is registered"


def _years(first: int, last: int) -> str:
    """A pattern for the years ``first`` to ``last``, whole decades as one alternative."""
    parts = []
    year = first
    while year <= last:
        if year % 10 == 0 and year + 9 <= last:
            parts.append(f"{year // 10}\\d")
            year += 10
        else:
            parts.append(str(year))
            year += 1
    return "(?:" + "|".join(parts) + ")"


def _shape(text: str) -> str:
    return "".join(r"\d" if c.isdigit() else re.escape(c) for c in text)


def _beyond(stamp: str, *, later: bool) -> list[str]:
    """Patterns for canonical timestamps of ``stamp``'s year that sort after it (``later``)
    or before it: at each digit, a greater (smaller) digit with the same text before it."""
    found = []
    for i in range(5, len(stamp)):
        digit = stamp[i]
        if not digit.isdigit() or digit == ("9" if later else "0"):
            continue
        choice = f"[{int(digit) + 1}-9]" if later else f"[0-{int(digit) - 1}]"
        found.append(re.escape(stamp[5:i]) + choice + _shape(stamp[i + 1 :]))
    return [f"{stamp[:4]}-(?:{'|'.join(found)})"] if found else []


def _outside(window: UsageWindow) -> list[re.Pattern[str]]:
    """Patterns that find, in a block of canonical lines (whose years the line pattern keeps
    inside the window's years), a timestamp before or after the window. Each starts with its
    year as literal text, which the regular expression engine scans for quickly."""
    earliest, latest = window.text()
    parts = [*_beyond(earliest, later=False), *_beyond(latest, later=True)]
    return [re.compile(part, re.ASCII) for part in parts]


def _field_patterns(names: list[str], window: UsageWindow) -> list[str]:
    stamp = _years(window.earliest.year, window.latest.year) + _TIME
    return [stamp if name in ("started_at", "ended_at") else _FIELD[name] for name in names]


def _split_pattern(
    names: list[str], window: UsageWindow
) -> tuple[re.Pattern[str], tuple[int, int, int, int]]:
    """A multi-line pattern for canonical lines with groups for the text before the ICCID,
    the ICCID, the text after it and the month of started_at (read by a lookahead); returns
    it with the positions of those four groups in a ``findall`` tuple."""
    parts = _field_patterns(names, window)
    start = names.index("started_at")
    parts[start] = r"(?=(?P<month>\d{4}-\d\d))" + parts[start]
    at = names.index("iccid")
    before = "".join(f"{part}," for part in parts[:at])
    after = "".join(f",{part}" for part in parts[at + 1 :])
    compiled = re.compile(
        f"^(?P<before>{before})(?P<iccid>{parts[at]})(?P<after>{after})$",
        re.MULTILINE | re.ASCII,
    )
    index = compiled.groupindex
    return compiled, (
        index["before"] - 1,
        index["iccid"] - 1,
        index["after"] - 1,
        index["month"] - 1,
    )


class UsageCsvReader:
    """Checks the lines of one usage CSV file and turns them into rows to load; refuses at
    the first bad line, naming line and field. ``sim_ids`` maps each registered ICCID to its
    SIM id (as text).

    Two ways through a file: whole blocks of canonical lines are checked by one pattern
    match each (:meth:`canonical_block`, :meth:`with_sim_ids`); anything else goes line by
    line through :meth:`rows`, which accepts every valid form and says what is wrong with
    the rest. Both agree on every line the block pattern accepts. Every timestamp must lie
    in ``window``."""

    def __init__(self, header_line: str, sim_ids: Mapping[str, str], window: UsageWindow) -> None:
        header = _fields(header_line, 1)
        if not header:
            raise InputRefused("the file is empty; a header line is required", line=1)
        self._positions = rules.check_header(header)
        self.names = sorted(self._positions, key=self._positions.__getitem__)
        self._width = len(header)
        self._sim_ids = sim_ids
        self._window = window
        self._block = re.compile(
            f"(?:{','.join(_field_patterns(self.names, window))}\n)*", re.ASCII
        )
        self._outside = _outside(window)
        self._split, self._groups = _split_pattern(self.names, window)

    def canonical_block(self, block: str) -> bool:
        """True when every line of ``block`` (which ends with a newline) is canonical."""
        return self._block.fullmatch(block) is not None and self._in_window(block)

    def _in_window(self, block: str) -> bool:
        """No timestamp of a canonical ``block`` lies outside the window (its years are
        inside: the line pattern says so)."""
        return not any(pattern.search(block) for pattern in self._outside)

    def with_sim_ids(self, block: str) -> dict[str, str] | None:
        """The canonical ``block`` with each ICCID replaced by its SIM id, split by the
        month (``YYYY-MM``) its records start in, each month's lines in file order; ``None``
        when a line is not canonical or names an unknown SIM (the careful path then says
        which)."""
        found = self._split.findall(block)
        if len(found) != block.count("\n") or not self._in_window(block):
            return None
        b, i, a, m = self._groups
        sim_ids = self._sim_ids
        months = set(map(itemgetter(m), found))
        try:
            if len(months) == 1:
                return {months.pop(): "".join([f"{t[b]}{sim_ids[t[i]]}{t[a]}\n" for t in found])}
            lines: dict[str, list[str]] = {month: [] for month in months}
            for t in found:
                lines[t[m]].append(f"{t[b]}{sim_ids[t[i]]}{t[a]}\n")
        except KeyError:
            return None
        return {month: "".join(text) for month, text in lines.items()}

    def rows(self, lines: Iterable[str], *, first_line: int = 2) -> Iterator[tuple[int, Row]]:
        """Line by line: the canonical row of each line, in canonical column order."""
        line_no = first_line - 1
        for line in lines:
            line_no += 1
            if not line.strip():
                continue
            yield line_no, self._row(line, line_no)

    def _row(self, line: str, line_no: int) -> Row:
        fields = _fields(line, line_no)
        if len(fields) != self._width:
            raise InputRefused(
                f"has {len(fields)} fields, the header has {self._width}", line=line_no
            )
        values = dict(zip(self.names, fields, strict=True))
        return canonical_row(values, self._sim_ids, line_no, self._window)


def _fields(line: str, line_no: int) -> list[str]:
    """The fields of one CSV line; a line past :data:`rules.MAX_LINE_CHARS` or one the csv
    module cannot read is refused by its number."""
    if len(line) > rules.MAX_LINE_CHARS:
        raise InputRefused(
            f"longer than {rules.MAX_LINE_CHARS:,} characters; not a usage record", line=line_no
        )
    try:
        return next(csv.reader([line]), [])
    except csv.Error as exc:
        raise InputRefused(f"not a CSV line ({exc})", line=line_no) from None


_OPTIONAL_MAX = {
    "source_id": rules.MAX_SOURCE_ID,
    "cell_id": rules.MAX_CELL_ID,
    "lac_tac": rules.MAX_LAC_TAC,
}


def _optional(values: Mapping[str, str | None], name: str, line: int) -> str | None:
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    return str(rules.parse_int(raw, line, name, maximum=_OPTIONAL_MAX[name]))


def _timestamp(values: Mapping[str, str | None], name: str, line: int, window: UsageWindow) -> str:
    raw = values.get(name)
    if not raw:
        raise rules.refuse(line, name, "a value is required")
    value = rules.parse_timestamp(raw.strip(), line, name, window=window)
    return value.isoformat(sep=" ", timespec="seconds")


def canonical_row(
    values: Mapping[str, str | None], sim_ids: Mapping[str, str], line: int, window: UsageWindow
) -> Row:
    """Check one record given as text fields by name; return its canonical row."""
    iccid = (values.get("iccid") or "").strip()
    sim_id = sim_ids.get(iccid)
    if sim_id is None:
        raise rules.refuse(line, "iccid", UNKNOWN_SIM)
    start = _timestamp(values, "started_at", line, window)
    end = _timestamp(values, "ended_at", line, window)
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
        record.started_at.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
        record.ended_at.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
        str(record.bytes_up),
        str(record.bytes_down),
        record.mcc,
        record.mnc,
        text(record.cell_id),
        text(record.lac_tac),
        record.rat,
        record.traffic_type,
    )
