"""Intake and verification (D1-D8, G3, R-DSR-01/02).

A request never asks for a reason. The answer is the same whether or not varna knows the
person: every request gets a code mailed to the address given, and proving that address is
the identity check. Intake is rate-limited per address and per identifier (keyed hashes
only). Verifying enqueues the job that executes the request in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    CodeCheck,
    check_code,
    hash_secret,
    new_code,
)
from varna.domain.requests.deadlines import due_date
from varna.domain.requests.kinds import RequestKind, RequestState
from varna.domain.subjects.keys import normalise
from varna.services.consent.ports import OutgoingMail
from varna.services.ports import AuditEvent, Clock
from varna.services.requests.messages import code_mail
from varna.services.requests.ports import Mailer, NewRequest, RequestUnitOfWork

STOCKHOLM = ZoneInfo("Europe/Stockholm")
IDENTIFIER_KINDS = ("phone", "personnummer", "iccid", "imsi", "msisdn")
EXECUTE_TASK = "execute_request"
LANGUAGES = ("sv", "en")


class RateLimited(VarnaError):
    """Too many requests for one address or identifier in the window."""


class CodeRejected(VarnaError):
    """A wrong, expired, used or locked code; the message says which, never whose."""

    def __init__(self, check: CodeCheck | str, *, tries_left: int | None = None) -> None:
        self.check = str(check)
        self.tries_left = tries_left
        text = {
            "wrong": "the code is wrong",
            "expired": "the code has expired; make the request again",
            "locked": "too many wrong tries; make the request again",
            "used": "the code has already been used",
            "unknown": "no such request is waiting for a code",
        }.get(self.check, "the code was not accepted")
        if tries_left is not None:
            text += f" ({tries_left} tries left)"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Rate limit and code rules (settings ``VARNA_REQUEST_*``)."""

    per_key: int = 5  # requests per window for one address or identifier
    window: timedelta = timedelta(hours=1)
    code_lifetime: timedelta = CODE_LIFETIME
    code_tries: int = MAX_ATTEMPTS  # wrong tries before the code locks


@dataclass(frozen=True, slots=True)
class IntakeCommand:
    kind: str
    email: str
    identifiers: Mapping[str, str] = field(default_factory=dict)
    details: str | None = None
    language: str = "sv"


@dataclass(frozen=True, slots=True)
class IntakeReceipt:
    request_id: int
    due_date: date


def receipt_date(clock: Clock) -> date:
    """The day of receipt as the law counts days: the Swedish calendar date."""
    return clock.now().astimezone(STOCKHOLM).date()


def submit_request(
    uow: RequestUnitOfWork,
    command: IntakeCommand,
    *,
    actor: str,
    clock: Clock,
    secret: bytes,
    mailer: Mailer | None,
    verify_url: str,
    limits: IntakeLimits = IntakeLimits(),  # noqa: B008 - frozen
) -> IntakeReceipt:
    try:
        kind = RequestKind(command.kind)
    except ValueError:
        allowed = ", ".join(k.value for k in RequestKind)
        raise InputRefused(f"unknown kind; expected one of {allowed}", field="kind") from None
    language = command.language if command.language in LANGUAGES else "sv"
    email = normalise("email", command.email).value
    identifiers: dict[str, str] = {}
    for name, raw in command.identifiers.items():
        if name not in IDENTIFIER_KINDS:
            raise InputRefused(f"unknown identifier; expected {', '.join(IDENTIFIER_KINDS)}",
                               field=name)  # fmt: skip
        if raw and raw.strip():
            identifiers[name] = normalise(name, raw).value
    details = (command.details or "").strip()[:4000] or None
    email_hmac = hash_secret(email, key=secret, purpose="request-email")
    keys = [email_hmac] + [
        hash_secret(f"{k}:{v}", key=secret, purpose="request-identifier")
        for k, v in sorted(identifiers.items())
    ]
    now = clock.now()
    code = new_code()
    with uow:
        since = now - limits.window
        if any(uow.requests.intake_count(key, since) >= limits.per_key for key in keys):
            raise RateLimited("too many requests for this address or identifier; try later")
        uow.requests.log_intake(keys, now)
        due = due_date(receipt_date(clock))
        request_id = uow.requests.add(
            NewRequest(kind.value, email, email_hmac, identifiers, details, language, now, due)
        )
        uow.requests.add_code(
            request_id, hash_secret(code, key=secret, purpose="request-code"),
            now + limits.code_lifetime,
        )  # fmt: skip
        uow.audit.record(
            AuditEvent(actor, "request.received", f"request:{request_id}",
                       {"kind": kind.value, "due_date": due.isoformat()}),
            at=now,
        )  # fmt: skip
        uow.commit()
    if mailer is not None:
        minutes = int(limits.code_lifetime.total_seconds() // 60)
        subject, body = code_mail(language, request_id=request_id, code=code,
                                  verify_url=f"{verify_url}?request={request_id}",
                                  minutes=minutes)  # fmt: skip
        mailer.send(OutgoingMail(email, subject, body, {}))
    return IntakeReceipt(request_id, due)


class Verified(StrEnum):
    VERIFIED = "verified"
    ALREADY = "already_verified"


def verify_request(
    uow: RequestUnitOfWork, request_id: int, code: str, *, clock: Clock, secret: bytes,
    limits: IntakeLimits = IntakeLimits(),  # noqa: B008 - frozen
) -> Verified:  # fmt: skip
    """Check the code; on success the request is verified and its job enqueued, atomically."""
    now = clock.now()
    with uow:
        record = uow.requests.get(request_id)
        latest = uow.requests.latest_code(request_id) if record else None
        if record is None or latest is None:
            raise CodeRejected("unknown")
        code_id, stored = latest
        if record.state != RequestState.RECEIVED:
            if stored.used_at is not None:
                return Verified.ALREADY
            raise CodeRejected("unknown")
        given = hash_secret(code, key=secret, purpose="request-code")
        check = check_code(stored, given, now=now, max_attempts=limits.code_tries)
        if check is CodeCheck.WRONG:
            uow.requests.count_wrong_try(code_id)
            uow.commit()
            raise CodeRejected(check, tries_left=limits.code_tries - stored.attempts - 1)
        if check is not CodeCheck.ACCEPTED:
            raise CodeRejected(check)
        uow.requests.use_code(code_id, now)
        uow.requests.change_state(
            request_id, from_states=[RequestState.RECEIVED], to_state=RequestState.VERIFIED,
            actor="subject", at=now, note="e-mail address confirmed with a one-time code",
            fields={"verified_at": now},
        )  # fmt: skip
        uow.jobs.enqueue(EXECUTE_TASK, f"execute:{request_id}", request_id=request_id, at=now)
        uow.audit.record(
            AuditEvent("subject", "request.verified", f"request:{request_id}", {}), at=now
        )
        uow.commit()
    return Verified.VERIFIED
