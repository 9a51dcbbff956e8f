"""The age rule of consent flows (C4, R-CH-01): 13 or older, or acting for a business.

Where a birth date or personnummer shows a person under 13, the intake is refused before
anything is stored. Otherwise the person must confirm being 13 or older, or acting for a
business, before consent can be given."""

from __future__ import annotations

from datetime import date

from varna.domain import identifiers
from varna.domain.errors import InputRefused

MIN_AGE = 13


class ChildConsentRefused(InputRefused):
    """The data shows a person under 13: nothing was stored (C4)."""

    def __init__(self) -> None:
        super().__init__(
            f"our services are not aimed at children under {MIN_AGE}; nothing was stored"
        )


class AgeNotConfirmed(InputRefused):
    """Consent needs the confirmation of being 13 or older, or acting for a business."""

    def __init__(self) -> None:
        super().__init__(
            f"confirm that you are {MIN_AGE} or older, or act for a business, to give consent",
            field="age_confirmed",
        )


def age_on(birth: date, today: date) -> int:
    """Whole years between ``birth`` and ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_age(
    *,
    today: date,
    confirmed: bool,
    birth_date: date | None = None,
    personnummer: str | None = None,
) -> None:
    """Refuse a consent intake by a child under 13, or one without the age confirmation."""
    births = [birth_date] if birth_date is not None else []
    if personnummer:
        births.append(identifiers.birth_date(identifiers.personnummer(personnummer, today=today)))
    if any(age_on(birth, today) < MIN_AGE for birth in births):
        raise ChildConsentRefused
    if not confirmed:
        raise AgeNotConfirmed
