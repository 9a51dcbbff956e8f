"""Recording a legitimate-interest decision (R3, R-RET-07) and re-approving a legal hold at
review (R-RET-06), each in one transaction with its audit event."""

from __future__ import annotations

from datetime import date

from varna.catalog import Catalog
from varna.domain.errors import VarnaError
from varna.domain.retention.interest import check_decision
from varna.services.ports import AuditEvent, Clock
from varna.services.retention.ports import RetentionUnitOfWork


class HoldNotFound(VarnaError, LookupError):
    pass


def decide_legitimate_interest(
    uow: RetentionUnitOfWork,
    catalog: Catalog,
    *,
    category: str,
    reason: str,
    end_date: date | None,
    actor: str,
    clock: Clock,
) -> int:
    now = clock.now()
    until = check_decision(
        catalog, category=category, reason=reason, end_date=end_date, decided_on=now.date()
    )
    with uow:
        decision_id = uow.retention.add_interest_decision(
            category=category, reason=reason.strip(), end_date=until, decided_by=actor, at=now
        )
        uow.audit.record(
            AuditEvent(
                actor,
                "retention.interest_decided",
                f"li_decision:{decision_id}",
                {"category": category, "end_date": until.isoformat()},
            ),
            at=now,
        )
        uow.commit()
    return decision_id


def reapprove_hold(
    uow: RetentionUnitOfWork, hold_id: int, *, review_date: date, actor: str, clock: Clock
) -> None:
    now = clock.now()
    with uow:
        if not uow.retention.reapprove_hold(hold_id, review_date):
            raise HoldNotFound(f"no active legal hold {hold_id}")
        uow.audit.record(
            AuditEvent(
                actor,
                "retention.hold_reapproved",
                f"legal_hold:{hold_id}",
                {"review_date": review_date.isoformat()},
            ),
            at=now,
        )
        uow.commit()
