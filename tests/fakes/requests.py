"""The request store (requests, their timeline, codes, download tokens, the intake log, the
SIMs' controllers), staff accounts and a password hasher."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.domain.requests.codes import StoredCode
from varna.domain.requests.kinds import RequestKind
from varna.services.requests.ports import (
    Controller,
    NewRequest,
    Passwords,
    RequestEvent,
    RequestRecord,
    RequestStore,
    StaffAccount,
    StaffSessionRow,
    StaffStore,
)

EXTRACT_KINDS = (RequestKind.ACCESS.value, RequestKind.PORTABILITY.value)
SIM_COLUMNS = ("iccid", "imsi", "msisdn")


@dataclass(frozen=True, slots=True)
class Token:
    request_id: int
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None


class FakeRequestStore(FakeStore):
    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory
        self.records: dict[int, RequestRecord] = {}
        self.timeline: dict[int, list[RequestEvent]] = {}
        self.codes: dict[int, tuple[int, StoredCode]] = {}  # code id -> (request id, code)
        self.tokens: list[Token] = []
        self.intake_log: list[tuple[str, datetime]] = []
        self._next = 1

    def _take(self) -> int:
        taken, self._next = self._next, self._next + 1
        return taken

    def add(self, request: NewRequest) -> int:
        request_id = self._take()
        self.records[request_id] = RequestRecord(
            id=request_id,
            reference=request.reference,
            kind=request.kind,
            state="received",
            email=request.email,
            identifiers=dict(request.identifiers),
            details=request.details,
            language=request.language,
            received_at=request.received_at,
            due_date=request.due_date,
            extension_months=0,
            extension_reason=None,
            refusal_ground=None,
            refusal_reason=None,
            person_id=None,
            controller_id=None,
            outcome=None,
            verified_at=None,
            closed_at=None,
        )
        self.timeline[request_id] = [RequestEvent("received", "subject", request.received_at, None)]
        return request_id

    def get(self, request_id: int) -> RequestRecord | None:
        return self.records.get(request_id)

    def by_reference(self, reference: str) -> RequestRecord | None:
        return next((r for r in self.records.values() if r.reference == reference), None)

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
        record = self.records.get(request_id)
        if record is None or record.state not in [str(s) for s in from_states]:
            return False
        values = {"state": str(to_state), **(fields or {})}
        if "outcome" in values and values["outcome"] is not None:
            values["outcome"] = dict(values["outcome"])
        self.records[request_id] = replace(record, **values)
        self.timeline[request_id].append(RequestEvent(str(to_state), actor, at, note))
        return True

    def events(self, request_id: int) -> list[RequestEvent]:
        return list(self.timeline.get(request_id, []))

    def listing(
        self, *, states: Sequence[str] = (), kinds: Sequence[str] = (), due_before: date | None
    ) -> list[RequestRecord]:
        found = [
            r
            for r in self.records.values()
            if (not states or r.state in states)
            and (not kinds or r.kind in kinds)
            and (due_before is None or r.due_date < due_before)
        ]
        return sorted(found, key=lambda r: (r.due_date, r.id))

    def add_code(self, request_id: int, code_hash: str, expires_at: datetime) -> None:
        self.codes[self._take()] = (request_id, StoredCode(code_hash, expires_at, 0, None))

    def latest_code(self, request_id: int) -> tuple[int, StoredCode] | None:
        mine = [(code_id, code) for code_id, (rid, code) in self.codes.items() if rid == request_id]
        return max(mine, key=lambda pair: pair[0]) if mine else None

    def count_wrong_try(self, code_id: int) -> None:
        request_id, code = self.codes[code_id]
        self.codes[code_id] = (request_id, replace(code, attempts=code.attempts + 1))

    def use_code(self, code_id: int, at: datetime) -> None:
        request_id, code = self.codes[code_id]
        self.codes[code_id] = (request_id, replace(code, used_at=at))

    def add_token(self, request_id: int, token_hash: str, expires_at: datetime) -> None:
        self.tokens.append(Token(request_id, token_hash, expires_at))

    def use_token(self, token_hash: str, at: datetime) -> int | None:
        for index, token in enumerate(self.tokens):
            if token.token_hash == token_hash and token.used_at is None and token.expires_at > at:
                self.tokens[index] = replace(token, used_at=at)
                return token.request_id
        return None

    def token_request(self, token_hash: str, at: datetime) -> int | None:
        for token in self.tokens:
            if token.token_hash == token_hash and token.used_at is None and token.expires_at > at:
                return token.request_id
        return None

    def set_outcome(self, request_id: int, outcome: Mapping[str, Any]) -> None:
        self.records[request_id] = replace(self.records[request_id], outcome=dict(outcome))

    def with_lapsed_links(self, at: datetime) -> list[int]:
        lapsed = []
        for record in sorted(self.records.values(), key=lambda r: r.id):
            if record.state != "completed" or record.kind not in EXTRACT_KINDS:
                continue
            mine = [t for t in self.tokens if t.request_id == record.id]
            if mine and not any(t.used_at is None and t.expires_at > at for t in mine):
                lapsed.append(record.id)
        return lapsed

    def log_intake(self, key_hmacs: Sequence[str], at: datetime) -> None:
        self.intake_log.extend((key, at) for key in key_hmacs)

    def intake_count(self, key_hmac: str, since: datetime) -> int:
        return sum(1 for key, at in self.intake_log if key == key_hmac and at >= since)

    def forget_intake_before(self, at: datetime) -> None:
        self.intake_log = [(key, when) for key, when in self.intake_log if when >= at]

    def controllers_of_sims(self, identifiers: Mapping[str, str]) -> list[Controller]:
        wanted = {(k, v) for k, v in identifiers.items() if k in SIM_COLUMNS}
        found: dict[int, list[int]] = {}
        for sim in self.directory.sims.values():
            if any(getattr(sim, kind) == value for kind, value in wanted):
                found.setdefault(sim.customer_id, []).append(sim.id)
        return [
            Controller(org.id, org.name, org.privacy_contact, tuple(sorted(found[org.id])))
            for org in sorted(self.directory.organisations.values(), key=lambda o: o.id)
            if org.id in found
        ]

    # -- for tests ----------------------------------------------------------------------
    def states(self, request_id: int) -> list[str]:
        """The request's timeline as its states, oldest first."""
        return [event.state for event in self.timeline.get(request_id, [])]


