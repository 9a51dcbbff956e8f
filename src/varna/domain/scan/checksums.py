"""Checksums and structure tests used to confirm scanner candidates.

All functions take plain digit strings (no separators) and are cheap: they run only on
candidates that a regular expression already found, never on the whole text.
"""

from __future__ import annotations

from datetime import date

# Each digit mapped to the digit sum of its double (0->0, 5->1, 9->9).
_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (at least two, all ASCII digits) pass the Luhn mod-10 check."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    return (
        sum(map(int, digits[-1::-2])) + sum(map(int, digits[-2::-2].translate(_DOUBLE)))
    ) % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """The digit that, appended to ``digits``, makes the whole pass :func:`luhn_ok`."""
    for c in "0123456789":
        if luhn_ok(digits + c):
            return c
    raise ValueError("no check digit")  # pragma: no cover - unreachable for digit input


def iban_ok(compact: str) -> bool:
    """ISO 13616 mod-97 check on an IBAN without spaces (upper case)."""
    if len(compact) < 15 or len(compact) > 34:
        return False
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is None or expected != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits for ``country`` + ``bban`` (used by the synthetic corpus)."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{98 - number % 97:02d}"


def birth_date(digits: str, sep: str, today: date | None = None) -> date | None:
    """The birth date in a Swedish personnummer/samordningsnummer, or None if impossible.

    ``digits`` has 10 or 12 digits. For 10 digits the century follows the Skatteverket rule:
    ``-`` (or nothing) means the person is under 100 on ``today``, ``+`` means 100 or older.
    Samordningsnummer have 60 added to the day.
    """
    ref = today or _TODAY_FALLBACK
    if len(digits) == 12:
        year, rest = int(digits[:4]), digits[4:]
    elif len(digits) == 10:
        yy, rest = int(digits[:2]), digits[2:]
        year = (ref.year // 100) * 100 + yy
    else:
        return None
    month, day = int(rest[0:2]), int(rest[2:4])
    if day > 60:
        day -= 60
    try:
        born = date(year, month, day)
        if len(digits) == 10:
            if born > ref:
                born = born.replace(year=year - 100)
            if sep == "+":
                born = born.replace(year=born.year - 100)
    except ValueError:
        return None
    return born


# A fixed reference when no "today" is given: keeps scanning deterministic and pure.
_TODAY_FALLBACK = date(2030, 12, 31)


def age_on(born: date, today: date) -> int:
    """Completed years between ``born`` and ``today``."""
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


# ISO 13616 registry lengths (SEPA and common partner countries).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SC": 31,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
}
