"""The age rule of consent (C4): 13 or older on the day, whatever the data shows first."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from varna.domain.consent.age import AgeNotConfirmed, ChildConsentRefused, age_on, check_age


def number(nine: str, separator: str = "-") -> str:
    ten = nine + luhn.calc_check_digit(nine)
    return f"{ten[:6]}{separator}{ten[6:]}"


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2025, 2, 28), 12),  # born 29 February: not yet 13 on the 28th
        (date(2025, 3, 1), 13),
        (date(2028, 2, 28), 15),
        (date(2028, 2, 29), 16),
    ],
)
def test_c4_a_leap_day_birthday_counts_from_1_march_in_common_years(today: date, age: int) -> None:
    assert age_on(date(2012, 2, 29), today) == age


def test_c4_a_samordningsnummer_of_a_child_refuses_the_intake() -> None:
    """C4: day + 60 is still the child's birthday."""
    with pytest.raises(ChildConsentRefused):
        check_age(today=date(2026, 11, 1), confirmed=True, personnummer=number("150361123"))
    check_age(today=date(2026, 11, 1), confirmed=True, personnummer=number("130961123"))


def test_c4_any_birth_date_that_shows_a_child_refuses() -> None:
    """C4: a grown-up's personnummer does not cover a child's birth date given beside it."""
    with pytest.raises(ChildConsentRefused):
        check_age(
            today=date(2026, 11, 1),
            confirmed=True,
            birth_date=date(2020, 1, 1),
            personnummer=number("800101123"),
        )


def test_c4_a_child_is_refused_before_the_missing_confirmation_is_asked_for() -> None:
    """C4: the refusal that stores nothing comes first, and it repeats no date."""
    with pytest.raises(ChildConsentRefused) as refused:
        check_age(today=date(2026, 11, 1), confirmed=False, birth_date=date(2020, 5, 17))
    assert "2020" not in str(refused.value) and "17" not in str(refused.value)
    with pytest.raises(AgeNotConfirmed) as unconfirmed:
        check_age(today=date(2026, 11, 1), confirmed=False, birth_date=date(1980, 5, 17))
    assert unconfirmed.value.field == "age_confirmed"
