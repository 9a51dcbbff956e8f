"""Intake and verification (D1-D8, G3, R-DSR-01/02).

A request never asks for a reason. The answer is the same whether or not varna knows the
person: every request gets a code mailed to the address given, and proving that address is
the identity check. In public a request is named only by its random reference. The free text
passes the intake guard (C2, C3, C4) before it is stored. Verifying enqueues the job that
executes the request in the same transaction.

Limits (keyed hashes only, in ``request_intake_log``; docs/requests.md says why these keys):

* intake: per client (its network address) and per *verified* address, never per address
  or identifier typed by whoever sends the form, so nobody can use up someone else's quota;
* code tries: per client and request, and per client over all requests; a wrong try never
  locks the code for the other clients. Only when very many clients together have failed on
  one code does it lock (a distributed guess at a leaked reference).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from varna.catalog.model import IdentifierKind
from varna.domain.audit import AuditAction, SystemActor
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    CodeCheck,
    check_code,
    hash_secret,
    is_reference,
    new_code,
    new_reference,
)
from varna.domain.requests.deadlines import due_date
from varna.domain.requests.kinds import RequestKind, RequestState
from varna.domain.scan import SpecialPolicy
from varna.domain.subjects.keys import SIM_KINDS, normalise
from varna.services.consent.ports import OutgoingMail
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, Clock
from varna.services.requests.guarded import guard_details, record_guard_events
from varna.services.requests.messages import code_mail, status_link
from varna.services.requests.ports import Mailer, NewRequest, RequestUnitOfWork

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# What a person may name besides the address: their phone number or personnummer, or a SIM.
IDENTIFIER_KINDS = (IdentifierKind.PHONE, IdentifierKind.PERSONNUMMER, *sorted(SIM_KINDS))
EXECUTE_TASK = "execute_request"
LANGUAGES = ("sv", "en")
FORGET_AFTER = timedelta(days=1)  # rate-limit notes older than this are deleted


class RateLimited(VarnaError):
    """Too many requests from one client, or verified for one address, in the window."""


class TooManyTries(VarnaError):
    """This client made too many wrong code tries; it waits, the owner's code still works."""

    def __init__(self) -> None:
        super().__init__(
            "too many wrong tries from your connection; wait an hour, or use the link and "
            "the code in the e-mail"
        )


