"""Retention clocks (R1, R2, R4, R5). Every computation takes an explicit ``as_of`` date, so
tests travel in time and the sweep of a given day is reproducible.

A rule's due date (:meth:`RetentionRule.due`) is the last day the data is kept: a contract
terminated 2025-01-15 under ``365 days`` is kept through 2026-01-15 and due on 2026-01-16;
invoices of fiscal year 2025 (clock: 2025-12-31, ``7 years`` until the end of the year) are
kept through 2032-12-31 and due on 2033-01-01.
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


def fiscal_year_end(fiscal_year: int) -> date:
    """The clock of bookkeeping records: the last day of the fiscal year (calendar years)."""
    return date(fiscal_year, 12, 31)


def last_due_fiscal_year(rule: RetentionRule, as_of: date) -> int | None:
    """The latest fiscal year whose records are due on ``as_of`` (R4)."""
    start = last_due_start(rule, as_of)
    if start is None:
        return None
    year = start.year
    return year if fiscal_year_end(year) <= start else year - 1


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def start_of_day(day: date) -> datetime:
    """Midnight UTC of ``day``: timestamps before it started on an earlier day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
