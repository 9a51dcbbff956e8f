"""Restriction of processing (Art. 18, D3): a flag that stops every processing of the person
except storage. :func:`is_restricted` is the one central check that marketing sends, analytics
and disclosures to recipients ask before they run. Lifting it queues a notice to the person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from varna.domain.audit import AuditAction
from varna.domain.scan import GuardResult, SpecialPolicy
from varna.domain.subjects.keys import SubjectKey
from varna.services.notices.deliver import wake_delivery
from varna.services.ports import AuditEvent
from varna.services.subjects.common import SubjectContext, SubjectRefused, resolve
from varna.services.subjects.ports import SubjectUnitOfWork
from varna.services.text_guard import DEFAULT_POLICY, guard_or_refuse, record_guarded

TABLE = "restrictions"


@dataclass(frozen=True, slots=True)
class RestrictionResult:
    person_ids: tuple[int, ...]
    restriction_ids: tuple[int, ...]
    notices: int


def is_restricted(uow: SubjectUnitOfWork, person_id: int) -> bool:
    """True while the person's processing is restricted: only storage may go on (D3)."""
    return uow.rights.active_restriction(person_id) is not None


def restrict(
    ctx: SubjectContext,
    keys: Sequence[SubjectKey],
    *,
    reason: str,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> RestrictionResult:
    """Restrict; the reason passes the intake guard first (C2, C3)."""
    now = ctx.clock.now()
    uow = ctx.uow()
    guarded = _guarded(uow, reason, actor=actor, at=now, policy=special_policy)
    with uow:
        people = _people(uow, keys, ctx.secret)
        ids = tuple(uow.rights.restrict(p, guarded.text, now) for p in people)
        events = record_guarded(uow, guarded, TABLE, ids, actor=actor, at=now)
        notices = 0
        for recipient, persons in uow.rights.recipients_of(people).items():
            for person_id in persons:  # Art. 19: recipients are told of the restriction
                notices += uow.rights.enqueue(
                    kind="art19_restriction",
                    dedupe_key=f"art19_restriction:{recipient}:{person_id}:{ids[people.index(person_id)]}",
                    recipient=recipient,
                    person_id=person_id,
                    details={"person_id": person_id},
                    at=now,
                )
        if notices:
            wake_delivery(uow.jobs, f"restriction:{ids[0]}", at=now)
        for person_id, restriction_id in zip(people, ids, strict=True):
            uow.audit.record(
                AuditEvent(
                    actor,
                    AuditAction.SUBJECT_RESTRICT,
                    f"person:{person_id}",
                    {
                        "restriction_id": restriction_id,
                        **({"privacy_events": events} if events else {}),
                    },
                ),
                at=now,
            )
        uow.commit()
    return RestrictionResult(tuple(people), ids, notices)


def unrestrict(
    ctx: SubjectContext,
    keys: Sequence[SubjectKey],
    *,
    reason: str,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> RestrictionResult:
    """Lift the restriction; the person is told (a notice in the outbox), as Art. 18(3) asks.
    The reason passes the intake guard first (C2, C3)."""
    now = ctx.clock.now()
    uow = ctx.uow()
    guarded = _guarded(uow, reason, actor=actor, at=now, policy=special_policy)
    with uow:
        people = _people(uow, keys, ctx.secret)
        lifted: list[int] = []
        notices = 0
        for person_id in people:
            restriction_id = uow.rights.lift(person_id, guarded.text, now)
            if restriction_id is None:
                continue
            lifted.append(restriction_id)
            events = record_guarded(uow, guarded, TABLE, [restriction_id], actor=actor, at=now)
            notices += uow.rights.enqueue(
                kind="restriction_lifted",
                dedupe_key=f"restriction_lifted:{restriction_id}",
                person_id=person_id,
                details={"restriction_id": restriction_id},
                at=now,
            )
            wake_delivery(uow.jobs, f"restriction_lifted:{restriction_id}", at=now)
            uow.audit.record(
                AuditEvent(
                    actor,
                    AuditAction.SUBJECT_UNRESTRICT,
                    f"person:{person_id}",
                    {
                        "restriction_id": restriction_id,
                        **({"privacy_events": events} if events else {}),
                    },
                ),
                at=now,
            )
        uow.commit()
    return RestrictionResult(tuple(people), tuple(lifted), notices)


def _guarded(
    uow: SubjectUnitOfWork, reason: str, *, actor: str, at: datetime, policy: SpecialPolicy
) -> GuardResult:
    """The reason as the guard leaves it (C2, C3); InputRefused (field reason) when refused."""
    guarded = guard_or_refuse(
        uow, reason, table=TABLE, field="reason", actor=actor, at=at, policy=policy, today=at.date()
    )
    return guarded or GuardResult(reason, (), ())


def _people(uow: SubjectUnitOfWork, keys: Sequence[SubjectKey], secret: bytes) -> list[int]:
    scope = resolve(uow, keys, secret=secret)
    if not scope.person_ids:
        raise SubjectRefused("no person matches the identifiers given; nothing was restricted")
    return list(scope.person_ids)
