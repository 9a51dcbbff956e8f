"""What a person may ask for, and the states a request passes through."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    ACCESS = "access"  # D1, Art. 15
    PORTABILITY = "portability"  # D2, Art. 20
    RECTIFICATION = "rectification"  # D3, Art. 16
    RESTRICTION = "restriction"  # D3, Art. 18
    ERASURE = "erasure"  # D4, Art. 17
    OBJECTION = "objection"  # D5, Art. 21(1)
    CONSENT_WITHDRAWAL = "consent_withdrawal"  # D6, Art. 7(3)
    MARKETING_OBJECTION = "marketing_objection"  # D8, Art. 21(2)-(3), 22


class RequestState(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    COMPLETED = "completed"
    REFUSED = "refused"
    FORWARDED = "forwarded"


FINAL_STATES = frozenset({RequestState.COMPLETED, RequestState.REFUSED, RequestState.FORWARDED})
OPEN_STATES = frozenset(RequestState) - FINAL_STATES

# Which state may follow which. A request is forwarded (A3) once it is verified; a refusal and
# an extension are staff decisions on a verified request.
TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    RequestState.RECEIVED: frozenset({RequestState.VERIFIED}),
    RequestState.VERIFIED: frozenset(
        {
            RequestState.IN_PROGRESS,
            RequestState.EXTENDED,
            RequestState.REFUSED,
            RequestState.FORWARDED,
            RequestState.COMPLETED,
        }
    ),
    RequestState.IN_PROGRESS: frozenset(
        {
            RequestState.EXTENDED,
            RequestState.COMPLETED,
            RequestState.REFUSED,
            RequestState.FORWARDED,
        }
    ),
    RequestState.EXTENDED: frozenset(
        {
            RequestState.IN_PROGRESS,
            RequestState.COMPLETED,
            RequestState.REFUSED,
            RequestState.FORWARDED,
        }
    ),
    RequestState.COMPLETED: frozenset(),
    RequestState.REFUSED: frozenset(),
    RequestState.FORWARDED: frozenset(),
}


class RefusalGround(StrEnum):
    """The only grounds on which a request may be refused or cost a fee (Art. 12(5), 15(3)),
    or refused because the person's identity could not be confirmed (Art. 11(2), 12(2), 12(6))."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    EXCESSIVE = "excessive"
    FURTHER_COPY = "further_copy"  # a fee for a further copy, never a refusal of the first
    IDENTITY_NOT_CONFIRMED = "identity_not_confirmed"  # after the identity check (Art. 12(6))