class CodeRejected(VarnaError):
    """A wrong, expired, used or locked code; the message says which, never whose.

    A wrong code and an unknown reference get the same answer: without the code, nobody
    learns whether a request exists or what state it is in."""

    def __init__(self, check: CodeCheck | str, *, tries_left: int | None = None) -> None:
        self.check = str(check)
        self.tries_left = tries_left
        text = {
            "wrong": "the code is wrong; check the code and the link in the e-mail",
            "expired": "the code has expired; make the request again",
            "locked": "too many wrong tries; make the request again",
            "used": "the code has already been used",
        }.get(self.check, "the code was not accepted")
        if tries_left is not None:
            text += f" ({tries_left} tries left)"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Rate limits and code rules (settings ``VARNA_REQUEST_*``)."""

    per_key: int = 5  # requests per window from one client, and verified for one address
    window: timedelta = timedelta(hours=1)
    code_lifetime: timedelta = CODE_LIFETIME
    code_tries: int = MAX_ATTEMPTS  # wrong tries one client may make on one request
    client_tries: int = 4 * MAX_ATTEMPTS  # wrong tries one client may make in the window
    request_tries: int = 3 * MAX_ATTEMPTS  # wrong tries of all clients before a code locks


@dataclass(frozen=True, slots=True)
class IntakeCommand:
    kind: str
    email: str
    identifiers: Mapping[str, str] = field(default_factory=dict)
    details: str | None = None
    language: str = "sv"


@dataclass(frozen=True, slots=True)
class IntakeReceipt:
    request_id: int  # internal: staff and the code mail's subject
    reference: str  # public: the API answer and every link
    due_date: date


def receipt_date(clock: Clock) -> date:
    """The day of receipt as the law counts days: the Swedish calendar date."""
    return clock.now().astimezone(STOCKHOLM).date()


def client_key(client: str, *, secret: bytes, purpose: str) -> str:
    """The keyed hash that stands for a client (its network address) in the limits."""
    return hash_secret(client, key=secret, purpose=purpose)


def verified_key(email: str, *, secret: bytes) -> str:
    """The keyed hash that counts the verified requests of one address."""
    return hash_secret(email, key=secret, purpose="request-verified")


def submit_request(
    ctx: ServiceContext[RequestUnitOfWork],
    command: IntakeCommand,
    *,
    actor: str,
    client: str,
    mailer: Mailer | None,
    verify_url: str,
    special_policy: SpecialPolicy,
    limits: IntakeLimits = IntakeLimits(),  # noqa: B008 - frozen
) -> IntakeReceipt:
    """Record a request and mail its code. ``client`` is the sender's network address."""
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
            raise InputRefused(
                f"unknown identifier; expected {', '.join(IDENTIFIER_KINDS)}", field=name
            )
        if raw and raw.strip():
            identifiers[name] = normalise(name, raw).value
    uow, clock, secret = ctx.uow(), ctx.clock, ctx.secret
    now = clock.now()
    keys = [
        client_key(client, secret=secret, purpose="request-client"),
        verified_key(email, secret=secret),
    ]
    with uow:  # the limits first: a text the guard refuses counts as a request too
        since = now - limits.window
        if any(uow.requests.intake_count(key, since) >= limits.per_key for key in keys):
            raise RateLimited("too many requests right now; try again in an hour")
        uow.requests.forget_intake_before(now - FORGET_AFTER)
        uow.requests.log_intake(keys[:1], now)
        uow.commit()
    details = (command.details or "").strip()[:4000] or None
    guarded = guard_details(
        uow, details, actor=actor, at=now, policy=special_policy, today=receipt_date(clock)
    )
    code = new_code()
    reference = new_reference()
    with uow:
        due = due_date(receipt_date(clock))
        email_hmac = hash_secret(email, key=secret, purpose="request-email")
        request_id = uow.requests.add(
            NewRequest(
                reference,
                kind.value,
                email,
                email_hmac,
                identifiers,
                guarded.text if guarded else None,
                language,
                now,
                due,
            )
        )
        uow.requests.add_code(
            request_id,
            hash_secret(code, key=secret, purpose="request-code"),
            now + limits.code_lifetime,
        )
        events = record_guard_events(uow, guarded, request_id, actor=actor, at=now)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.REQUEST_RECEIVED,
                f"request:{request_id}",
                {
                    "kind": kind.value,
                    "due_date": due.isoformat(),
                    **({"privacy_events": events} if events else {}),
                },
            ),
            at=now,
        )
        uow.commit()
    if mailer is not None:
        minutes = int(limits.code_lifetime.total_seconds() // 60)
        subject, body = code_mail(
            language,
            request_id=request_id,
            code=code,
            verify_url=f"{verify_url}?request={reference}&lang={language}",
            minutes=minutes,
            # the status page lives beside the verify page (/privacy/requests/status)
            status_url=status_link(
                verify_url.removesuffix("/privacy/requests/verify"),
                reference,
                secret=ctx.secret,
                language=language,
            ),
        )
        mailer.send(OutgoingMail(email, subject, body, {}))
    return IntakeReceipt(request_id, reference, due)


class Verified(StrEnum):
    VERIFIED = "verified"
    ALREADY = "already_verified"


def verify_request(
    ctx: ServiceContext[RequestUnitOfWork],
    reference: str,
    code: str,
    *,
    client: str,
    limits: IntakeLimits = IntakeLimits(),  # noqa: B008 - frozen
) -> Verified:
    """Check the code of the request named ``reference``, tried from ``client``; on success
    the request is verified and its job enqueued, atomically.

    Raises :class:`TooManyTries` when this client has failed too often (on this request or
    on all together), before the code is even compared; :class:`CodeRejected` otherwise."""
    uow, secret = ctx.uow(), ctx.secret
    now = ctx.clock.now()
    since = now - limits.window
    from_client = client_key(client, secret=secret, purpose="verify-client")
    on_request = client_key(f"{client} {reference}", secret=secret, purpose="verify-pair")
    given = hash_secret(code, key=secret, purpose="request-code")
    with uow:
        failed_here = uow.requests.intake_count(on_request, since)
        if (
            failed_here >= limits.code_tries
            or uow.requests.intake_count(from_client, since) >= limits.client_tries
        ):
            raise TooManyTries
        record = uow.requests.by_reference(reference) if is_reference(reference) else None
        latest = uow.requests.latest_code(record.id) if record else None
        if record is not None and latest is not None:
            code_id, stored = latest
            check = check_code(stored, given, now=now, max_attempts=limits.request_tries)
            if check is CodeCheck.USED:
                return Verified.ALREADY
            if check is CodeCheck.ACCEPTED and record.state == RequestState.RECEIVED:
                _accept(uow, record.id, record.email, code_id, at=now, secret=secret)
                uow.commit()
                return Verified.VERIFIED
            if check is not CodeCheck.WRONG:
                raise CodeRejected(check)
            uow.requests.count_wrong_try(code_id)
        uow.requests.log_intake([from_client, on_request], now)
        uow.commit()
    raise CodeRejected(CodeCheck.WRONG, tries_left=limits.code_tries - failed_here - 1)


def _accept(
    uow: RequestUnitOfWork,
    request_id: int,
    email: str,
    code_id: int,
    *,
    at: datetime,
    secret: bytes,
) -> None:
    uow.requests.use_code(code_id, at)
    uow.requests.change_state(
        request_id,
        from_states=[RequestState.RECEIVED],
        to_state=RequestState.VERIFIED,
        actor=SystemActor.SUBJECT,
        at=at,
        note="e-mail address confirmed with a one-time code",
        fields={"verified_at": at},
    )
    uow.requests.log_intake([verified_key(email, secret=secret)], at)
    uow.jobs.enqueue(EXECUTE_TASK, f"execute:{request_id}", request_id=request_id, at=at)
    uow.audit.record(
        AuditEvent(SystemActor.SUBJECT, AuditAction.REQUEST_VERIFIED, f"request:{request_id}", {}),
        at=at,
    )
