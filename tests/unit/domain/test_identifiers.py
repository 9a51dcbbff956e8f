"""Identifier normal forms and refusals, as properties: a valid identifier round-trips in any
usual spelling, normalising twice changes nothing, one wrong digit is caught, and a refusal
never repeats the value (the subject engine looks people up by these forms)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from varna.domain import identifiers as ids
from varna.domain.errors import InvalidIdentifier

TODAY = date(2026, 11, 25)
DIGITS = "0123456789"


def with_check_digit(body: str) -> str:
    return body + luhn.calc_check_digit(body)


@st.composite
def iccids(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=DIGITS, min_size=15, max_size=17))
    return with_check_digit("89" + body)


@st.composite
def spelt(draw: st.DrawFn, digits: str) -> str:
    """``digits`` with blanks, hyphens or dots between some of them, as people type them."""
    separators = draw(
        st.lists(
            st.sampled_from(["", "", " ", "-", "."]), min_size=len(digits), max_size=len(digits)
        )
    )
    return "".join(d + s for d, s in zip(digits, separators, strict=True)).strip(" -.")


def one_digit_changed(digits: str, at: int, by: int) -> str:
    position = at % len(digits)
    changed = str((int(digits[position]) + by) % 10)
    return digits[:position] + changed + digits[position + 1 :]


@given(data=st.data(), value=iccids())
def test_a_valid_iccid_round_trips_from_any_spelling(data: st.DataObject, value: str) -> None:
    assert ids.iccid(data.draw(spelt(value))) == value
    assert ids.iccid(value) == value


@given(value=iccids(), at=st.integers(min_value=2, max_value=19), by=st.integers(1, 9))
def test_one_wrong_digit_of_an_iccid_is_caught_without_repeating_it(
    value: str, at: int, by: int
) -> None:
    wrong = one_digit_changed(value, at, by)
    assume(wrong.startswith("89"))
    with pytest.raises(InvalidIdentifier, match="Luhn") as refused:
        ids.iccid(wrong)
    assert wrong not in str(refused.value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (with_check_digit("8946" + "0" * 12), "18 to 20 digits"),  # 17 digits
        (with_check_digit("8946" + "0" * 16), "18 to 20 digits"),  # 21 digits
        (with_check_digit("9946" + "0" * 14), "prefix 89"),
        ("8946x" + "0" * 14, "digits only"),
        ("", "digits only"),
    ],
)
def test_iccid_refusals_say_why(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason) as refused:
        ids.iccid(value)
    assert refused.value.kind == "ICCID"


@pytest.mark.parametrize("first", list("234567"))
def test_an_imsi_starts_with_a_mobile_country_code(first: str) -> None:
    assert ids.imsi(f"{first}40 01 1234567890") == f"{first}40011234567890"


@pytest.mark.parametrize("first", list("0189"))
def test_an_imsi_with_another_first_digit_is_refused(first: str) -> None:
    with pytest.raises(InvalidIdentifier, match="mobile country code"):
        ids.imsi(f"{first}40011234567890")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0701234567", "+46701234567"),
        ("+46 70-123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+1 202 555 0100", "+12025550100"),
    ],
)
def test_an_msisdn_becomes_e164(value: str, expected: str) -> None:
    assert ids.msisdn(value) == expected
    assert ids.msisdn(expected) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("+4670123", "wrong length"), ("123", "wrong length"), ("+999 1234567", "cannot be parsed")],
)
def test_an_msisdn_refusal_names_the_msisdn_and_says_why(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason) as refused:
        ids.msisdn(value)
    assert refused.value.kind == "MSISDN" and value not in str(refused.value)


# -- personnummer and samordningsnummer --------------------------------------------------------


@st.composite
def personnummer_parts(draw: st.DrawFn) -> tuple[date, str, bool]:
    """(birth date, the last four digits, samordningsnummer?) of a valid number."""
    birth = draw(st.dates(min_value=date(1927, 1, 1), max_value=date(2026, 11, 25)))
    coordination = draw(st.booleans())
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}" + draw(st.text(alphabet=DIGITS, min_size=3, max_size=3))
    return birth, with_check_digit(nine)[6:], coordination


@given(parts=personnummer_parts(), form=st.sampled_from(["10", "10-", "12", "12-"]))
def test_a_valid_personnummer_round_trips_in_every_form(
    parts: tuple[date, str, bool], form: str
) -> None:
    """Ten or twelve digits, with or without the hyphen: one twelve-digit form, whose birth
    date is the person's (a samordningsnummer has 60 added to the day)."""
    birth, tail, coordination = parts
    day = birth.day + (60 if coordination else 0)
    twelve = f"{birth:%Y%m}{day:02d}"
    date_part = twelve[2:] if form.startswith("10") else twelve
    value = date_part + ("-" if form.endswith("-") else "") + tail
    canonical = ids.personnummer(value, today=TODAY)
    assert canonical == twelve + tail
    assert ids.personnummer(canonical, today=TODAY) == canonical
    assert ids.birth_date(canonical) == birth
    assert ids.is_samordningsnummer(canonical) is coordination


@pytest.mark.parametrize(
    ("ten", "today", "year"),
    [
        ("261231", date(2026, 1, 1), 2026),  # born this year (a date to come is no century)
        ("270101", date(2026, 11, 25), 1927),  # a year after this one: the century before
        ("000229", date(2026, 11, 25), 2000),
    ],
)
def test_the_century_of_a_ten_digit_number_with_a_hyphen(ten: str, today: date, year: int) -> None:
    """A hyphen: under 100 in the year of ``today``; the year is never after this year."""
    number = with_check_digit(ten + "123")
    assert ids.personnummer(f"{number[:6]}-{number[6:]}", today=today)[:4] == str(year)


