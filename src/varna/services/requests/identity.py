"""Whose data a verified request acts on (D1, D4, G3; GDPR Art. 12(6)), and the staff decision
on a request whose identity needs checking.

The proof (``IdentityProof``) gives the keys the request may act on; the identifiers the
person typed besides are resolved to people too, and the rule in ``domain.requests.identity``
decides: act on the proven people (narrowed by the typed identifiers), or wait for staff.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.requests.identity import (
    IDENTITY,
    NEEDS_CHECKING_REASON,
    IdentityDecision,
    IdentityStatus,
    decide,
)
from varna.domain.requests.kinds import RequestState
from varna.domain.subjects.keys import SIM_KINDS, IdentifierKind, SubjectKey
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.intake import EXECUTE_TASK
from varna.services.requests.ports import IdentityProof, RequestRecord, RequestUnitOfWork
from varna.services.subjects.common import resolve
from varna.services.subjects.ports import SubjectUnitOfWork

# Identifiers a person may type that name a person; SIM identifiers (``SIM_KINDS``) route the
# request (A3).
# Any other typed identifier cannot be checked against the proof, so it needs checking too.
TYPED_PERSONAL_KINDS = (IdentifierKind.PHONE, IdentifierKind.PERSONNUMMER)


class EmailCodeProof:
    """The one-time code mailed to the request's address proves that address, once the
    request is verified; nothing else."""

    def proven_keys(self, record: RequestRecord) -> tuple[SubjectKey, ...]:
        if record.verified_at is None:
            return ()
        return (SubjectKey(IdentifierKind.EMAIL, record.email),)


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    decision: IdentityDecision
    keys: tuple[SubjectKey, ...]  # what the request acts on; empty when it needs checking


def typed_keys(record: RequestRecord) -> tuple[SubjectKey, ...]:
    """The identifiers the person typed that are not a SIM's."""
    return tuple(
        SubjectKey(IdentifierKind(kind), value)
        for kind, value in sorted(record.identifiers.items())
        if kind not in SIM_KINDS
    )


def identity_of(outcome: Mapping[str, Any] | None) -> str | None:
    """The identity status stored with a request (``IdentityStatus`` value), or None."""
    status = ((outcome or {}).get(IDENTITY) or {}).get("status")
    return str(status) if status else None


def check_identity(
    uow: SubjectUnitOfWork,
    record: RequestRecord,
    proof: IdentityProof,
    *,
    secret: bytes,
    typed: Sequence[SubjectKey] | None = None,
) -> IdentityCheck:
    """Resolve the proven keys and each typed identifier to people (in the caller's
    transaction) and decide; ``typed`` defaults to the identifiers on the request."""
    proven_keys = proof.proven_keys(record)
    typed = typed_keys(record) if typed is None else typed
    proven = resolve(uow, proven_keys, secret=secret).person_ids if proven_keys else ()
    found = [
        resolve(uow, [key], secret=secret).person_ids if key.kind in TYPED_PERSONAL_KINDS else ()
        for key in typed
    ]  # an identifier that cannot be checked resolves to nobody the proof reaches
    decision = decide(proven, found)
    if decision.people is None:
        return IdentityCheck(decision, ())
    if decision.narrowed:  # some of the proven people: name them by id, nothing else
        keys = tuple(SubjectKey(IdentifierKind.PERSON_ID, str(p)) for p in sorted(decision.people))
        return IdentityCheck(decision, keys)
    return IdentityCheck(decision, proven_keys)


def needs_checking_outcome(outcome: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        **(outcome or {}),
        IDENTITY: {"status": IdentityStatus.NEEDS_CHECKING.value, "reason": NEEDS_CHECKING_REASON},
    }


class IdentityNotWaiting(VarnaError):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"request {request_id} is not waiting for an identity check")


def run_for_proven_person(
    ctx: ServiceContext[RequestUnitOfWork], request_id: int, *, actor: str
) -> str:
    """Staff, having checked the person's identity by other means: run the request for the
    person the confirmed e-mail address proves, and for no one the typed identifiers name.
    One transaction with the timeline event, the audit event and the job. Returns the state."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        record = uow.requests.get(request_id)
        if record is None or identity_of(record.outcome) != IdentityStatus.NEEDS_CHECKING:
            raise IdentityNotWaiting(request_id)
        outcome = dict(record.outcome or {})
        outcome[IDENTITY] = {"status": IdentityStatus.CONFIRMED_BY_STAFF.value, "by": actor}
        moved = uow.requests.change_state(
            request_id,
            from_states=[record.state],
            to_state=record.state,
            actor=actor,
            at=now,
            note="identity checked by staff: run for the confirmed e-mail address only",
            fields={"outcome": outcome},
        )
        if not moved:
            raise IdentityNotWaiting(request_id)
        uow.jobs.enqueue(
            EXECUTE_TASK, f"execute:{request_id}:identity-checked", request_id=request_id, at=now
        )
        uow.audit.record(
            AuditEvent(actor, AuditAction.REQUEST_IDENTITY_CHECKED, f"request:{request_id}", {}),
            at=now,
        )
        uow.commit()
    return RequestState(record.state).value
