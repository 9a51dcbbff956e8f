"""State changes of a request and the decisions they need."""

from __future__ import annotations

from varna.domain.errors import VarnaError
from varna.domain.requests.kinds import TRANSITIONS, RefusalGround, RequestState


class TransitionRefused(VarnaError):
    """A state change that the state machine does not allow."""


class RefusalNeedsDecision(VarnaError):
    """A refusal or fee without a recorded ground and reason (Art. 12(5), R-DSR-02)."""


def check_transition(current: RequestState | str, target: RequestState | str) -> RequestState:
    source, goal = RequestState(current), RequestState(target)
    if goal not in TRANSITIONS[source]:
        raise TransitionRefused(f"a request that is {source.value} cannot become {goal.value}")
    return goal


def check_refusal(ground: str | None, reason: str | None) -> RefusalGround:
    """Only a human decision with a named ground and a reason refuses a request."""
    try:
        parsed = RefusalGround(ground or "")
    except ValueError:
        allowed = ", ".join(g.value for g in RefusalGround)
        raise RefusalNeedsDecision(f"a refusal needs one of the grounds: {allowed}") from None
    if not (reason or "").strip():
        raise RefusalNeedsDecision("a refusal needs the reasons that the person is told")
    return parsed
