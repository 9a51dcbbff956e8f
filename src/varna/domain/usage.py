"""Usage records (data sessions and SMS per SIM) and the rules every record must meet.

The rules live here once and both stores apply them through :mod:`varna.domain.usage_csv`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from varna.domain.errors import InputRefused

CSV_COLUMNS = (
    "source_id",
    "iccid",
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
REQUIRED_COLUMNS = frozenset(
    {"iccid", "started_at", "ended_at", "bytes_up", "bytes_down", "mcc", "mnc", "traffic_type"}
)
TRAFFIC_TYPES = ("data", "sms", "voice")
RATS = ("2G", "3G", "4G", "5G", "LTE-M", "NB-IoT")
MCC_PATTERN = r"^[2-7][0-9]{2}$"
MNC_PATTERN = r"^[0-9]{2,3}$"
MAX_BYTES = 10**15 - 1  # 15 digits: a petabyte per record is already absurd
MAX_SOURCE_ID = 10**18 - 1  # 18 digits, within both stores' 64-bit integers
MAX_CELL_ID = 10**18 - 1
MAX_LAC_TAC = 2**31 - 1
# A usage line is a few hundred characters (a streamer record under 2 KB); a longer line is
# refused before it is parsed, so no field or nesting can grow without bound.
MAX_LINE_CHARS = 65_536
# Usage before GSM (1991) is no usage record; a record may start at most a day after the
# moment of the load (clocks and time zones of the platforms differ, never by a day).
EARLIEST_USAGE = datetime(1990, 1, 1)  # noqa: DTZ001 - naive UTC, as the records carry it
FUTURE_SLACK = timedelta(days=1)
# Streamer traffic type ids (emnify / 1NCE): 5 is data, 6 is SMS.
STREAMER_TRAFFIC_TYPES = {5: "data", 6: "sms"}

MCC_RE = re.compile(MCC_PATTERN, re.ASCII)
MNC_RE = re.compile(MNC_PATTERN, re.ASCII)
# The forms of timestamp varna reads: date, a space or "T", hours and minutes, optional
# seconds with fractions, and an optional offset ("Z", "+02:00", "+0200"). Python's own
# parser takes any character as the separator and drops a trailing NUL; this does not.
TIMESTAMP_RE = re.compile(
    r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?(?:Z|[+-]\d\d(?::?\d\d)?)?",
    re.ASCII,
)


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """The moments a usage record may fall in (naive UTC): from :data:`EARLIEST_USAGE` to a
    day after the load. Outside it, a record is a mistake (a year 1 or 9999, a clock set
    wrong), not usage."""

    earliest: datetime
    latest: datetime

    @classmethod
    def at(cls, now: datetime) -> UsageWindow:
        """The window of a load made at ``now`` (aware or naive UTC)."""
        offset = now.utcoffset()
        naive = (now - offset).replace(tzinfo=None) if offset is not None else now
        return cls(EARLIEST_USAGE, naive.replace(microsecond=0) + FUTURE_SLACK)

    def text(self) -> tuple[str, str]:
        """The bounds as canonical timestamp text, which sorts as time does."""
        return (
            self.earliest.isoformat(sep=" ", timespec="seconds"),
            self.latest.isoformat(sep=" ", timespec="seconds"),
        )

    def check(self, value: datetime, line: int, field: str) -> None:
        if value < self.earliest:
            raise refuse(line, field, f"before {self.earliest:%Y-%m-%d}: not a usage record")
        if value > self.latest:
            raise refuse(
                line, field, "more than a day after the load: check the clock of the source"
            )


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One usage record, validated; the SIM is named by its ICCID."""

    source_id: int | None
    iccid: str
    started_at: datetime
    ended_at: datetime
    bytes_up: int
    bytes_down: int
    mcc: str
    mnc: str
    cell_id: int | None
    lac_tac: int | None
    rat: str | None
    traffic_type: str


def refuse(line: int, field: str, reason: str) -> InputRefused:
    return InputRefused(reason, line=line, field=field)


def check_header(header: list[str]) -> dict[str, int]:
    """Map column names to positions; refuse unknown, repeated or missing columns."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.strip()
        if name not in CSV_COLUMNS:
            raise refuse(1, name, f"unknown column; expected columns: {', '.join(CSV_COLUMNS)}")
        if name in positions:
            raise refuse(1, name, "column appears twice")
        positions[name] = index
    missing = sorted(REQUIRED_COLUMNS - positions.keys())
    if missing:
        raise InputRefused(f"missing required column(s): {', '.join(missing)}", line=1)
    return positions


def not_integer(text: str) -> bool:
    """True unless ``text`` is a base-10 whole number (surrounding blanks and a sign allowed,
    as both stores read them; digit-group underscores are not)."""
    if "_" in text or not text.isascii():
        return True
    try:
        int(text)
    except ValueError:
        return True
    return False


def parse_int(
    text: str, line: int, field: str, *, minimum: int = 0, maximum: int = MAX_BYTES
) -> int:
    if not_integer(text):
        raise refuse(line, field, "not a whole number")
    value = int(text)
    if not minimum <= value <= maximum:
        raise refuse(line, field, f"out of range ({minimum} to {maximum})")
    return value


def parse_timestamp(text: str, line: int, field: str, *, window: UsageWindow) -> datetime:
    """A timestamp ``YYYY-MM-DD HH:MM:SS``, read as UTC unless it carries an offset
    (``T`` as separator, fractions of a second and ``Z`` or ``+02:00`` suffixes allowed),
    inside ``window``; returned as naive UTC."""
    shape = "not a timestamp of the form YYYY-MM-DD HH:MM:SS"
    if TIMESTAMP_RE.fullmatch(text) is None:
        raise refuse(line, field, shape)
    try:
        value = datetime.fromisoformat(text)
        offset = value.utcoffset()
        if offset is not None:
            value = (value - offset).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise refuse(line, field, shape) from None
    window.check(value, line, field)
    return value


def check_mcc_mnc(mcc: str, mnc: str, line: int) -> None:
    if not MCC_RE.fullmatch(mcc):
        raise refuse(line, "mcc", "mobile country code must be 3 digits, 200-799")
    if not MNC_RE.fullmatch(mnc):
        raise refuse(line, "mnc", "mobile network code must be 2 or 3 digits")


def check_choice(value: str | None, choices: tuple[str, ...], line: int, field: str) -> None:
    if value is not None and value not in choices:
        raise refuse(line, field, f"must be one of {', '.join(choices)}")


def check_span_text(started: str, ended: str, line: int) -> None:
    """A record may not end before it starts, checked on canonical timestamp text (which sorts
    as time does)."""
    if ended < started:
        raise refuse(line, "ended_at", "ends before it starts")