@dataclass(slots=True)
class StaffSession:
    account_id: int
    token_hash: str
    expires: datetime
    created: datetime
    last_seen: datetime | None = None
    done: bool = True


class FakeStaffStore(FakeStore):
    def __init__(self) -> None:
        self.accounts: dict[int, StaffAccount] = {}
        self.disabled: set[int] = set()
        self.sessions: dict[str, StaffSession] = {}
        self.recovery: dict[str, tuple[int, datetime | None]] = {}
        self._next = 1

    def add_account(self, login: str, role: str, password_hash: str, at: datetime) -> int:
        account_id, self._next = self._next, self._next + 1
        self.accounts[account_id] = StaffAccount(account_id, login, role, password_hash)
        return account_id

    def account(self, login: str) -> StaffAccount | None:
        return next(
            (a for a in self.accounts.values() if a.login == login and a.id not in self.disabled),
            None,
        )

    def account_by_id(self, account_id: int) -> StaffAccount | None:
        return self.accounts.get(account_id)

    def all_accounts(self) -> list[StaffAccount]:
        return sorted(self.accounts.values(), key=lambda a: a.login)

    def active_officers(self) -> int:
        return sum(
            1
            for a in self.accounts.values()
            if a.role == "privacy_officer" and a.id not in self.disabled
        )

    def update_account(self, account_id: int, **values: object) -> None:
        if "disabled_at" in values:
            if values["disabled_at"] is None:
                self.disabled.discard(account_id)
            else:
                self.disabled.add(account_id)
        self.accounts[account_id] = replace(self.accounts[account_id], **values)  # type: ignore[arg-type]

    def claim_totp_step(self, account_id: int, step: int) -> bool:
        last = self.accounts[account_id].totp_last_step
        if last is not None and last >= step:
            return False
        self.update_account(account_id, totp_last_step=step)
        return True

    def add_session(
        self,
        account_id: int,
        token_hash: str,
        at: datetime,
        expires: datetime,
        *,
        second_factor_done: bool = True,
    ) -> None:
        self.sessions[token_hash] = StaffSession(
            account_id, token_hash, expires, at, at, second_factor_done
        )

    def session_account(self, token_hash: str, at: datetime) -> StaffAccount | None:
        found = self.session(token_hash, at)
        return found.account if found is not None and found.second_factor_done else None

    def session(self, token_hash: str, at: datetime) -> StaffSessionRow | None:
        session = self.sessions.get(token_hash)
        if session is None or session.expires <= at or session.account_id in self.disabled:
            return None
        return StaffSessionRow(
            self.accounts[session.account_id],
            session.created,
            session.expires,
            session.last_seen,
            session.done,
        )

    def touch_session(self, token_hash: str, at: datetime) -> None:
        if token_hash in self.sessions:
            self.sessions[token_hash].last_seen = at

    def end_session(self, token_hash: str) -> None:
        self.sessions.pop(token_hash, None)

    def end_sessions(self, account_id: int) -> int:
        mine = [h for h, s in self.sessions.items() if s.account_id == account_id]
        for token_hash in mine:
            del self.sessions[token_hash]
        return len(mine)

    def replace_recovery_codes(self, account_id: int, hashes: list[str], at: datetime) -> None:
        self.recovery = {h: v for h, v in self.recovery.items() if v[0] != account_id}
        self.recovery.update(dict.fromkeys(hashes, (account_id, None)))

    def use_recovery_code(self, account_id: int, code_hash: str, at: datetime) -> bool:
        if self.recovery.get(code_hash) != (account_id, None):
            return False
        self.recovery[code_hash] = (account_id, at)
        return True

    def recovery_codes_left(self, account_id: int) -> int:
        return sum(1 for a, used in self.recovery.values() if a == account_id and used is None)


class FakePasswords:
    """A fast stand-in for argon2 with the same contract (never for real passwords)."""

    def __init__(self) -> None:
        self.verified_unknown = 0  # checks against the dummy hash (an unknown login)

    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            self.verified_unknown += 1
            return False
        return password_hash == self.hash(password)


_requests: RequestStore = FakeRequestStore(FakeDirectory())
_staff: StaffStore = FakeStaffStore()
_passwords: Passwords = FakePasswords()
