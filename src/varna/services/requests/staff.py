"""Staff accounts and sessions for the request queue: a role (privacy officer or support),
an argon2 password hash, a session token stored hashed, and a CSRF token derived from it.

Sign-in tells a stranger nothing and cannot be guessed at speed: an unknown login is checked
against a dummy hash, so it takes as long as a known one, and failed sign-ins are counted per
login and per client (keyed hashes in the intake log, so every process sees them); after
``LOGIN_TRIES`` in ``LOGIN_WINDOW`` even the right password is refused until the window has
passed. Logs name an account by its id and a client or unknown login by a keyed hash, never by
the login itself or the password."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from varna.domain.access import STAFF_ROLES
from varna.domain.audit import Actor, AuditAction
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import hash_secret, new_token
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.ports import Passwords, RequestUnitOfWork, StaffAccount

ROLES = STAFF_ROLES
SESSION_LIFETIME = timedelta(hours=8)
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


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    account: StaffAccount


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
) -> Session:
    """A new session for ``login``, or :class:`LoginRefused` (wrong login or password, the
    same answer in the same time) or :class:`LoginThrottled`. ``client`` is the address the
    attempt comes from."""
    secret = ctx.secret
    now = ctx.clock.now()
    login = login.strip()
    by_login = hash_secret(login.casefold(), key=secret, purpose="staff-login")
    by_client = hash_secret(client, key=secret, purpose="staff-login-client")
    with ctx.uow() as uow:
        since = now - LOGIN_WINDOW
        if any(
            uow.requests.intake_count(key, since) >= LOGIN_TRIES for key in (by_login, by_client)
        ):
            log.warning(
                "staff sign-in throttled: login #%s, client #%s", by_login[:12], by_client[:12]
            )
            raise LoginThrottled()
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
        token = new_token()
        uow.staff.add_session(
            account.id,
            hash_secret(token, key=secret, purpose="session"),
            now,
            now + SESSION_LIFETIME,
        )
        uow.audit.record(
            AuditEvent(Actor.staff(account.id), AuditAction.STAFF_LOGIN, None, {}), at=now
        )
        uow.commit()
    return Session(token, account)


def session_account(ctx: ServiceContext[RequestUnitOfWork], token: str) -> StaffAccount | None:
    with ctx.uow() as uow:
        return uow.staff.session_account(
            hash_secret(token, key=ctx.secret, purpose="session"), ctx.clock.now()
        )


def log_out(ctx: ServiceContext[RequestUnitOfWork], token: str) -> None:
    with ctx.uow() as uow:
        uow.staff.end_session(hash_secret(token, key=ctx.secret, purpose="session"))
        uow.commit()


def csrf_token(session_token: str, *, secret: bytes) -> str:
    """The CSRF token of a session: derived, so nothing more is stored."""
    return hash_secret(session_token, key=secret, purpose="csrf")
