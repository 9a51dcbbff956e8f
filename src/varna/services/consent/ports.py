"""What the consent use cases need from storage, mail and the subject engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from varna.domain.consent import ConsentEvent, ConsentSubject, NoticeVersion
from varna.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    email: str


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message of a marketing send; the address is read from people when it is sent."""

    person_id: int
    purpose: str
    subject: str
    body: str
    unsubscribe_url: str


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class UnsubscribeToken:
    person_id: int
    purpose: str
    used_at: datetime | None


class CenterLinkStore(Protocol):
    """Privacy-center links asked for by e-mail (only the token's SHA-256 is stored) and the
    rate-limit log of the asks (a keyed hash of the address given, known or not)."""

    def log_ask(self, key_hmac: str, at: datetime) -> None: ...

    def asks_since(self, key_hmac: str, since: datetime) -> int: ...

    def add(
        self, token_hash: str, person_id: int, *, at: datetime, expires_at: datetime
    ) -> None: ...

    def person_of(self, token_hash: str, *, at: datetime) -> int | None:
        """The person of an unexpired link, or None."""
        ...


class ConsentStore(Protocol):
    """The consent ledger and its neighbours, in the current transaction."""

    @property
    def links(self) -> CenterLinkStore:
        """Privacy-center links asked for by e-mail."""
        ...

    def append(self, events: Sequence[ConsentEvent]) -> None:
        """Add events to the ledger (it is append-only: nothing is ever updated)."""
        ...

    def events_of(
        self, subject: ConsentSubject, purposes: Sequence[str] | None = None
    ) -> list[ConsentEvent]:
        """The subject's events (of ``purposes``, or all), oldest first."""
        ...

    def publish_notice(self, version: NoticeVersion, *, at: datetime) -> None:
        """Keep ``version`` (idempotent: a version is stored once)."""
        ...

    def notice_versions(self) -> list[NoticeVersion]: ...

    def person_exists(self, person_id: int) -> bool: ...

    def person_personnummer(self, person_id: int) -> str | None: ...

    def person_email(self, person_id: int) -> str | None: ...

    def person_by_email(self, email: str) -> int | None: ...

    def lock_expiry(self) -> None:
        """Hold off other expiry sweeps until this transaction ends."""
        ...

    def last_given(
        self, key: str, *, given_before: datetime, as_of: datetime
    ) -> list[ConsentEvent]:
        """Per subject, the last event for ``key`` up to ``as_of`` if it is ``given`` no later
        than ``given_before`` (one set-based query; the expiry sweep's candidates)."""
        ...

    def marketing_recipients(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> list[Recipient]:
        """People whose last event for ``purpose`` up to ``at`` is ``given`` under one of
        ``valid_versions`` (after ``given_after``: older consents have lapsed) and who have an
        e-mail address (one set-based query)."""
        ...

    def marketing_skips(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> dict[str, int]:
        """How many people are not eligible, per reason: never_asked, refused, withdrawn,
        expired (an expired event, or a consent given no later than ``given_after``),
        outdated_notice, no_email (one set-based query)."""
        ...

    def queue_messages(self, messages: Iterable[QueuedMessage], *, at: datetime) -> list[int]:
        """Store messages in the mail outbox; return their ids."""
        ...

    def unsent_mail(self, ids: Sequence[int]) -> list[tuple[int, OutgoingMail]]:
        """Messages of ``ids`` not yet sent, with the recipient's current address."""
        ...

    def mark_sent(self, ids: Sequence[int], *, at: datetime) -> None: ...

    def add_unsubscribe_tokens(
        self, tokens: Iterable[tuple[str, int, str]], *, at: datetime
    ) -> None:
        """Store (token hash, person id, purpose) rows."""
        ...

    def unsubscribe_token(self, token_hash: str) -> UnsubscribeToken | None: ...

    def mark_token_used(self, token_hash: str, *, at: datetime) -> None: ...


class ConsentUnitOfWork(UnitOfWork, Protocol):
    consent: ConsentStore


class ProcessingVeto(Protocol):
    """A reason from outside the ledger to stop consent-based processing of a person:
    restriction (D5), objection or the direct-marketing suppression list (D8). The subject
    engine implements these; bootstrap wires them into the gate."""

    def veto(self, uow: UnitOfWork, person_id: int | None, purpose: str) -> str | None:
        """A short reason (``restricted``, ``objected``, ``suppressed``) or None."""
        ...

    def vetoed_people(self, uow: UnitOfWork, purpose: str) -> Mapping[int, str]:
        """Every person vetoed for ``purpose``, with the reason (set-based, for sends)."""
        ...


class Mailer(Protocol):
    """Delivers messages (SMTP); None in the wiring means they stay in the mail outbox."""

    def send(self, mail: OutgoingMail) -> None: ...
