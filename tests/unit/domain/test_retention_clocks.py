"""Retention clocks at their boundaries (R1, R2, R4, R5): leap days, month ends, fiscal years
that end in other months, and the cut-off a sweep uses (the last clock start that is due)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from varna.catalog import load_catalog
from varna.catalog.model import RetentionRule
from varna.domain.retention.clocks import EARLIEST, day_after, is_due, last_due_start, start_of_day

CATALOG = load_catalog()
DUE_RULES = sorted(
    (rule_id for rule_id, rule in CATALOG.retention_rules.items() if rule.due(EARLIEST)),
)


def rule(rule_id: str, fiscal_year_end: int = 12) -> RetentionRule:
    return CATALOG.with_fiscal_year_end(fiscal_year_end).effective_retention(rule_id)


@settings(max_examples=80)
@given(
    rule_id=st.sampled_from(DUE_RULES),
    fiscal_year_end=st.integers(min_value=1, max_value=12),
    as_of=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
)
def test_r1_the_cut_off_is_exactly_the_boundary_of_due(
    rule_id: str, fiscal_year_end: int, as_of: date
) -> None:
    """R1: data started on the cut-off is due on ``as_of``, data started the day after is not;
    the sweep deletes the first and keeps the second, whatever the rule."""
    chosen = rule(rule_id, fiscal_year_end)
    cut_off = last_due_start(chosen, as_of)
    assert cut_off is not None
    assert is_due(chosen, cut_off, as_of)
    assert not is_due(chosen, day_after(cut_off), as_of)


@pytest.mark.parametrize(
    ("start", "kept_through"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),  # 365 days from a leap day
        (date(2023, 3, 1), date(2024, 2, 29)),  # 365 days across a leap day
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_r2_a_year_after_the_contract_is_365_days_not_a_calendar_year(
    start: date, kept_through: date
) -> None:
    """R2: the post-contract rule counts 365 days, so across a 29 February it ends a day
    earlier in the calendar."""
    assert rule("post_contract").due(start) == kept_through
    assert not is_due(rule("post_contract"), start, kept_through)
    assert is_due(rule("post_contract"), start, kept_through + timedelta(days=1))


@pytest.mark.parametrize(
    ("closed", "kept_through"),
    [
        (date(2024, 2, 29), date(2026, 2, 28)),  # 24 months from a leap day: no 29 February
        (date(2026, 2, 28), date(2028, 2, 28)),  # not moved to the leap year's month end
        (date(2025, 8, 31), date(2027, 8, 31)),
    ],
)
def test_r5_tickets_count_calendar_months_after_closure(closed: date, kept_through: date) -> None:
    """R5: a support case is kept 24 calendar months after it closed; a day that the month
    lacks becomes its last day."""
    assert rule("support_ticket").due(closed) == kept_through


def test_r5_the_sweep_after_a_leap_day_closure() -> None:
    """R5: on 2026-03-01 every ticket closed on or before 2024-02-29 is due, and none closed
    on 2024-03-01; on 2026-02-28 the one closed 2024-02-29 is still kept."""
    tickets = rule("support_ticket")
    assert last_due_start(tickets, date(2026, 3, 1)) == date(2024, 2, 29)
    assert last_due_start(tickets, date(2026, 2, 28)) == date(2024, 2, 27)


@pytest.mark.parametrize(
    ("end_month", "made", "kept_through"),
    [
        (2, date(2027, 3, 1), date(2035, 12, 31)),  # fiscal year ends 2028-02-29
        (2, date(2028, 2, 29), date(2035, 12, 31)),  # its last day
        (2, date(2028, 3, 1), date(2036, 12, 31)),
        (1, date(2026, 1, 31), date(2033, 12, 31)),  # ends the same month
        (1, date(2026, 2, 1), date(2034, 12, 31)),
        (12, date(2026, 1, 1), date(2033, 12, 31)),
        (12, date(2026, 12, 31), date(2033, 12, 31)),
    ],
)
def test_r4_bookkeeping_for_every_fiscal_year_end(
    end_month: int, made: date, kept_through: date
) -> None:
    """R4: until 31 December of the seventh year after the calendar year the fiscal year of
    the record ends in; a fiscal year ending in February ends on the 29th in a leap year."""
    assert rule("bookkeeping", end_month).due(made) == kept_through


@pytest.mark.parametrize("end_month", [0, 13, -1])
def test_r4_a_fiscal_year_ends_with_a_real_month(end_month: int) -> None:
    with pytest.raises(ValueError, match="1-12"):
        CATALOG.with_fiscal_year_end(end_month)


def test_r4_the_last_due_start_of_bookkeeping_is_a_fiscal_year_end() -> None:
    """R4: the sweep takes whole fiscal years, never part of one."""
    for end_month in range(1, 13):
        for as_of in (date(2034, 1, 1), date(2034, 6, 30), date(2034, 12, 31)):
            cut_off = last_due_start(rule("bookkeeping", end_month), as_of)
            assert cut_off is not None
            assert cut_off.month == end_month and day_after(cut_off).day == 1


def test_r1_a_zero_day_rule_is_due_the_day_after_its_clock_starts() -> None:
    """R1: ``0 days`` (newsletter, after a withdrawal) keeps nothing past the day itself."""
    newsletter = rule("newsletter")
    assert last_due_start(newsletter, date(2026, 3, 1)) == date(2026, 2, 28)


def test_r1_nothing_is_due_before_a_rule_could_have_run_out() -> None:
    """R1: a ten-year rule in 1905 finds nothing due (no clock starts before 1900)."""
    assert last_due_start(rule("audit_log"), date(1905, 1, 1)) is None
    assert last_due_start(rule("audit_log"), date(1910, 1, 2)) == EARLIEST


def test_r1_timestamps_before_midnight_utc_belong_to_the_day_before() -> None:
    assert start_of_day(date(2026, 3, 29)) == datetime(2026, 3, 29, tzinfo=UTC)
    assert day_after(date(2028, 2, 28)) == date(2028, 2, 29)
