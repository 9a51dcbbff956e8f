"""Staff accounts and sessions for the request queue: a role (privacy officer or support),
an argon2 password hash, a session token stored hashed, and a CSRF token derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import hash_secret, new_token
from varna.services.ports import AuditEvent, Clock
from varna.services.requests.ports import Passwords, RequestUnitOfWork, StaffAccount

ROLES = ("privacy_officer", "support")
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD = 12


class LoginRefused(VarnaError):
    def __init__(self) -> None:
        super().__init__("wrong login or password")


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    account: StaffAccount


def create_account(
    uow: RequestUnitOfWork, login: str, role: str, password: str, *, passwords: Passwords,
    actor: str, clock: Clock,
) -> int:  # fmt: skip
    if role not in ROLES:
        raise InputRefused(f"role must be one of {', '.join(ROLES)}", field="role")
    if len(password) < MIN_PASSWORD:
        raise InputRefused(f"the password needs at least {MIN_PASSWORD} characters",
                           field="password")  # fmt: skip
    login = login.strip()
    if not login:
        raise InputRefused("a login is required", field="login")
    now = clock.now()
    with uow:
        if uow.staff.account(login) is not None:
            raise InputRefused("this login exists already", field="login")
        account_id = uow.staff.add_account(login, role, passwords.hash(password), now)
        uow.audit.record(AuditEvent(actor, "staff.create", f"staff:{account_id}",
                                    {"role": role}), at=now)  # fmt: skip
        uow.commit()
    return account_id


def log_in(
    uow: RequestUnitOfWork, login: str, password: str, *, passwords: Passwords, clock: Clock,
    secret: bytes,
) -> Session:  # fmt: skip
    now = clock.now()
    with uow:
        account = uow.staff.account(login.strip())
        if account is None or not passwords.verify(account.password_hash, password):
            raise LoginRefused()
        token = new_token()
        uow.staff.add_session(account.id, hash_secret(token, key=secret, purpose="session"), now,
                              now + SESSION_LIFETIME)  # fmt: skip
        uow.audit.record(AuditEvent(f"staff:{account.id}", "staff.login", None, {}), at=now)
        uow.commit()
    return Session(token, account)


def session_account(
    uow: RequestUnitOfWork, token: str, *, clock: Clock, secret: bytes
) -> StaffAccount | None:
    with uow:
        return uow.staff.session_account(
            hash_secret(token, key=secret, purpose="session"), clock.now()
        )


def log_out(uow: RequestUnitOfWork, token: str, *, secret: bytes) -> None:
    with uow:
        uow.staff.end_session(hash_secret(token, key=secret, purpose="session"))
        uow.commit()


def csrf_token(session_token: str, *, secret: bytes) -> str:
    """The CSRF token of a session: derived, so nothing more is stored."""
    return hash_secret(session_token, key=secret, purpose="csrf")
