"""The consent ledger (append-only), notice versions, privacy-center links, unsubscribe
tokens and the marketing messages of the mail outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.domain.consent import ConsentEvent, ConsentSubject, EventKind, NoticeVersion
from varna.services.consent.ports import (
    CenterLinkStore,
    ConsentStore,
    OutgoingMail,
    QueuedMessage,
    Recipient,
    UnsubscribeToken,
)


@dataclass(frozen=True, slots=True)
class CenterLink:
    person_id: int
    expires_at: datetime


class FakeCenterLinkStore(FakeStore):
    def __init__(self) -> None:
        self.asks: list[tuple[str, datetime]] = []
        self.issued: dict[str, CenterLink] = {}  # token hash -> link

    def log_ask(self, key_hmac: str, at: datetime) -> None:
        self.asks.append((key_hmac, at))

    def asks_since(self, key_hmac: str, since: datetime) -> int:
        return sum(1 for key, at in self.asks if key == key_hmac and at >= since)

    def add(self, token_hash: str, person_id: int, *, at: datetime, expires_at: datetime) -> None:
        self.issued[token_hash] = CenterLink(person_id, expires_at)

    def person_of(self, token_hash: str, *, at: datetime) -> int | None:
        link = self.issued.get(token_hash)
        return link.person_id if link is not None and link.expires_at > at else None


@dataclass(frozen=True, slots=True)
class KeptMessage:
    message: QueuedMessage
    created_at: datetime
    sent_at: datetime | None = None


class FakeConsentStore(FakeStore):
    def __init__(self, directory: FakeDirectory, links: FakeCenterLinkStore) -> None:
        self.directory = directory
        self._links = links
        self.ledger: list[ConsentEvent] = []
        self.versions: dict[str, NoticeVersion] = {}
        self.expiry_locks = 0
        self.messages: dict[int, KeptMessage] = {}
        self.tokens: dict[str, UnsubscribeToken] = {}
        self._next = 1

    @property
    def links(self) -> CenterLinkStore:
        return self._links

    def append(self, events: Sequence[ConsentEvent]) -> None:
        self.ledger.extend(events)

    def events_of(
        self, subject: ConsentSubject, purposes: Sequence[str] | None = None
    ) -> list[ConsentEvent]:
        found = [
            e
            for e in self.ledger
            if e.subject == subject and (purposes is None or e.purpose in purposes)
        ]
        return sorted(found, key=lambda e: e.at)  # stable: the order of appending breaks ties

    def publish_notice(self, version: NoticeVersion, *, at: datetime) -> None:
        self.versions.setdefault(version.version, version)

    def notice_versions(self) -> list[NoticeVersion]:
        return list(self.versions.values())

    def person_exists(self, person_id: int) -> bool:
        return person_id in self.directory.people

    def person_personnummer(self, person_id: int) -> str | None:
        person = self.directory.people.get(person_id)
        return person.personnummer if person else None

    def person_email(self, person_id: int) -> str | None:
        person = self.directory.people.get(person_id)
        return person.email if person else None

    def person_by_email(self, email: str) -> int | None:
        found = self.directory.person_by("email", email)
        return found[0] if found else None

    def lock_expiry(self) -> None:
        self.expiry_locks += 1

    def _last(self, key: str, as_of: datetime) -> dict[ConsentSubject, ConsentEvent]:
        last: dict[ConsentSubject, ConsentEvent] = {}
        for event in sorted(self.ledger, key=lambda e: e.at):
            if event.purpose == key and event.at <= as_of:
                last[event.subject] = event
        return last

    def last_given(
        self, key: str, *, given_before: datetime, as_of: datetime
    ) -> list[ConsentEvent]:
        return [
            e
            for e in self._last(key, as_of).values()
            if e.kind is EventKind.GIVEN and e.at <= given_before
        ]

    def _reason(
        self,
        event: ConsentEvent | None,
        email: str | None,
        valid_versions: Sequence[str],
        given_after: datetime | None,
    ) -> str:
        if event is None:
            return "never_asked"
        if event.kind is not EventKind.GIVEN:
            return event.kind.value
        if given_after is not None and event.at <= given_after:
            return EventKind.EXPIRED.value
        if event.notice_version not in valid_versions:
            return "outdated_notice"
        if email is None:
            return "no_email"
        return "eligible"

    def _by_person(
        self, purpose: str, valid_versions: Sequence[str], at: datetime, after: datetime | None
    ) -> dict[int, str]:
        last = self._last(purpose, at)
        return {
            person.id: self._reason(
                last.get(ConsentSubject.person(person.id)), person.email, valid_versions, after
            )
            for person in self.directory.people.values()
        }

    def marketing_recipients(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> list[Recipient]:
        reasons = self._by_person(purpose, valid_versions, at, given_after)
        return [
            Recipient(person_id, self.directory.people[person_id].email or "")
            for person_id, reason in sorted(reasons.items())
            if reason == "eligible"
        ]

    def marketing_skips(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reason in self._by_person(purpose, valid_versions, at, given_after).values():
            if reason != "eligible":
                counts[reason] = counts.get(reason, 0) + 1
        return counts

    def queue_messages(self, messages: Iterable[QueuedMessage], *, at: datetime) -> list[int]:
        ids = []
        for message in messages:
            message_id, self._next = self._next, self._next + 1
            self.messages[message_id] = KeptMessage(message, at)
            ids.append(message_id)
        return ids

    def unsent_mail(self, ids: Sequence[int]) -> list[tuple[int, OutgoingMail]]:
        found = []
        for message_id in ids:
            kept = self.messages.get(message_id)
            if kept is None or kept.sent_at is not None:
                continue
            email = self.person_email(kept.message.person_id)
            if email is None:
                continue
            message = kept.message
            headers = {"List-Unsubscribe": f"<{message.unsubscribe_url}>"}
            found.append((message_id, OutgoingMail(email, message.subject, message.body, headers)))
        return found

    def mark_sent(self, ids: Sequence[int], *, at: datetime) -> None:
        for message_id in ids:
            self.messages[message_id] = replace(self.messages[message_id], sent_at=at)

    def add_unsubscribe_tokens(
        self, tokens: Iterable[tuple[str, int, str]], *, at: datetime
    ) -> None:
        for token_hash, person_id, purpose in tokens:
            self.tokens[token_hash] = UnsubscribeToken(person_id, purpose, None)

    def unsubscribe_token(self, token_hash: str) -> UnsubscribeToken | None:
        return self.tokens.get(token_hash)

    def mark_token_used(self, token_hash: str, *, at: datetime) -> None:
        self.tokens[token_hash] = replace(self.tokens[token_hash], used_at=at)

    # -- for tests ----------------------------------------------------------------------
    def kinds(self, person_id: int, purpose: str) -> list[str]:
        """The person's events for ``purpose`` as their kinds, oldest first."""
        subject = ConsentSubject.person(person_id)
        return [e.kind.value for e in self.events_of(subject, (purpose,))]


_links: CenterLinkStore = FakeCenterLinkStore()
_consent: ConsentStore = FakeConsentStore(FakeDirectory(), FakeCenterLinkStore())
