"""The copies of extracts that answered access requests wait only for their download link
(R1, D1): the download takes the copy out (``execute.download``), and the copies whose links
lapsed unused go with the daily retention sweep (``drop_lapsed_extracts``), each with its
audit event. What stays is a summary without personal data (``domain.requests.extracts``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from varna.domain.audit import AuditAction
from varna.domain.requests.extracts import LINK_EXPIRED, without_extract
from varna.services.ports import AuditEvent, AuditLog
from varna.services.requests.ports import RequestStore


class ExtractsUnitOfWork(Protocol):
    """What dropping copies needs: the requests and the audit log (the retention sweep's
    unit of work has both)."""

    requests: RequestStore
    audit: AuditLog


def drop_lapsed_extracts(uow: ExtractsUnitOfWork, *, actor: str, at: datetime) -> int:
    """Drop the extract copies of requests whose download links can no longer be used; in
    the caller's transaction. The number dropped (0 when run again)."""
    dropped = 0
    for request_id in uow.requests.with_lapsed_links(at):
        record = uow.requests.get(request_id)
        kept = without_extract(record.outcome if record else None, released=LINK_EXPIRED, at=at)
        if kept is None:
            continue
        uow.requests.set_outcome(request_id, kept)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.REQUEST_EXTRACT_DROPPED,
                f"request:{request_id}",
                {"reason": LINK_EXPIRED},
            ),
            at=at,
        )
        dropped += 1
    return dropped
