"""The state machine of a request and the decision a refusal needs (R-DSR-02)."""

from __future__ import annotations

import pytest

from varna.domain.requests.kinds import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    RefusalGround,
    RequestState,
)
from varna.domain.requests.lifecycle import (
    RefusalNeedsDecision,
    TransitionRefused,
    check_refusal,
    check_transition,
)


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
@pytest.mark.parametrize("target", sorted(RequestState))
def test_a_final_state_is_final(final: RequestState, target: RequestState) -> None:
    with pytest.raises(TransitionRefused, match=f"{final.value} cannot become {target.value}"):
        check_transition(final, target)


@pytest.mark.parametrize("target", sorted(set(RequestState) - {RequestState.VERIFIED}))
def test_d1_nothing_happens_to_a_request_before_it_is_verified(target: RequestState) -> None:
    """D1: an unverified request can only be verified: not answered, refused or forwarded."""
    with pytest.raises(TransitionRefused):
        check_transition(RequestState.RECEIVED, target)


def test_every_open_state_can_still_reach_an_answer() -> None:
    for state in OPEN_STATES - {RequestState.RECEIVED}:
        assert RequestState.COMPLETED in TRANSITIONS[state]
        assert RequestState.REFUSED in TRANSITIONS[state]
    assert set(TRANSITIONS) == set(RequestState)


def test_an_extension_is_given_once() -> None:
    """An extended request cannot be extended again (at most two further months in all)."""
    with pytest.raises(TransitionRefused):
        check_transition("extended", "extended")
    assert check_transition("in_progress", "extended") is RequestState.EXTENDED
    assert check_transition("extended", "in_progress") is RequestState.IN_PROGRESS


def test_a3_a_verified_request_can_be_forwarded_to_the_controller() -> None:
    assert check_transition("verified", "forwarded") is RequestState.FORWARDED


@pytest.mark.parametrize("ground", sorted(RefusalGround))
def test_every_ground_is_accepted_with_a_reason(ground: RefusalGround) -> None:
    assert check_refusal(ground.value, "the same request every day") is ground


def test_a_refusal_without_a_ground_names_the_grounds_allowed() -> None:
    with pytest.raises(RefusalNeedsDecision) as refused:
        check_refusal("", "because")
    for ground in RefusalGround:
        assert ground.value in str(refused.value)
    with pytest.raises(RefusalNeedsDecision, match="reasons"):
        check_refusal("excessive", None)
