"""Objection (Art. 21; D5, D8). To a purpose on legitimate interests: the purpose stops for the
person unless an overriding reason is recorded. To direct marketing: absolute and immediate; a
suppression entry keeps only a keyed hash of the e-mail address. :func:`purpose_stopped` and
:func:`may_send_marketing` are the checks later processing paths ask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from varna.catalog import LegalBasis
from varna.domain.audit import AuditAction
from varna.domain.scan import SpecialPolicy
from varna.domain.subjects.keys import SubjectKey, keyed_hash
from varna.services.ports import AuditEvent
from varna.services.subjects.common import SubjectContext, SubjectRefused, resolve
from varna.services.subjects.ports import SubjectUnitOfWork
from varna.services.subjects.restrict import is_restricted
from varna.services.text_guard import DEFAULT_POLICY, guard_or_refuse, record_guarded

MARKETING_PURPOSES = frozenset({"direct_marketing", "newsletter"})
TABLE = "objections"


@dataclass(frozen=True, slots=True)
class ObjectionResult:
    person_ids: tuple[int, ...]
    objection_ids: tuple[int, ...]
    suppressed: int
    stopped: bool


def object_to(
    ctx: SubjectContext,
    keys: Sequence[SubjectKey],
    *,
    purpose: str,
    overriding_reason: str | None = None,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> ObjectionResult:
    """Record the objection; an overriding reason passes the intake guard first (C2, C3)."""
    secret = ctx.secret
    declared = ctx.catalog.purpose(purpose)
    marketing = purpose in MARKETING_PURPOSES
    if not marketing and declared.legal_basis is not LegalBasis.LEGITIMATE_INTERESTS:
        raise SubjectRefused(
            f"the purpose {purpose} rests on {declared.legal_basis.value}: an objection applies "
            "to legitimate interests (Art. 21(1)) and to direct marketing (21(2)); "
            "withdraw a consent instead (D6)"
        )
    if marketing and overriding_reason:
        raise SubjectRefused("an objection to direct marketing is absolute (Art. 21(3))")
    now = ctx.clock.now()
    uow = ctx.uow()
    guarded = guard_or_refuse(
        uow,
        overriding_reason,
        table=TABLE,
        field="overriding_reason",
        actor=actor,
        at=now,
        policy=special_policy,
        today=now.date(),
    )
    overriding_reason = None if guarded is None else guarded.text
    with uow:
        scope = resolve(uow, keys, secret=secret)
        if not scope.person_ids and not (marketing and scope.values.get("email")):
            raise SubjectRefused("no person matches the identifiers given; nothing was recorded")
        ids = tuple(
            uow.rights.add_objection(p, purpose, now, overriding_reason) for p in scope.person_ids
        )
        events = record_guarded(uow, guarded, TABLE, ids, actor=actor, at=now)
        suppressed = 0
        if marketing:
            for address in scope.values.get("email", ()):
                uow.rights.suppress(keyed_hash(address, secret))
                suppressed += 1
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.SUBJECT_OBJECT,
                ",".join(f"person:{p}" for p in scope.person_ids)[:120] or None,
                {
                    "purpose": purpose,
                    "objection_ids": list(ids),
                    "suppressed": suppressed,
                    "overriding_reason_recorded": bool(overriding_reason),
                    **({"privacy_events": events} if events else {}),
                },
            ),
            at=now,
        )
        uow.commit()
    return ObjectionResult(scope.person_ids, ids, suppressed, not overriding_reason)


def purpose_stopped(uow: SubjectUnitOfWork, person_id: int, purpose: str) -> bool:
    """True when ``purpose`` may not run for the person: restricted, or objected to without a
    recorded overriding reason (marketing objections have none)."""
    if is_restricted(uow, person_id):
        return True
    return any(
        o.purpose == purpose and (o.overriding_reason is None or purpose in MARKETING_PURPOSES)
        for o in uow.rights.objections(person_id)
    )


def may_send_marketing(
    uow: SubjectUnitOfWork, email_address: str, *, secret: bytes, person_id: int | None = None
) -> bool:
    """The check before any marketing send: not on the suppression list, not restricted."""
    if uow.rights.is_suppressed(keyed_hash(email_address, secret)):
        return False
    return person_id is None or not purpose_stopped(uow, person_id, "direct_marketing")


def record_overriding_reason(
    ctx: SubjectContext,
    objection_id: int,
    *,
    person_id: int,
    reason: str,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> None:
    """Staff records compelling legitimate grounds that override an objection (Art. 21(1));
    the reason passes the intake guard first (C2, C3)."""
    now = ctx.clock.now()
    uow = ctx.uow()
    guarded = guard_or_refuse(
        uow,
        reason,
        table=TABLE,
        field="reason",
        actor=actor,
        at=now,
        policy=special_policy,
        today=now.date(),
    )
    with uow:
        objection = next(
            (o for o in uow.rights.objections(person_id) if o.id == objection_id), None
        )
        if objection is None:
            raise SubjectRefused(f"objection {objection_id} is not one of person {person_id}")
        if objection.purpose in MARKETING_PURPOSES:
            raise SubjectRefused("an objection to direct marketing cannot be overridden")
        uow.rights.record_overriding_reason(objection_id, guarded.text if guarded else reason, now)
        events = record_guarded(uow, guarded, TABLE, [objection_id], actor=actor, at=now)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.SUBJECT_OBJECTION_OVERRIDDEN,
                f"objection:{objection_id}",
                {"privacy_events": events} if events else {},
            ),
            at=now,
        )
        uow.commit()