@pytest.mark.parametrize(
    ("ten", "today", "year"),
    [
        ("261231", date(2026, 1, 1), 1926),  # turns 100 this year: the plus from 1 January
        ("271231", date(2026, 12, 31), 1827),  # 1927 would be 99 this year
        ("250101", date(2026, 11, 25), 1925),
    ],
)
def test_a_plus_marks_the_year_of_the_hundredth_birthday_or_later(
    ten: str, today: date, year: int
) -> None:
    """Skatteverket writes + from the year a person turns 100 (SKV 704), not from the day."""
    number = with_check_digit(ten + "123")
    assert ids.personnummer(f"{number[:6]}+{number[6:]}", today=today)[:4] == str(year)


@pytest.mark.parametrize(
    ("nine", "reason"),
    [
        ("250229123", "date of birth"),  # 29 February 2025 does not exist
        ("811232123", "date of birth"),  # day 32
        ("811292123", "date of birth"),  # a samordningsnummer's day 92 is day 32
        ("810001123", "date of birth"),  # month 0
        ("811200123", "date of birth"),  # day 0
    ],
)
def test_a_personnummer_without_a_real_birth_date_is_refused(nine: str, reason: str) -> None:
    number = with_check_digit(nine)
    with pytest.raises(InvalidIdentifier, match=reason) as refused:
        ids.personnummer(number, today=TODAY)
    assert number not in str(refused.value)


@given(parts=personnummer_parts(), at=st.integers(min_value=0, max_value=9), by=st.integers(1, 9))
def test_one_wrong_digit_of_a_personnummer_is_caught(
    parts: tuple[date, str, bool], at: int, by: int
) -> None:
    birth, tail, coordination = parts
    day = birth.day + (60 if coordination else 0)
    wrong = one_digit_changed(f"{birth:%y%m}{day:02d}{tail}", at, by)
    with pytest.raises(InvalidIdentifier) as refused:
        ids.personnummer(wrong, today=TODAY)
    assert wrong not in str(refused.value)


# -- organisationsnummer, e-mail, card, IMEI ---------------------------------------------------


@given(body=st.text(alphabet=DIGITS, min_size=9, max_size=9))
def test_an_orgnr_is_kept_as_six_digits_a_hyphen_and_four(body: str) -> None:
    number = with_check_digit(body)
    canonical = ids.orgnr(number)
    assert canonical == f"{number[:6]}-{number[6:]}"
    assert ids.orgnr(canonical) == canonical


@pytest.mark.parametrize("value", ["556036-079", "55603607931", "556036-07A3", ""])
def test_an_orgnr_of_the_wrong_shape_is_refused(value: str) -> None:
    with pytest.raises(InvalidIdentifier, match="organisationsnummer"):
        ids.orgnr(value)


@pytest.mark.parametrize(
    "value",
    [
        "anna@example",
        "anna@@example.com",
        "an na@example.com",
        "anna@exa\x00mple.com",
        "anna\t@example.com",
        "@example.com",
        "a" * 250 + "@e.se",
    ],
)
def test_an_email_address_that_cannot_be_one_is_refused(value: str) -> None:
    with pytest.raises(InvalidIdentifier, match="name@domain.tld") as refused:
        ids.email(value)
    assert value not in str(refused.value)


@given(
    local=st.from_regex(r"[a-zA-Z0-9._%+-]{1,20}", fullmatch=True),
    domain=st.from_regex(r"[a-zA-Z0-9-]{1,20}\.[a-zA-Z]{2,6}", fullmatch=True),
)
def test_email_normalising_is_idempotent(local: str, domain: str) -> None:
    normal = ids.email(f"  {local}@{domain}\n")
    assert normal == f"{local}@{domain}".lower()
    assert ids.email(normal) == normal


@pytest.mark.parametrize("value", ["", "12", "1-2-3", "no digits"])
def test_c2_fewer_than_four_card_digits_are_refused(value: str) -> None:
    """C2: only the last four digits are kept; with fewer there is nothing to keep."""
    with pytest.raises(InvalidIdentifier, match="fewer than four"):
        ids.card_last4(value)


@given(
    body=st.text(alphabet=DIGITS, min_size=14, max_size=14),
    at=st.integers(0, 14),
    by=st.integers(1, 9),
)
def test_an_imei_round_trips_and_one_wrong_digit_is_caught(body: str, at: int, by: int) -> None:
    value = with_check_digit(body)
    assert ids.imei(f"{value[:2]}-{value[2:8]}-{value[8:14]}-{value[14]}") == value
    with pytest.raises(InvalidIdentifier, match="Luhn"):
        ids.imei(one_digit_changed(value, at, by))


NORMALISERS: dict[str, Callable[[str], str]] = {
    "iccid": ids.iccid,
    "imsi": ids.imsi,
    "imei": ids.imei,
    "msisdn": ids.msisdn,
    "email": ids.email,
    "orgnr": ids.orgnr,
    "personnummer": lambda value: ids.personnummer(value, today=TODAY),
}


@settings(max_examples=60)
@given(
    kind=st.sampled_from(sorted(NORMALISERS)),
    value=st.text(alphabet="0123456789 -+.@abcXYZ\x00\n", min_size=3, max_size=24),
)
def test_a_refusal_never_repeats_the_value(kind: str, value: str) -> None:
    """Personal data never in error texts: whatever was typed, a refusal says what is wrong
    with it in words of its own, and an accepted value normalises to a fixed point."""
    assume(len(value.strip()) >= 3)
    try:
        normal = NORMALISERS[kind](value)
    except InvalidIdentifier as refused:
        assert value.strip() not in str(refused), (kind, str(refused))
    else:
        assert NORMALISERS[kind](normal) == normal
