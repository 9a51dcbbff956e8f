"""Opening a request's case page in the console: a read of personal data, audited (A1): who
opened which request, never what it holds."""

from __future__ import annotations

from varna.domain.audit import AuditAction
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.ports import RequestEvent, RequestRecord, RequestUnitOfWork


def open_case(
    ctx: ServiceContext[RequestUnitOfWork], request_id: int, *, actor: str
) -> tuple[RequestRecord | None, list[RequestEvent]]:
    """The request and its history, with a ``request.viewed`` entry in the same transaction;
    nothing is recorded for a request that does not exist."""
    with ctx.uow() as uow:
        record = uow.requests.get(request_id)
        if record is None:
            return None, []
        events = uow.requests.events(request_id)
        uow.audit.record(
            AuditEvent(
                actor, AuditAction.REQUEST_VIEWED, f"request:{request_id}", {"state": record.state}
            ),
            at=ctx.clock.now(),
        )
        uow.commit()
    return record, events
