"""The clock of a request (GDPR Art. 12(3), R-DSR-01): one month from receipt, to the same
date in the next month, or that month's last day when the date does not exist; extended by at
most two further months, only with a reason and only when the notice goes out within the
first month.

The further months are added to the original deadline, not to the day of receipt: received
2026-01-31, due 2026-02-28, extended by two months 2026-04-28 (not 2026-04-30). Counting from
the deadline is never later than counting from receipt, so where the two readings differ the
earlier date is the one varna keeps."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from varna.domain.errors import VarnaError
from varna.domain.requests.kinds import OPEN_STATES

MAX_EXTENSION_MONTHS = 2


class ExtensionRefused(VarnaError):
    """An extension that the rules do not allow."""


def add_months(start: date, months: int) -> date:
    """The same date ``months`` later, or the last day of that month when it does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def due_date(received: date) -> date:
    """The first-month deadline: 2026-01-31 -> 2026-02-28, 2026-03-15 -> 2026-04-15."""
    return add_months(received, 1)


def extended_due(received: date, months: int) -> date:
    """The deadline extended by ``months`` further months, counted from the original deadline:
    2026-01-31 -> 2026-02-28 -> (2 months) 2026-04-28; 2026-05-31 -> 2026-06-30 -> 2026-08-30.
    Never later than counting from receipt: a day of the month cut to a month's end stays cut."""
    return add_months(due_date(received), months)


@dataclass(frozen=True, slots=True)
class Extension:
    months: int
    reason: str
    notice_on: date
    new_due: date


def extend(received: date, *, months: int, reason: str, notice_on: date) -> Extension:
    """The extended deadline, or ExtensionRefused when the rules do not allow it."""
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ExtensionRefused(f"an extension is 1 or 2 months, not {months}")
    if not reason.strip():
        raise ExtensionRefused("an extension needs a reason that the person is told")
    if notice_on > due_date(received):
        raise ExtensionRefused(
            "the extension notice must go out within the first month; that month ended on "
            f"{due_date(received).isoformat()}"
        )
    return Extension(months, reason.strip(), notice_on, extended_due(received, months))


def is_overdue(state: str, due: date, today: date) -> bool:
    """A request is overdue when it is still open after its due date (the day itself is in time)."""
    return state in OPEN_STATES and today > due
