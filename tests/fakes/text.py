"""Stored free text: the privacy events of the intake guard, tickets and quote requests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from tests.fakes.transaction import FakeStore
from varna.services.ports import PrivacyEventRecord, TextStore


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    ticket_id: int
    body: str
    sent_at: datetime
    author_person_id: int | None
    author_staff: str | None


class FakeTextStore(FakeStore):
    def __init__(self) -> None:
        self.privacy_events: list[tuple[PrivacyEventRecord, datetime]] = []
        self.columns: dict[tuple[str, str], dict[int, str]] = {}
        self.tickets: set[int] = set()
        self.messages: list[StoredMessage] = []
        self.quotes: list[tuple[int, str]] = []

    def iter_column(self, table: str, column: str, *, batch_rows: int) -> Iterator[tuple[int, str]]:
        for record_id, text in sorted(self.columns.get((table, column), {}).items()):
            if text:
                yield record_id, text

    def ticket_exists(self, ticket_id: int) -> bool:
        return ticket_id in self.tickets

    def add_ticket_message(
        self,
        ticket_id: int,
        body: str,
        *,
        sent_at: datetime,
        author_person_id: int | None,
        author_staff: str | None,
    ) -> int:
        message_id = len(self.messages) + 1
        self.messages.append(
            StoredMessage(message_id, ticket_id, body, sent_at, author_person_id, author_staff)
        )
        return message_id

    def add_quote_request(
        self,
        message: str,
        *,
        received_at: datetime,
        source: str,
        company_name: str | None,
        sim_count: int | None,
        person_id: int | None,
        organisation_id: int | None,
    ) -> int:
        quote_id = len(self.quotes) + 1
        self.quotes.append((quote_id, message))
        return quote_id

    def record_privacy_events(self, events: Iterable[PrivacyEventRecord], *, at: datetime) -> int:
        added = [(event, at) for event in events]
        self.privacy_events.extend(added)
        return len(added)

    # -- for tests ----------------------------------------------------------------------
    def kinds(self) -> list[tuple[str, str]]:
        """(kind, finding type) of every privacy event, oldest first."""
        return [(e.kind, e.finding_type) for e, _ in self.privacy_events]


_: TextStore = FakeTextStore()
