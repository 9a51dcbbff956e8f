"""Legal holds as the sweep sees them (R2, R6, R-RET-06, R-RET-08).

A hold (reason, reference, owner, review date; kept by the subject engine's ``legal_holds``
table) suspends the sweep for the person, organisation or table it names. A hold is re-approved
by moving its review date forward; one whose review date has passed without that lapses: the
sweep releases it and its data becomes due. An ``evidence`` hold does not keep data in place:
on its due date the data moves to the evidence vault (R6) and leaves the operational tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

LEGAL_HOLD = "legal_hold"
EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class HoldScope:
    id: int
    kind: str  # legal_hold | evidence
    review_date: date
    scope: str  # person | organisation | table
    person_id: int | None
    organisation_id: int | None
    scope_table: str | None

    def lapsed(self, as_of: date) -> bool:
        """Past its review date without re-approval: released by the sweep."""
        return self.review_date < as_of


@dataclass(frozen=True, slots=True)
class HeldScopes:
    """The ids and tables the active holds of one kind cover."""

    person_ids: frozenset[int]
    organisation_ids: frozenset[int]
    tables: frozenset[str]

    def covers_table(self, table: str) -> bool:
        return table in self.tables

    @property
    def empty(self) -> bool:
        return not (self.person_ids or self.organisation_ids or self.tables)


def split(holds: Iterable[HoldScope], as_of: date) -> tuple[list[HoldScope], list[HoldScope]]:
    """(active, lapsed) holds on ``as_of``."""
    active: list[HoldScope] = []
    lapsed: list[HoldScope] = []
    for hold in holds:
        (lapsed if hold.lapsed(as_of) else active).append(hold)
    return active, lapsed


def scopes(holds: Iterable[HoldScope], kind: str) -> HeldScopes:
    chosen = [hold for hold in holds if hold.kind == kind]
    return HeldScopes(
        person_ids=frozenset(
            h.person_id for h in chosen if h.scope == "person" and h.person_id is not None
        ),
        organisation_ids=frozenset(
            h.organisation_id
            for h in chosen
            if h.scope == "organisation" and h.organisation_id is not None
        ),
        tables=frozenset(h.scope_table for h in chosen if h.scope == "table" and h.scope_table),
    )


def evidence_hold_for(
    holds: Iterable[HoldScope], *, person_id: int | None, organisation_id: int | None
) -> HoldScope | None:
    """The evidence hold that covers a person or an organisation, if any (the latest review)."""
    found = [
        h
        for h in holds
        if h.kind == EVIDENCE
        and (
            (h.scope == "person" and person_id is not None and h.person_id == person_id)
            or (
                h.scope == "organisation"
                and organisation_id is not None
                and h.organisation_id == organisation_id
            )
        )
    ]
    return max(found, key=lambda h: h.review_date) if found else None
