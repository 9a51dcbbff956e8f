"""Usage records (data sessions and SMS per SIM) and the rules every record must meet.

The rules live here once and both stores apply them through :mod:`varna.domain.usage_csv`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

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
# Streamer traffic type ids (emnify / 1NCE): 5 is data, 6 is SMS.
STREAMER_TRAFFIC_TYPES = {5: "data", 6: "sms"}
SQLITE_TIMESTAMP_LEN = 26  # YYYY-MM-DD HH:MM:SS.ffffff

MCC_RE = re.compile(MCC_PATTERN)
MNC_RE = re.compile(MNC_PATTERN)


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
    if "_" in text:
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


def parse_optional_int(text: str | None, line: int, field: str) -> int | None:
    if text is None or text == "":
        return None
    return parse_int(text, line, field, maximum=(1 << 62))


def parse_timestamp(text: str, line: int, field: str) -> datetime:
    """A timestamp ``YYYY-MM-DD HH:MM:SS``, read as UTC unless it carries an offset
    (``T`` as separator, fractions of a second and ``Z`` or ``+02:00`` suffixes allowed);
    returned as naive UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise refuse(line, field, "not a timestamp of the form YYYY-MM-DD HH:MM:SS") from None
    offset = value.utcoffset()
    if offset is not None:
        value = (value - offset).replace(tzinfo=None)
    return value


def check_mcc_mnc(mcc: str, mnc: str, line: int) -> None:
    if not MCC_RE.match(mcc):
        raise refuse(line, "mcc", "mobile country code must be 3 digits, 200-799")
    if not MNC_RE.match(mnc):
        raise refuse(line, "mnc", "mobile network code must be 2 or 3 digits")


def check_choice(value: str | None, choices: tuple[str, ...], line: int, field: str) -> None:
    if value is not None and value not in choices:
        raise refuse(line, field, f"must be one of {', '.join(choices)}")


def check_span(started: datetime, ended: datetime, line: int, field: str = "ended_at") -> None:
    if ended < started:
        raise refuse(line, field, "ends before it starts")


def check_span_text(started: str, ended: str, line: int) -> None:
    """The same check on canonical timestamp text (which sorts as time does)."""
    if ended < started:
        raise refuse(line, "ended_at", "ends before it starts")
