"""Identifiers of people, companies, SIMs and devices: validation and normal forms.

Every function returns the canonical form that varna stores and looks up, or raises
:class:`InvalidIdentifier` with a reason that never repeats the value.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr as _orgnr

from varna.domain.errors import InvalidIdentifier
from varna.domain.scan.checksums import luhn_ok as scan_luhn_ok

_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[\s\-.]")
# No white space, no control character (a NUL is no part of an address, and PostgreSQL
# cannot store one).
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
_PNR = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")
DEFAULT_REGION = "SE"


def _digits_only(value: str, kind: str) -> str:
    compact = _SEPARATORS.sub("", value)
    if not compact.isdigit():
        raise InvalidIdentifier(kind, "must contain digits only")
    return compact


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` pass the Luhn (mod 10) check: the scanner's check, a table
    lookup per digit, since an instructed erasure checks every ICCID it names and stdnum's
    ``luhn.is_valid`` is slow enough to show in its time (docs/performance.md)."""
    return scan_luhn_ok(digits)


def iccid(value: str) -> str:
    """An ICCID: 18-20 digits, issuer prefix 89, Luhn check digit last."""
    digits = _digits_only(value, "ICCID")
    if not 18 <= len(digits) <= 20:
        raise InvalidIdentifier("ICCID", "must have 18 to 20 digits")
    if not digits.startswith("89"):
        raise InvalidIdentifier("ICCID", "must start with the telecom prefix 89")
    if not luhn_ok(digits):
        raise InvalidIdentifier("ICCID", "check digit (Luhn) does not match")
    return digits


def imsi(value: str) -> str:
    """An IMSI: 15 digits, MCC (3 digits, 2xx-7xx) first."""
    digits = _digits_only(value, "IMSI")
    if len(digits) != 15:
        raise InvalidIdentifier("IMSI", "must have 15 digits")
    if digits[0] not in "234567":
        raise InvalidIdentifier("IMSI", "does not start with a valid mobile country code")
    return digits


def imei(value: str) -> str:
    """An IMEI: 15 digits with a Luhn check digit."""
    digits = _digits_only(value, "IMEI")
    if len(digits) != 15:
        raise InvalidIdentifier("IMEI", "must have 15 digits")
    if not luhn_ok(digits):
        raise InvalidIdentifier("IMEI", "check digit (Luhn) does not match")
    return digits


def phone(value: str, *, region: str = DEFAULT_REGION) -> str:
    """A phone number or MSISDN in E.164 (``+46701234567``); national forms read as Swedish."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier("phone number", "cannot be parsed as a phone number") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidIdentifier("phone number", "has the wrong length for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def msisdn(value: str) -> str:
    """An MSISDN in E.164."""
    try:
        return phone(value)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier("MSISDN", exc.reason) from exc


def email(value: str) -> str:
    """An e-mail address, trimmed and lower-cased (domains are case-insensitive and in
    practice so are the local parts of every provider varna meets)."""
    normal = value.strip().lower()
    if not _EMAIL.match(normal) or len(normal) > 254:
        raise InvalidIdentifier("e-mail address", "is not of the form name@domain.tld")
    return normal


def orgnr(value: str) -> str:
    """A Swedish organisationsnummer in the form ``NNNNNN-NNNN``."""
    try:
        return str(_orgnr.format(_orgnr.validate(value)))
    except ValidationError as exc:
        raise InvalidIdentifier("organisationsnummer", "structure or check digit is wrong") from exc


def personnummer(value: str, *, today: date | None = None) -> str:
    """A personnummer or samordningsnummer in the 12-digit form ``YYYYMMDDNNNN``.

    Accepts 10 or 12 digits, with or without the ``-``/``+`` separator (``+`` marks a
    person aged 100 or more). A samordningsnummer has 60 added to the day of birth;
    python-stdnum's personnummer module rejects it, so the date test is done here.
    """
    compact = value.strip().replace(" ", "")
    match = _PNR.match(compact)
    if not match:
        raise InvalidIdentifier("personnummer", "must be 10 or 12 digits, optionally with - or +")
    century, yy, mm, dd, sep, tail = match.groups()
    ten = f"{yy}{mm}{dd}{tail}"
    if not luhn_ok(ten):
        raise InvalidIdentifier("personnummer", "check digit (Luhn) does not match")
    day = int(dd)
    if day > 60:
        day -= 60
    ref = today or date.today()  # noqa: DTZ011 - a birth date is a calendar date
    if century is None:
        year = 2000 + int(yy)
        while year > ref.year or (sep == "+" and ref.year - year < 100):
            year -= 100
    else:
        year = int(century + yy)
    try:
        date(year, int(mm), day)
    except ValueError as exc:
        raise InvalidIdentifier("personnummer", "does not contain a valid date of birth") from exc
    return f"{year:04d}{mm}{dd}{tail}"


def is_samordningsnummer(canonical: str) -> bool:
    """True for a canonical 12-digit number whose day has 60 added."""
    return int(canonical[6:8]) > 60


def birth_date(canonical: str) -> date:
    """The date of birth in a canonical 12-digit personnummer or samordningsnummer."""
    day = int(canonical[6:8])
    return date(int(canonical[:4]), int(canonical[4:6]), day - 60 if day > 60 else day)


def card_last4(value: str) -> str:
    """The last four digits of a payment card number, the only part varna keeps (C2)."""
    digits = "".join(_DIGITS.findall(value))
    if len(digits) < 4:
        raise InvalidIdentifier("card number", "has fewer than four digits")
    return digits[-4:]
