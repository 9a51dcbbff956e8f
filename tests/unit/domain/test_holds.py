"""Legal holds as the sweep sees them (R2, R6): which people, organisations and tables a
hold covers, when it lapses, and which evidence hold moves a person's data to the vault."""

from __future__ import annotations

from datetime import date

from varna.domain.retention.holds import (
    EVIDENCE,
    LEGAL_HOLD,
    HeldScopes,
    HoldScope,
    evidence_hold_for,
    scopes,
    split,
)

REVIEW = date(2026, 6, 30)


def hold(
    id: int,
    scope: str,
    *,
    kind: str = LEGAL_HOLD,
    person: int | None = None,
    organisation: int | None = None,
    table: str | None = None,
    review: date = REVIEW,
) -> HoldScope:
    return HoldScope(id, kind, review, scope, person, organisation, table)


HOLDS = [
    hold(1, "person", person=7),
    hold(2, "organisation", organisation=3),
    hold(3, "table", table="invoices"),
    hold(4, "person", kind=EVIDENCE, person=8),
    hold(5, "organisation", kind=EVIDENCE, organisation=4),
    hold(6, "person", person=None),  # a person hold whose person is gone: covers nobody
    hold(7, "table", table=None),
]


def test_r2_a_hold_covers_only_its_own_scope_and_kind() -> None:
    """R2: a legal hold keeps its person, organisation or table; an evidence hold is not a
    legal hold (its data moves to the vault instead of staying)."""
    legal = scopes(HOLDS, LEGAL_HOLD)
    assert legal == HeldScopes(frozenset({7}), frozenset({3}), frozenset({"invoices"}))
    assert legal.covers_table("invoices") and not legal.covers_table("payments")
    assert not legal.empty
    evidence = scopes(HOLDS, EVIDENCE)
    assert evidence == HeldScopes(frozenset({8}), frozenset({4}), frozenset())


def test_r2_no_holds_cover_nothing() -> None:
    assert scopes([], LEGAL_HOLD).empty
    assert scopes([hold(1, "person", person=None)], LEGAL_HOLD).empty


def test_r2_a_hold_stands_through_its_review_date_and_lapses_the_day_after() -> None:
    """R2: re-approval moves the review date; without it, the day after the hold lapses."""
    holds = [hold(1, "person", person=7), hold(2, "person", person=8, review=date(2026, 7, 1))]
    assert split(holds, REVIEW) == (holds, [])
    assert split(holds, date(2026, 7, 1)) == ([holds[1]], [holds[0]])
    assert split(holds, date(2026, 7, 2)) == ([], holds)


def test_r6_the_evidence_hold_of_a_person_or_their_organisation() -> None:
    """R6: a person's own evidence hold, or their organisation's; the latest review wins."""
    later = hold(9, "person", kind=EVIDENCE, person=8, review=date(2027, 1, 1))
    holds = [*HOLDS, later]
    assert evidence_hold_for(holds, person_id=8, organisation_id=None) == later
    assert evidence_hold_for(holds, person_id=None, organisation_id=4) == HOLDS[4]
    assert evidence_hold_for(holds, person_id=99, organisation_id=4) == HOLDS[4]
    assert evidence_hold_for(holds, person_id=8, organisation_id=4) == later


def test_r6_a_legal_hold_is_no_evidence_hold() -> None:
    """R6: a person under a plain legal hold has no evidence hold (their data stays put)."""
    assert evidence_hold_for(HOLDS, person_id=7, organisation_id=3) is None
    assert evidence_hold_for(HOLDS, person_id=None, organisation_id=None) is None
