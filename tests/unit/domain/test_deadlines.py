"""The clock of a request (Art. 12(3), R-DSR-01): one calendar month to the same date or the
month's last day, extended by at most two further months counted from the deadline."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from varna.domain.requests.deadlines import (
    ExtensionRefused,
    add_months,
    due_date,
    extend,
    extended_due,
    is_overdue,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(start=DAYS, months=st.integers(min_value=0, max_value=36))
def test_add_months_keeps_the_day_or_cuts_to_the_month_end(start: date, months: int) -> None:
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(start.day, last)


@given(received=DAYS)
def test_d1_the_deadline_is_never_more_than_31_days_away(received: date) -> None:
    """D1: one month is 28 to 31 days, and never earlier than receipt."""
    assert timedelta(days=28) <= due_date(received) - received <= timedelta(days=31)


@given(received=DAYS, months=st.integers(min_value=1, max_value=2))
def test_d1_an_extension_is_never_later_than_counting_from_receipt(
    received: date, months: int
) -> None:
    """D1: counting the further months from the deadline keeps the earlier of two readings."""
    new_due = extended_due(received, months)
    assert due_date(received) < new_due <= add_months(received, 1 + months)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 1, 29), date(2027, 2, 28)),  # 29 January, common year
        (date(2028, 1, 29), date(2028, 2, 29)),  # 29 January, leap year
        (date(2028, 1, 30), date(2028, 2, 29)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 10, 31), date(2026, 11, 30)),
        (date(2026, 2, 1), date(2026, 3, 1)),
    ],
)
def test_d1_deadlines_around_month_ends(received: date, due: date) -> None:
    """D1: a date missing in the next month becomes that month's last day."""
    assert due_date(received) == due


def test_d1_the_extension_notice_may_go_out_on_the_deadline_but_not_the_day_after() -> None:
    """D1: the notice of an extension goes out within the first month (due 2026-02-28)."""
    received = date(2026, 1, 31)
    assert extend(received, months=2, reason="many systems", notice_on=date(2026, 2, 28))
    with pytest.raises(ExtensionRefused, match="2026-02-28"):
        extend(received, months=2, reason="many systems", notice_on=date(2026, 3, 1))


def test_d1_an_extension_keeps_its_reason_trimmed_and_names_the_wrong_month_count() -> None:
    extension = extend(
        date(2026, 3, 15), months=1, reason="  many systems \n", notice_on=date(2026, 3, 16)
    )
    assert extension.reason == "many systems"
    assert extension.new_due == date(2026, 5, 15)
    with pytest.raises(ExtensionRefused, match="not -1"):
        extend(date(2026, 3, 15), months=-1, reason="x", notice_on=date(2026, 3, 16))


@pytest.mark.parametrize(
    ("today", "state", "overdue"),
    [
        (date(2026, 2, 28), "in_progress", False),  # the deadline itself is still in time
        (date(2026, 3, 1), "in_progress", True),
        (date(2026, 3, 1), "completed", False),  # an answered request is never overdue
    ],
)
def test_d1_overdue_only_after_the_deadline_and_only_while_open(
    today: date, state: str, overdue: bool
) -> None:
    assert is_overdue(state, date(2026, 2, 28), today) is overdue
