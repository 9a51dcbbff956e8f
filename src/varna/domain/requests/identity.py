"""Whose data a request may act on (D1, D4, G3; GDPR Art. 12(6)).

A request acts only on the people its *proven* identifiers resolve to (today the e-mail
address confirmed with the one-time code). Every other identifier the person typed may
confirm or narrow that set, never widen it: when one belongs to someone else, to nobody the
proof reaches, or to nobody at all, the request waits for staff to check the person's identity
by other means. The person is told the same words whatever the cause, so the answer says
nothing about whose identifier it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# The outcome key that holds the identity check of a request.
IDENTITY = "identity"
# Said to staff (queue, timeline, CLI); names no person and no identifier value.
NEEDS_CHECKING_REASON = (
    "an identifier given with the request does not belong to the person of the confirmed "
    "e-mail address, or could not be matched to them; check the person's identity by other "
    "means, then run the request for the confirmed e-mail address only, or refuse it"
)


class IdentityStatus(StrEnum):
    NEEDS_CHECKING = "needs_checking"  # waits for staff
    CONFIRMED_BY_STAFF = "confirmed_by_staff"  # staff: run it for the proven person only


@dataclass(frozen=True, slots=True)
class IdentityDecision:
    """``people`` is whom the request acts on; None when staff must check the identity first.
    ``narrowed`` is set when the typed identifiers picked some of the proven people."""

    people: frozenset[int] | None
    narrowed: bool = False

    @property
    def needs_checking(self) -> bool:
        return self.people is None


def decide(proven: Iterable[int], typed: Iterable[Iterable[int]]) -> IdentityDecision:
    """``proven``: the people the proven identifiers resolve to; ``typed``: for each further
    identifier the person gave, the people it resolves to.

    Without typed identifiers the request acts on the proven people (none, when the proof
    reaches nobody: an extract saying nothing is held). With them, each must resolve to some
    of the proven people and to no one else; the request then acts on the people all of them
    share. Anything else (a stranger, nobody, identifiers that point at different proven
    people) needs checking.
    """
    people = frozenset(proven)
    target = people
    for found in typed:
        matched = frozenset(found)
        if not matched or not matched <= people:
            return IdentityDecision(None)
        target &= matched
    if not target and people:
        return IdentityDecision(None)
    return IdentityDecision(target, narrowed=target != people)
