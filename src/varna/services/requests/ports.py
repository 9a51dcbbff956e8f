"""What the request use cases need from storage, the job queue and the mailer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from varna.domain.requests.codes import StoredCode
from varna.domain.subjects.keys import SubjectKey
from varna.services.consent.ports import OutgoingMail
from varna.services.ports import TextStore
from varna.services.subjects.ports import SubjectUnitOfWork


@dataclass(frozen=True, slots=True)
class RequestRecord:
    id: int  # internal and sequential: staff pages, the CLI and mails to staff use it
    reference: str  # the public name: links and the API use it
    kind: str
    state: str
    email: str
    identifiers: dict[str, str]
    details: str | None
    language: str
    received_at: datetime
    due_date: date
    extension_months: int
    extension_reason: str | None
    refusal_ground: str | None
    refusal_reason: str | None
    person_id: int | None
    controller_id: int | None
    outcome: dict[str, Any] | None
    verified_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestEvent:
    state: str
    actor: str
    at: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class Controller:
    """The customer registered as payer of SIMs: the controller of their end users' data (A3)."""

    organisation_id: int
    name: str
    privacy_contact: str | None
    sim_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NewRequest:
    reference: str
    kind: str
    email: str
    email_hmac: str
    identifiers: Mapping[str, str]
    details: str | None
    language: str
    received_at: datetime
    due_date: date


class RequestStore(Protocol):
    def add(self, request: NewRequest) -> int: ...

    def get(self, request_id: int) -> RequestRecord | None: ...

    def by_reference(self, reference: str) -> RequestRecord | None: ...

    def change_state(
        self,
        request_id: int,
        *,
        from_states: Sequence[str],
        to_state: str,
        actor: str,
        at: datetime,
        note: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> bool:
        """Move the request and write its timeline event, only from ``from_states``; False
        when the request was not in one of them (someone else moved it first)."""
        ...

    def events(self, request_id: int) -> list[RequestEvent]: ...

    def listing(
        self, *, states: Sequence[str] = (), kinds: Sequence[str] = (), due_before: date | None
    ) -> list[RequestRecord]:
        """Requests sorted by due date; ``due_before`` keeps those due before that day."""
        ...

    def add_code(self, request_id: int, code_hash: str, expires_at: datetime) -> None: ...

    def latest_code(self, request_id: int) -> tuple[int, StoredCode] | None: ...

    def count_wrong_try(self, code_id: int) -> None: ...

    def use_code(self, code_id: int, at: datetime) -> None: ...

    def add_token(self, request_id: int, token_hash: str, expires_at: datetime) -> None: ...

    def use_token(self, token_hash: str, at: datetime) -> int | None:
        """Mark an unused, unexpired token used; its request id, or None."""
        ...

    def token_request(self, token_hash: str, at: datetime) -> int | None:
        """The request of an unused, unexpired token, leaving the token as it is; or None."""
        ...

    def set_outcome(self, request_id: int, outcome: Mapping[str, Any]) -> None: ...

    def with_lapsed_links(self, at: datetime) -> list[int]:
        """Completed requests that have download links, none of them still usable at ``at``
        (every one used or expired)."""
        ...

    def log_intake(self, key_hmacs: Sequence[str], at: datetime) -> None:
        """Note one use of each rate-limit key (a keyed hash) at ``at``."""
        ...

    def intake_count(self, key_hmac: str, since: datetime) -> int: ...

    def forget_intake_before(self, at: datetime) -> None:
        """Delete the rate-limit notes older than ``at``."""
        ...

    def controllers_of_sims(self, identifiers: Mapping[str, str]) -> list[Controller]: ...


class IdentityProof(Protocol):
    """What a verified request proves about its person: the subject keys the request may act
    on. The one-time code proves the e-mail address today; a stronger proof (BankID proving a
    personnummer) is another implementation. Identifiers the person merely typed are not
    proven and only narrow what this proves (``domain.requests.identity``)."""

    def proven_keys(self, record: RequestRecord) -> tuple[SubjectKey, ...]: ...


class JobQueue(Protocol):
    def enqueue(self, task: str, key: str, *, request_id: int | None, at: datetime) -> bool:
        """Add a wake-up once per ``key`` in the caller's transaction; False if it exists."""
        ...


@dataclass(frozen=True, slots=True)
class StaffAccount:
    id: int
    login: str
    role: str
    password_hash: str
    totp_secret: str | None = None  # encrypted; set from the start of enrolment
    totp_enrolled_at: datetime | None = None  # two-factor is on from then
    totp_last_step: int | None = None  # the last TOTP time step a code was accepted for
    last_login_at: datetime | None = None
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StaffSessionRow:
    account: StaffAccount
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime | None
    second_factor_done: bool


class StaffStore(Protocol):
    def add_account(self, login: str, role: str, password_hash: str, at: datetime) -> int: ...

    def account(self, login: str) -> StaffAccount | None:
        """The active (not disabled) account of ``login``."""
        ...

    def account_by_id(self, account_id: int) -> StaffAccount | None:
        """The account, disabled or not."""
        ...

    def all_accounts(self) -> list[StaffAccount]:
        """Every account, disabled ones too, by login."""
        ...

    def active_officers(self) -> int:
        """How many privacy officers are not disabled."""
        ...

    def update_account(self, account_id: int, **values: object) -> None:
        """Set columns of the account: role, password_hash, disabled_at, totp_secret,
        totp_enrolled_at, totp_last_step, last_login_at."""
        ...

    def claim_totp_step(self, account_id: int, step: int) -> bool:
        """Record ``step`` as used unless it or a later one was; False if it was (a replay)."""
        ...

    def add_session(
        self,
        account_id: int,
        token_hash: str,
        at: datetime,
        expires: datetime,
        *,
        second_factor_done: bool = True,
    ) -> None: ...

    def session_account(self, token_hash: str, at: datetime) -> StaffAccount | None: ...

    def session(self, token_hash: str, at: datetime) -> StaffSessionRow | None:
        """The unexpired session of an active account, whatever its idle time."""
        ...

    def touch_session(self, token_hash: str, at: datetime) -> None: ...

    def end_session(self, token_hash: str) -> None: ...

    def end_sessions(self, account_id: int) -> int:
        """End every session of the account; how many there were."""
        ...

    def replace_recovery_codes(self, account_id: int, hashes: list[str], at: datetime) -> None: ...

    def use_recovery_code(self, account_id: int, code_hash: str, at: datetime) -> bool:
        """Mark the unused code as used; False if there is no such unused code."""
        ...

    def recovery_codes_left(self, account_id: int) -> int: ...


class RequestUnitOfWork(SubjectUnitOfWork, Protocol):
    requests: RequestStore
    text: TextStore  # the privacy events of the intake guard
    jobs: JobQueue
    staff: StaffStore


class Passwords(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``None`` (no such account) checks a dummy hash, as
        slowly, and is False."""
        ...


class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> None: ...
