"""Swedish identity, company and payment numbers: personnummer, samordningsnummer,
organisationsnummer, bankgiro and plusgiro.

Each predicate takes the digits (separators removed), the lengths of the digit groups as
written and the separators between them, and answers from structure and checksum alone.
"""

from __future__ import annotations

from datetime import date

from varna.domain.scan.checksums import birth_date, luhn_ok


def person_kind(digits: str, groups: tuple[int, ...], seps: str) -> str | None:
    """``personnummer``, ``samordningsnummer`` or None.

    Accepted shapes: ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYYYMMDD-NNNN``, and the same without
    separator (10 or 12 digits). The date must exist (day + 60 for samordningsnummer) and the
    last ten digits must pass Luhn.
    """
    n = len(digits)
    if n == 10:
        if groups != (10,) and not (groups == (6, 4) and seps in ("-", "+")):
            return None
    elif n == 12:
        if groups != (12,) and not (groups == (8, 4) and seps in ("-", "+")):
            return None
        if digits[:2] not in ("18", "19", "20"):
            return None
    else:
        return None
    tail = digits[-10:]
    if not luhn_ok(tail):
        return None
    if birth_date(digits, seps) is None:
        return None
    return "samordningsnummer" if int(tail[4:6]) > 60 else "personnummer"


def person_birth_date(digits: str, seps: str, today: date) -> date | None:
    """The birth date a personnummer/samordningsnummer shows, with the century rule."""
    return birth_date(digits, "+" if "+" in seps else "-", today)


def is_orgnr(digits: str, groups: tuple[int, ...], seps: str) -> bool:
    """Organisationsnummer: ``NNNNNN-NNNN`` or 10 digits, optional ``16`` prefix.

    The first digit is a legal-form group (never 0), the third digit is at least 2 (so it
    can never be a month, which keeps it apart from personnummer), Luhn on the ten digits.
    """
    n = len(digits)
    if n == 10:
        if groups != (10,) and not (groups == (6, 4) and seps == "-"):
            return False
        ten = digits
    elif n == 12:
        if not digits.startswith("16"):
            return False
        if groups not in ((12,), (8, 4), (2, 6, 4), (2, 10)) or seps.strip(" -") != "":
            return False
        ten = digits[2:]
    else:
        return False
    return ten[0] != "0" and ten[2] >= "2" and luhn_ok(ten)


def is_bankgiro(digits: str, groups: tuple[int, ...], seps: str, *, labelled: bool) -> bool:
    """Bankgiro: 7 or 8 digits written ``NNN-NNNN`` / ``NNNN-NNNN``, Luhn on all digits.

    Without the dash it is only accepted right after a bankgiro label (``bg``, ``bankgiro``).
    """
    if groups in ((3, 4), (4, 4)) and seps == "-":
        return digits[0] != "0" and luhn_ok(digits)
    if labelled and groups in ((7,), (8,)):
        return digits[0] != "0" and luhn_ok(digits)
    return False


def is_plusgiro(digits: str, groups: tuple[int, ...], seps: str, *, labelled: bool) -> bool:
    """Plusgiro: 2-8 digits with a dash before the last (check) digit, Luhn on all digits.

    Written ``1234567-8`` or in pairs ``12 34 56-7``. Without the dash only after a label.
    """
    n = len(digits)
    if not 2 <= n <= 8 or digits[0] == "0":
        return False
    if len(groups) >= 2 and groups[-1] == 1 and seps[-1] == "-":
        head = groups[:-1]
        if len(head) == 1 or (
            all(g == 2 for g in head[1:]) and head[0] <= 2 and seps[:-1].strip() == ""
        ):
            return luhn_ok(digits)
        return False
    if labelled and len(groups) == 1:
        return luhn_ok(digits)
    return False
