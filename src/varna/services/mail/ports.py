"""What the mail-outbox use cases need from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from varna.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One message in the outbox; ``body`` is plain text (never rendered as HTML)."""

    id: int
    recipient: str | None  # the address (for a marketing message: the person's, from people)
    purpose: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None


class OutboxStore(Protocol):
    def add(self, *, recipient: str, purpose: str, subject: str, body: str, at: datetime) -> int:
        """Keep one message; its id."""
        ...

    def listing(self, *, limit: int) -> list[OutboxEntry]:
        """The newest ``limit`` messages, newest first."""
        ...

    def message(self, message_id: int) -> OutboxEntry | None: ...


class OutboxUnitOfWork(UnitOfWork, Protocol):
    mail_outbox: OutboxStore
