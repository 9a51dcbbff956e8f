"""Retention clocks (R1, R2, R4, R5). Every computation takes an explicit ``as_of`` date, so
tests travel in time and the sweep of a given day is reproducible.

A rule's due date (:meth:`RetentionRule.due`) is the last day the data is kept: a contract
terminated 2025-01-15 under ``365 days`` is kept through 2026-01-15 and due on 2026-01-16;
an invoice issued 2025-04-01 in a calendar fiscal year (its clock: the year's end,
2025-12-31; ``7 years`` until the end of the year) is kept through 2032-12-31 and due on
2033-01-01; with a fiscal year ending 30 June, one issued 2025-09-01 (fiscal year ends
2026-06-30) is kept through 2033-12-31 (R4, the ``VARNA_FISCAL_YEAR_END`` setting).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from varna.catalog.model import RetentionAction, RetentionRule

EARLIEST = date(1900, 1, 1)


def is_due(rule: RetentionRule, start: date, as_of: date) -> bool:
    """True when data whose clock started on ``start`` must be gone on ``as_of``."""
    due = rule.due(start)
    return due is not None and due < as_of


def last_due_start(rule: RetentionRule, as_of: date) -> date | None:
    """The latest clock start whose data is due on ``as_of``: data started on or before it
    goes. None when nothing can be due (a ``keep`` rule, or a clock before 1900).

    ``due`` is monotone in its start (periods in days, months or years, rounded up to the
    end of a year), so a binary search over days finds the boundary for any rule exactly.
    """
    if rule.action is RetentionAction.KEEP or not is_due(rule, EARLIEST, as_of):
        return None
    low, high = EARLIEST.toordinal(), as_of.toordinal()  # is_due(low); search the last due
    while low < high:
        middle = (low + high + 1) // 2
        if is_due(rule, date.fromordinal(middle), as_of):
            low = middle
        else:
            high = middle - 1
    return date.fromordinal(low)


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def start_of_day(day: date) -> datetime:
    """Midnight UTC of ``day``: timestamps before it started on an earlier day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
