"""How long a consent lasts before it must be asked for again (C7, R-LB-02).

The GDPR sets no fixed lifetime for consent, but consent must stay informed and current:
the EDPB (Guidelines 05/2020 on consent, para. 110-111) recommends refreshing it at
appropriate intervals. varna's defaults:

* 24 months for consent purposes of a person (newsletter, surveys, direct marketing,
  statistics): someone who has not confirmed a marketing consent for two years can no longer
  be assumed to remember giving it; two years is the refresh interval most supervisory
  practice and marketing guidance treats as reasonable for e-mail marketing;
* 12 months for cookie categories of a browser: the consent cookie itself lives 12 months,
  and the banner asks again when it is gone (CNIL's guidance on cookies holds a choice for at
  most 13 months).

Each ledger key can be given another period (``VARNA_CONSENT_VALIDITY_MONTHS``). A consent
older than its period gets an ``expired`` event dated the moment it lapsed (the daily sweep),
and until then the fold, the gate and marketing selection already count it as expired.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from varna.domain.errors import InputRefused

PURPOSE_MONTHS = 24
COOKIE_MONTHS = 12
COOKIE_PREFIX = "cookies."


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus ``months`` calendar months (the day clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class ValidityPolicy:
    """The validity period of each ledger key (a consent purpose or ``cookies.<category>``)."""

    months: Mapping[str, int] = field(default_factory=dict)
    purpose_months: int = PURPOSE_MONTHS
    cookie_months: int = COOKIE_MONTHS

    @classmethod
    def of(cls, overrides: Mapping[str, int], *, keys: Iterable[str]) -> ValidityPolicy:
        """A policy with per-key ``overrides``; unknown keys and periods under one month are
        refused (the error names the key, a setting of the operator, never personal data)."""
        known = set(keys)
        for key, months in overrides.items():
            if key not in known:
                raise InputRefused(
                    f"unknown consent purpose or cookie category {key!r}",
                    field="consent_validity_months",
                )
            if not isinstance(months, int) or months < 1:
                raise InputRefused(
                    f"the validity of {key!r} must be a whole number of months, at least 1",
                    field="consent_validity_months",
                )
        return cls(MappingProxyType(dict(overrides)))

    def months_for(self, key: str) -> int:
        default = self.cookie_months if key.startswith(COOKIE_PREFIX) else self.purpose_months
        return self.months.get(key, default)

    def lapses_at(self, key: str, given_at: datetime) -> datetime:
        """When a consent to ``key`` given at ``given_at`` stops counting (the date of its
        ``expired`` event)."""
        return add_months(given_at, self.months_for(key))

    def given_before(self, key: str, as_of: datetime) -> datetime:
        """The cutoff: a consent to ``key`` given at or before this has lapsed by ``as_of``
        (the gate, the sweep and marketing selection all use it)."""
        return add_months(as_of, -self.months_for(key))

    def lapsed(self, key: str, given_at: datetime, as_of: datetime) -> bool:
        return given_at <= self.given_before(key, as_of)
