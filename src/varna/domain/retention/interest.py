"""Keeping data on legitimate interest (R3, R-RET-07): an explicit, recorded decision per data
category with a reason and an end date. A category without a standing decision cannot keep
data on that ground: the sweep treats its data as due."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from varna.catalog.model import Catalog, Period, PeriodUnit
from varna.domain.errors import VarnaError

# The longest a decision may keep data: the limitation period for claims between businesses
# (Preskriptionslag 2 §, docs/legal.md limitation.b2b).
MAX_KEEPING = Period(10, PeriodUnit.YEARS)
MIN_REASON_LENGTH = 20


class DecisionRefused(VarnaError):
    """A legitimate-interest decision is incomplete; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class InterestDecision:
    id: int
    category: str
    reason: str
    end_date: date
    decided_on: date
    revoked: bool = False

    def stands(self, as_of: date) -> bool:
        return not self.revoked and self.decided_on <= as_of <= self.end_date


def check_decision(
    catalog: Catalog, *, category: str, reason: str, end_date: date | None, decided_on: date
) -> date:
    """Refuse a decision without a known category, a reason or an end date within the limit;
    return the end date."""
    if category not in catalog.categories:
        raise DecisionRefused(f"unknown data category {category!r}: use a catalogue category id")
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise DecisionRefused(
            f"give the reason (the security or economic interest), at least "
            f"{MIN_REASON_LENGTH} characters"
        )
    if end_date is None:
        raise DecisionRefused("a decision to keep data on legitimate interest needs an end date")
    if end_date <= decided_on:
        raise DecisionRefused("the end date must be after the day of the decision")
    limit = MAX_KEEPING.after(decided_on)
    if end_date > limit:
        raise DecisionRefused(f"the end date may be at most {limit.isoformat()} ({MAX_KEEPING})")
    return end_date


def keeping_decision(
    categories: Iterable[str], decisions: Iterable[InterestDecision], as_of: date
) -> InterestDecision | None:
    """The standing decision that keeps any of ``categories`` on ``as_of``, else None."""
    wanted = set(categories)
    standing = [d for d in decisions if d.category in wanted and d.stands(as_of)]
    return max(standing, key=lambda d: d.end_date) if standing else None
