"""Recording a legitimate-interest decision (R3, R-RET-07) and re-approving a legal hold at
review (R-RET-06), each in one transaction with its audit event."""

from __future__ import annotations

from datetime import date

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.retention.interest import check_decision
from varna.domain.scan import SpecialPolicy
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.retention.ports import RetentionUnitOfWork
from varna.services.text_guard import DEFAULT_POLICY, guard_or_refuse, record_guarded

TABLE = "legitimate_interest_decisions"


class HoldNotFound(VarnaError, LookupError):
    pass


def decide_legitimate_interest(
    ctx: ServiceContext[RetentionUnitOfWork],
    *,
    category: str,
    reason: str,
    end_date: date | None,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> int:
    """Record the decision; its reason passes the intake guard first (C2, C3)."""
    uow = ctx.uow()
    now = ctx.clock.now()
    until = check_decision(
        ctx.catalog, category=category, reason=reason, end_date=end_date, decided_on=now.date()
    )
    guarded = guard_or_refuse(
        uow,
        reason.strip(),
        table=TABLE,
        field="reason",
        actor=actor,
        at=now,
        policy=special_policy,
        today=now.date(),
    )
    with uow:
        decision_id = uow.retention.add_interest_decision(
            category=category,
            reason=guarded.text if guarded else reason.strip(),
            end_date=until,
            decided_by=actor,
            at=now,
        )
        events = record_guarded(uow, guarded, TABLE, [decision_id], actor=actor, at=now)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.RETENTION_INTEREST_DECIDED,
                f"li_decision:{decision_id}",
                {
                    "category": category,
                    "end_date": until.isoformat(),
                    **({"privacy_events": events} if events else {}),
                },
            ),
            at=now,
        )
        uow.commit()
    return decision_id


def reapprove_hold(
    ctx: ServiceContext[RetentionUnitOfWork], hold_id: int, *, review_date: date, actor: str
) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if not uow.retention.reapprove_hold(hold_id, review_date):
            raise HoldNotFound(f"no active legal hold {hold_id}")
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.RETENTION_HOLD_REAPPROVED,
                f"legal_hold:{hold_id}",
                {"review_date": review_date.isoformat()},
            ),
            at=now,
        )
        uow.commit()
