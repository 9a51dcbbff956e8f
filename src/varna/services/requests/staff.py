"""Staff accounts and sessions for the request queue: a role (privacy officer or support),
an argon2 password hash, a session token stored hashed, and a CSRF token derived from it.

Sign-in tells a stranger nothing and cannot be guessed at speed: an unknown login is checked
against a dummy hash, so it takes as long as a known one, and failed sign-ins are counted per
login and per client (keyed hashes in the intake log, so every process sees them); after
``LOGIN_TRIES`` in ``LOGIN_WINDOW`` even the right password is refused until the window has
passed. Logs name an account by its id and a client or unknown login by a keyed hash, never by
the login itself or the password.

Two-factor sign-in (``staff_second_factor.py``): an account with TOTP, and every privacy
officer, gets a half-open session after the password; it opens nothing but the second step
(a code, or enrolment) and lasts ``SECOND_STEP_LIFETIME``. A finished session ends after
``SESSION_IDLE`` without a request or ``SESSION_LIFETIME`` after sign-in, whichever is first
(both are settings)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from varna.domain.access import STAFF_ROLES, Role
from varna.domain.audit import Actor, AuditAction
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import hash_secret, new_token
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.ports import (
    Passwords,
    RequestUnitOfWork,
    StaffAccount,
)

ROLES = STAFF_ROLES
SESSION_LIFETIME = timedelta(hours=12)  # absolute: from sign-in (VARNA_STAFF_SESSION_HOURS)
SESSION_IDLE = timedelta(minutes=30)  # without a request (VARNA_STAFF_IDLE_MINUTES)
SECOND_STEP_LIFETIME = timedelta(minutes=5)  # password given, code or enrolment not yet
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
MIN_PASSWORD = 12
LOGIN_TRIES = 10  # failed sign-ins per login and per client ...
LOGIN_WINDOW = timedelta(minutes=15)  # ... in this window, before sign-in is refused
log = logging.getLogger(__name__)


class LoginRefused(VarnaError):
    def __init__(self) -> None:
        super().__init__("wrong login or password")


class LoginThrottled(VarnaError):
    """Too many failed sign-ins for this login or from this client; wait for the window."""

    def __init__(self) -> None:
        minutes = int(LOGIN_WINDOW.total_seconds() // 60)
        super().__init__(f"too many failed sign-ins; wait {minutes} minutes, then try again")


class Stage:
    """Where a session stands: open, or waiting for a code, or for enrolment."""

    DONE = "done"
    CODE = "code"
    ENROL = "enrol"


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    account: StaffAccount
    stage: str = Stage.DONE


def needs_second_step(account: StaffAccount) -> str:
    """The step a password sign-in of ``account`` still needs (``Stage``)."""
    if account.totp_enrolled_at is not None:
        return Stage.CODE
    if account.role == Role.PRIVACY_OFFICER:
        return Stage.ENROL  # two-factor is required for the privacy officer
    return Stage.DONE


def throttle_keys(ctx: ServiceContext[RequestUnitOfWork], login: str, client: str) -> list[str]:
    """The intake-log keys that count failures of ``login`` and of ``client``."""
    return [
        hash_secret(login.casefold(), key=ctx.secret, purpose="staff-login"),
        hash_secret(client, key=ctx.secret, purpose="staff-login-client"),
    ]


def check_throttle(uow: RequestUnitOfWork, keys: list[str], since: datetime) -> None:
    if any(uow.requests.intake_count(key, since) >= LOGIN_TRIES for key in keys):
        log.warning("staff sign-in throttled: login #%s, client #%s", keys[0][:12], keys[1][:12])
        raise LoginThrottled()


def open_session(
    ctx: ServiceContext[RequestUnitOfWork],
    uow: RequestUnitOfWork,
    account: StaffAccount,
    now: datetime,
    lifetime: timedelta,
) -> Session:
    """A finished session for ``account`` in ``uow``: audited, and the last sign-in noted."""
    token = new_token()
    uow.staff.add_session(account.id, session_hash(ctx, token), now, now + lifetime)
    uow.staff.update_account(account.id, last_login_at=now)
    uow.audit.record(AuditEvent(Actor.staff(account.id), AuditAction.STAFF_LOGIN, None, {}), at=now)
    return Session(token, account)


def session_hash(ctx: ServiceContext[RequestUnitOfWork], token: str) -> str:
    return hash_secret(token, key=ctx.secret, purpose="session")


def create_account(
    ctx: ServiceContext[RequestUnitOfWork],
    login: str,
    role: str,
    password: str,
    *,
    passwords: Passwords,
    actor: str,
) -> int:
    if role not in ROLES:
        raise InputRefused(f"role must be one of {', '.join(ROLES)}", field="role")
    if len(password) < MIN_PASSWORD:
        raise InputRefused(
            f"the password needs at least {MIN_PASSWORD} characters", field="password"
        )
    login = login.strip()
    if not login:
        raise InputRefused("a login is required", field="login")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if uow.staff.account(login) is not None:
            raise InputRefused("this login exists already", field="login")
        account_id = uow.staff.add_account(login, role, passwords.hash(password), now)
        uow.audit.record(
            AuditEvent(actor, AuditAction.STAFF_CREATE, f"staff:{account_id}", {"role": role}),
            at=now,
        )
        uow.commit()
    return account_id


def log_in(
    ctx: ServiceContext[RequestUnitOfWork],
    login: str,
    password: str,
    *,
    passwords: Passwords,
    client: str = "",
    lifetime: timedelta = SESSION_LIFETIME,
) -> Session:
    """A new session for ``login``, or :class:`LoginRefused` (wrong login or password, the
    same answer in the same time) or :class:`LoginThrottled`. ``client`` is the address the
    attempt comes from. The session's ``stage`` says whether a second step is still due; until
    it is done the session opens nothing else and ends after ``SECOND_STEP_LIFETIME``."""
    now = ctx.clock.now()
    login = login.strip()
    keys = throttle_keys(ctx, login, client)
    by_login, by_client = keys
    with ctx.uow() as uow:
        check_throttle(uow, keys, now - LOGIN_WINDOW)
        # No login holds a NUL (PostgreSQL text cannot): such a login is unknown, not an error.
        account = uow.staff.account(login) if "\x00" not in login else None
        # Unknown logins are checked against a dummy hash: the answer takes as long.
        matches = passwords.verify(account.password_hash if account else None, password)
        if account is None or not matches:
            uow.requests.log_intake([by_login, by_client], now)
            uow.commit()
            who = Actor.staff(account.id) if account else f"unknown login #{by_login[:12]}"
            log.warning("staff sign-in refused: %s, client #%s", who, by_client[:12])
            raise LoginRefused()
        stage = needs_second_step(account)
        if stage == Stage.DONE:
            session = open_session(ctx, uow, account, now, lifetime)
        else:
            token = new_token()
            uow.staff.add_session(
                account.id,
                session_hash(ctx, token),
                now,
                now + SECOND_STEP_LIFETIME,
                second_factor_done=False,
            )
            session = Session(token, account, stage)
        uow.commit()
    return session


def session_of(
    ctx: ServiceContext[RequestUnitOfWork], token: str, *, idle: timedelta = SESSION_IDLE
) -> Session | None:
    """The session of ``token`` and its stage, or None when it has ended: expired, idle for
    ``idle`` (a finished session), signed out, or its account disabled. A finished session's
    last request is noted at most once a minute."""
    now = ctx.clock.now()
    hashed = session_hash(ctx, token)
    with ctx.uow() as uow:
        found = uow.staff.session(hashed, now)
        if found is None:
            return None
        if not found.second_factor_done:
            return Session(token, found.account, needs_second_step(found.account))
        seen = found.last_seen_at or found.created_at
        if seen + idle <= now:
            uow.staff.end_session(hashed)
            uow.commit()
            return None
        if now - seen >= TOUCH_EVERY:
            uow.staff.touch_session(hashed, now)
            uow.commit()
        return Session(token, found.account)


def session_account(
    ctx: ServiceContext[RequestUnitOfWork], token: str, *, idle: timedelta = SESSION_IDLE
) -> StaffAccount | None:
    """The account of a finished, live session, or None."""
    session = session_of(ctx, token, idle=idle)
    return session.account if session is not None and session.stage == Stage.DONE else None


def log_out(ctx: ServiceContext[RequestUnitOfWork], token: str) -> None:
    """End this session on the server (audited when there was one)."""
    now = ctx.clock.now()
    hashed = session_hash(ctx, token)
    with ctx.uow() as uow:
        found = uow.staff.session(hashed, now)
        uow.staff.end_session(hashed)
        if found is not None:
            actor = Actor.staff(found.account.id)
            uow.audit.record(AuditEvent(actor, AuditAction.STAFF_LOGOUT, None, {}), at=now)
        uow.commit()


def end_all_sessions(uow: RequestUnitOfWork, account_id: int, actor: str, now: datetime) -> int:
    """End every session of the account in ``uow`` (audited with how many)."""
    ended = uow.staff.end_sessions(account_id)
    uow.audit.record(
        AuditEvent(
            actor, AuditAction.STAFF_LOGOUT_EVERYWHERE, f"staff:{account_id}", {"sessions": ended}
        ),
        at=now,
    )
    return ended


def log_out_everywhere(ctx: ServiceContext[RequestUnitOfWork], account_id: int, actor: str) -> int:
    """End every session of the account, this one too; how many there were."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        ended = end_all_sessions(uow, account_id, actor, now)
        uow.commit()
    return ended


def csrf_token(session_token: str, *, secret: bytes) -> str:
    """The CSRF token of a session: derived, so nothing more is stored."""
    return hash_secret(session_token, key=secret, purpose="csrf")
