"""Reading the mail outbox in the admin console. Messages hold personal data and secrets
(one-time codes, single-use download links, unsubscribe and privacy-center links), so only
the privacy officer reads them (the page checks the role) and every opened message is an
audit event naming the reader and the message id, never its content."""

from __future__ import annotations

from varna.services.mail.ports import OutboxEntry, OutboxUnitOfWork
from varna.services.ports import AuditEvent, Clock

PAGE_SIZE = 200


def list_outbox(uow: OutboxUnitOfWork, *, limit: int = PAGE_SIZE) -> list[OutboxEntry]:
    """The newest messages first."""
    with uow:
        return uow.mail_outbox.listing(limit=max(1, min(limit, PAGE_SIZE)))


def open_message(
    uow: OutboxUnitOfWork, message_id: int, *, actor: str, clock: Clock
) -> OutboxEntry | None:
    """One message, and the audit event that ``actor`` read it."""
    now = clock.now()
    with uow:
        entry = uow.mail_outbox.message(message_id)
        if entry is None:
            return None
        uow.audit.record(AuditEvent(actor, "outbox.read", f"mail_outbox:{message_id}", {}), at=now)
        uow.commit()
    return entry
