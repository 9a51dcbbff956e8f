"""The mail outbox: keeping a message there in the caller's transaction (:class:`KeptMail`,
how notices go out without a mail server), and reading it in the admin console. Messages
hold personal data and secrets (one-time codes, single-use download links, unsubscribe and
privacy-center links), so only the privacy officer reads them (the page checks the role) and
every opened message is an audit event naming the reader and the message id, never its
content."""

from __future__ import annotations

from datetime import datetime

from varna.domain.audit import AuditAction
from varna.services.consent.ports import OutgoingMail
from varna.services.mail.ports import OutboxEntry, OutboxStore, OutboxUnitOfWork
from varna.services.ports import AuditEvent, Clock

PAGE_SIZE = 200
RIGHTS_PURPOSE = "data_subject_rights"


class KeptMail:
    """A mailer that keeps each message in the mail outbox through ``store``, the outbox of
    the caller's unit of work: the message is written in the caller's transaction and stands
    or falls with it (a notice is marked sent in the same commit that keeps its message)."""

    def __init__(self, store: OutboxStore, *, at: datetime, purpose: str = RIGHTS_PURPOSE):
        self._store, self._at, self._purpose = store, at, purpose

    def send(self, mail: OutgoingMail) -> None:
        self._store.add(
            recipient=mail.to,
            purpose=self._purpose,
            subject=mail.subject,
            body=mail.body,
            at=self._at,
        )


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
        uow.audit.record(
            AuditEvent(actor, AuditAction.OUTBOX_READ, f"mail_outbox:{message_id}", {}), at=now
        )
        uow.commit()
    return entry
