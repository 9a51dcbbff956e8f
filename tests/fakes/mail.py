"""Mailers (one that keeps what it is given, one that fails like an absent server) and the
mail outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tests.fakes.transaction import FakeStore
from varna.services.consent.ports import Mailer as ConsentMailer
from varna.services.consent.ports import OutgoingMail
from varna.services.mail.ports import OutboxEntry, OutboxStore
from varna.services.requests.ports import Mailer as RequestMailer


class CapturingMailer:
    """Keeps every message it is asked to send (not part of any transaction: an SMTP send
    cannot be rolled back, which is what the services must reckon with)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)

    def to(self, address: str) -> list[OutgoingMail]:
        return [mail for mail in self.sent if mail.to == address]

    def only(self) -> OutgoingMail:
        assert len(self.sent) == 1, f"expected one mail, {len(self.sent)} were sent"
        return self.sent[0]


class FailingMailer:
    """A mail server that is away: every send raises, and the tries are counted."""

    def __init__(self, error: Exception | None = None) -> None:
        self.tries = 0
        self._error = error or ConnectionRefusedError("the mail server is away")

    def send(self, mail: OutgoingMail) -> None:
        self.tries += 1
        raise self._error


class FakeOutboxStore(FakeStore):
    def __init__(self) -> None:
        self.entries: dict[int, OutboxEntry] = {}
        self._next = 1

    def add(self, *, recipient: str, purpose: str, subject: str, body: str, at: datetime) -> int:
        message_id, self._next = self._next, self._next + 1
        self.entries[message_id] = OutboxEntry(
            message_id, recipient, purpose, subject, body, at, None
        )
        return message_id

    def listing(self, *, limit: int) -> list[OutboxEntry]:
        return sorted(self.entries.values(), key=lambda e: e.id, reverse=True)[:limit]

    def message(self, message_id: int) -> OutboxEntry | None:
        return self.entries.get(message_id)

    # -- used by the consent store's marketing queue ------------------------------------
    def mark_sent(self, message_id: int, at: datetime) -> None:
        self.entries[message_id] = replace(self.entries[message_id], sent_at=at)


_consent: ConsentMailer = CapturingMailer()
_requests: RequestMailer = FailingMailer()
_outbox: OutboxStore = FakeOutboxStore()
