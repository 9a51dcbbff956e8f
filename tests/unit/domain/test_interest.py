"""Keeping data on legitimate interest (R3): a recorded decision per category, with a reason
and an end date at most ten years away; only a standing decision keeps anything."""

from __future__ import annotations

from datetime import date

import pytest

from varna.catalog import load_catalog
from varna.domain.retention.interest import (
    DecisionRefused,
    InterestDecision,
    check_decision,
    keeping_decision,
)

CATALOG = load_catalog()
REASON = "Security: investigating a series of fraudulent sign-ups"
DECIDED = date(2026, 2, 28)


def test_r3_an_unknown_category_is_refused_by_its_id() -> None:
    with pytest.raises(DecisionRefused, match="'ip_adress'"):
        check_decision(
            CATALOG,
            category="ip_adress",
            reason=REASON,
            end_date=date(2027, 1, 1),
            decided_on=DECIDED,
        )


@pytest.mark.parametrize(
    ("end_date", "taken"),
    [
        (DECIDED, False),  # ends the day it is made: keeps nothing
        (date(2026, 3, 1), True),
        (date(2036, 2, 28), True),  # ten years to the day
        (date(2036, 2, 29), False),
    ],
)
def test_r3_the_end_date_lies_after_the_decision_and_within_ten_years(
    end_date: date, taken: bool
) -> None:
    if taken:
        assert (
            check_decision(
                CATALOG, category="ip_address", reason=REASON, end_date=end_date, decided_on=DECIDED
            )
            == end_date
        )
    else:
        with pytest.raises(DecisionRefused, match="end date"):
            check_decision(
                CATALOG, category="ip_address", reason=REASON, end_date=end_date, decided_on=DECIDED
            )


def test_r3_a_reason_of_blanks_does_not_count() -> None:
    with pytest.raises(DecisionRefused, match="at least 20"):
        check_decision(
            CATALOG,
            category="ip_address",
            reason=" " * 25 + "fraud",
            end_date=date(2027, 1, 1),
            decided_on=DECIDED,
        )


def test_r3_a_decision_stands_from_its_day_through_its_end_unless_revoked() -> None:
    decision = InterestDecision(1, "ip_address", REASON, date(2027, 1, 1), DECIDED)
    assert not decision.stands(date(2026, 2, 27))
    assert decision.stands(DECIDED) and decision.stands(date(2027, 1, 1))
    assert not decision.stands(date(2027, 1, 2))
    revoked = InterestDecision(1, "ip_address", REASON, date(2027, 1, 1), DECIDED, revoked=True)
    assert not revoked.stands(date(2026, 6, 1))


def test_r3_the_longest_standing_decision_of_the_categories_keeps_the_data() -> None:
    short = InterestDecision(1, "ip_address", REASON, date(2026, 12, 31), DECIDED)
    long = InterestDecision(2, "email", REASON, date(2028, 12, 31), DECIDED)
    gone = InterestDecision(3, "email", REASON, date(2030, 12, 31), DECIDED, revoked=True)
    decisions = [short, long, gone]
    assert keeping_decision(["ip_address", "email"], decisions, date(2026, 6, 1)) == long
    assert keeping_decision(["ip_address"], decisions, date(2026, 6, 1)) == short
    assert keeping_decision([], decisions, date(2026, 6, 1)) is None
