"""Identifier validation and normal forms (the lookups of the subject engine rely on them)."""

from __future__ import annotations

from datetime import date

import pytest

from varna.domain import identifiers as ids
from varna.domain.errors import InvalidIdentifier

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "value",
    ["811228-9874", "8112289874", "19811228-9874", "198112289874", "19811228 9874"],
)
def test_personnummer_forms_normalise_to_twelve_digits(value: str) -> None:
    assert ids.personnummer(value, today=TODAY) == "198112289874"


def test_samordningsnummer_is_accepted() -> None:
    """Day + 60: python-stdnum alone rejects these."""
    canonical = ids.personnummer("701063-2391", today=TODAY)
    assert canonical == "197010632391"
    assert ids.is_samordningsnummer(canonical)
    assert ids.birth_date(canonical) == date(1970, 10, 3)


def test_plus_separator_means_a_hundred_years_or_more() -> None:
    assert ids.personnummer("121212+1212", today=TODAY) == "191212121212"
    assert ids.personnummer("121212-1212", today=TODAY) == "201212121212"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("811228-9875", "check digit"),
        ("811328-9873", "date of birth"),
        ("81122898", "10 or 12 digits"),
    ],
)
def test_bad_personnummer_says_why_without_the_value(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        ids.personnummer(value, today=TODAY)
    assert reason in str(error.value)
    assert value not in str(error.value)


def test_iccid_imei_imsi() -> None:
    assert ids.iccid("8946 9990 0000 0000 017") == "8946999000000000017"
    with pytest.raises(InvalidIdentifier, match="Luhn"):
        ids.iccid("8946999000000000018")
    with pytest.raises(InvalidIdentifier, match="prefix 89"):
        ids.iccid("1946999000000000010")
    assert ids.imei("49-015420-323751-8") == "490154203237518"
    with pytest.raises(InvalidIdentifier, match="Luhn"):
        ids.imei("490154203237519")
    assert ids.imsi("240011234567890") == "240011234567890"
    with pytest.raises(InvalidIdentifier, match="15 digits"):
        ids.imsi("24001123456789")


def test_phone_and_msisdn_become_e164() -> None:
    assert ids.phone("070-174 06 99") == "+46701740699"
    assert ids.phone("+46 (0)70 174 06 99") == "+46701740699"
    assert ids.msisdn("+358 40 1234567") == "+358401234567"
    with pytest.raises(InvalidIdentifier, match="MSISDN"):
        ids.msisdn("not a number")


def test_email_and_orgnr() -> None:
    assert ids.email("  Anna.Svensson@Example.COM ") == "anna.svensson@example.com"
    with pytest.raises(InvalidIdentifier):
        ids.email("anna.example.com")
    assert ids.orgnr("5560360793") == "556036-0793"
    with pytest.raises(InvalidIdentifier, match="organisationsnummer"):
        ids.orgnr("556036-0794")


def test_card_last4_keeps_only_four_digits() -> None:
    """C2: only the last four digits of a card number are ever kept."""
    assert ids.card_last4("4111 1111 1111 1111") == "1111"


def test_the_luhn_check_agrees_with_stdnum() -> None:
    """varna's table lookup against python-stdnum's reference, on every length an ICCID or
    a personnummer has and on each possible last digit."""
    import random

    from stdnum import luhn

    rng = random.Random(20261201)
    for _ in range(2_000):
        body = "".join(rng.choice("0123456789") for _ in range(rng.randint(9, 19)))
        for last in "0123456789":
            assert ids.luhn_ok(body + last) == luhn.is_valid(body + last), body + last
