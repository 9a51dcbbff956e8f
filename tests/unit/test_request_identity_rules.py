"""The identity rule of a request, without a database (D1, D4, G3; GDPR Art. 12(6)): typed
identifiers may confirm or narrow the people the confirmed e-mail address proves, never
widen them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from varna.domain.requests.identity import NEEDS_CHECKING_REASON, IdentityDecision, decide

PEOPLE = st.frozensets(st.integers(min_value=1, max_value=6), max_size=4)


def test_d1_without_typed_identifiers_the_proof_decides() -> None:
    """D1: the proven people, or nobody (an extract saying nothing is held)."""
    assert decide({1}, []) == IdentityDecision(frozenset({1}))
    assert decide((), []) == IdentityDecision(frozenset())


def test_d1_typed_identifiers_confirm_or_narrow() -> None:
    """D1: the person's own identifier confirms; one naming some of the proven people narrows."""
    assert decide({1}, [{1}, {1}]) == IdentityDecision(frozenset({1}))
    assert decide({1, 2}, [{2}]) == IdentityDecision(frozenset({2}), narrowed=True)


def test_d1_d4_a_stranger_nobody_or_a_conflict_needs_checking() -> None:
    """D1, D4: a stranger's identifier, nobody's, one shared with a stranger, or two that
    point at different proven people: staff check the identity first."""
    for proven, typed in [
        ({1}, [{2}]),  # a stranger's
        ((), [{2}]),  # a stranger's, from an address that reaches nobody
        ({1}, [set()]),  # nobody's
        ((), [set()]),  # nobody's, from an address that reaches nobody
        ({1}, [{1, 2}]),  # shared with a stranger
        ({1, 2}, [{1}, {2}]),  # different proven people
    ]:
        assert decide(proven, typed).needs_checking, (proven, typed)


def test_g3_the_reason_names_no_one() -> None:
    """G3: the reason staff see is one fixed text, the same for every cause."""
    assert "@" not in NEEDS_CHECKING_REASON and not any(c.isdigit() for c in NEEDS_CHECKING_REASON)


@given(proven=PEOPLE, typed=st.lists(PEOPLE, max_size=3))
def test_d1_d4_a_decision_never_widens(proven: frozenset[int], typed: list[frozenset[int]]) -> None:
    """D1, D4: whatever is typed, the request acts on proven people only, on all of them when
    nothing is typed, and waits whenever a typed identifier reaches someone unproven."""
    decision = decide(proven, typed)
    if decision.people is not None:
        assert decision.people <= proven
        assert all(decision.people <= t for t in typed)
    if not typed:
        assert decision.people == proven
    if any(not t or not t <= proven for t in typed):
        assert decision.needs_checking
