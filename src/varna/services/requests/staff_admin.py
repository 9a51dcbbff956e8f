"""Staff administration by the privacy officer (R6, A1): list the accounts, add one, disable
and re-enable, change a role or a password, reset two-factor sign-in, sign an account out
everywhere.

Disabling an account, changing its role or password and resetting its two-factor end all its
sessions at
once. The last active privacy officer can be neither disabled nor given another role: someone
must always be able to run the console. Every change is audited with the account's id, never
its login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from varna.domain.access import Role
from varna.domain.audit import AuditAction
from varna.domain.errors import InputRefused
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.ports import Passwords, RequestUnitOfWork, StaffAccount
from varna.services.requests.staff import MIN_PASSWORD, ROLES, end_all_sessions


@dataclass(frozen=True, slots=True)
class StaffMember:
    """What the staff list shows of an account (never its hashes or secret)."""

    id: int
    login: str
    role: str
    two_factor: bool
    last_login_at: datetime | None
    disabled: bool


def staff_list(ctx: ServiceContext[RequestUnitOfWork]) -> list[StaffMember]:
    with ctx.uow() as uow:
        accounts = uow.staff.all_accounts()
    return [
        StaffMember(
            a.id,
            a.login,
            a.role,
            a.totp_enrolled_at is not None,
            a.last_login_at,
            a.disabled_at is not None,
        )
        for a in accounts
    ]


def find_member(ctx: ServiceContext[RequestUnitOfWork], login: str) -> int:
    """The id of the account with ``login`` (disabled or not), or InputRefused."""
    login = login.strip()
    with ctx.uow() as uow:
        for account in uow.staff.all_accounts():
            if account.login == login:
                return account.id
    raise InputRefused("no staff account has this login", field="login")


def _account(uow: RequestUnitOfWork, account_id: int) -> StaffAccount:
    account = uow.staff.account_by_id(account_id)
    if account is None:
        raise InputRefused("no such staff account", field="account")
    return account


def _last_officer(uow: RequestUnitOfWork, account: StaffAccount) -> bool:
    return (
        account.role == Role.PRIVACY_OFFICER
        and account.disabled_at is None
        and uow.staff.active_officers() <= 1
    )


def _audit(
    uow: RequestUnitOfWork,
    actor: str,
    action: AuditAction,
    account_id: int,
    details: dict[str, object],
    at: datetime,
) -> None:
    uow.audit.record(AuditEvent(actor, action, f"staff:{account_id}", details), at=at)


def set_disabled(
    ctx: ServiceContext[RequestUnitOfWork], account_id: int, *, disabled: bool, actor: str
) -> None:
    """Disable (ending every session at once) or re-enable an account."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        account = _account(uow, account_id)
        if (account.disabled_at is not None) == disabled:
            return  # already so: nothing changes, nothing to audit
        if disabled:
            if _last_officer(uow, account):
                raise InputRefused(
                    "the last active privacy officer cannot be disabled", field="account"
                )
            uow.staff.update_account(account_id, disabled_at=now)
            _audit(uow, actor, AuditAction.STAFF_DISABLED, account_id, {}, now)
            end_all_sessions(uow, account_id, actor, now)
        else:
            uow.staff.update_account(account_id, disabled_at=None)
            _audit(uow, actor, AuditAction.STAFF_ENABLED, account_id, {}, now)
        uow.commit()


def set_role(
    ctx: ServiceContext[RequestUnitOfWork], account_id: int, role: str, *, actor: str
) -> None:
    """Give an account another role; its sessions end (the next sign-in has the new one)."""
    if role not in ROLES:
        raise InputRefused(f"role must be one of {', '.join(ROLES)}", field="role")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        account = _account(uow, account_id)
        if account.role == role:
            return
        if _last_officer(uow, account):
            raise InputRefused(
                "the last active privacy officer cannot be given another role", field="role"
            )
        uow.staff.update_account(account_id, role=role)
        details: dict[str, object] = {"from": account.role, "to": role}
        _audit(uow, actor, AuditAction.STAFF_ROLE_CHANGED, account_id, details, now)
        end_all_sessions(uow, account_id, actor, now)
        uow.commit()


def set_password(
    ctx: ServiceContext[RequestUnitOfWork],
    account_id: int,
    password: str,
    *,
    passwords: Passwords,
    actor: str,
) -> None:
    """A new password for an account (argon2); its sessions end."""
    if len(password) < MIN_PASSWORD:
        raise InputRefused(
            f"the password needs at least {MIN_PASSWORD} characters", field="password"
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        _account(uow, account_id)
        uow.staff.update_account(account_id, password_hash=passwords.hash(password))
        _audit(uow, actor, AuditAction.STAFF_PASSWORD_CHANGED, account_id, {}, now)
        end_all_sessions(uow, account_id, actor, now)
        uow.commit()


def reset_two_factor(
    ctx: ServiceContext[RequestUnitOfWork], account_id: int, *, actor: str
) -> None:
    """Turn two-factor off for an account that lost its app and its recovery codes: the
    secret and the codes are deleted and its sessions end; a privacy officer enrols again at
    the next sign-in."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        _account(uow, account_id)
        uow.staff.update_account(
            account_id, totp_secret=None, totp_enrolled_at=None, totp_last_step=None
        )
        uow.staff.replace_recovery_codes(account_id, [], now)
        _audit(uow, actor, AuditAction.STAFF_TOTP_RESET, account_id, {}, now)
        end_all_sessions(uow, account_id, actor, now)
        uow.commit()


def sign_out_everywhere(
    ctx: ServiceContext[RequestUnitOfWork], account_id: int, *, actor: str
) -> int:
    """End every session of an account; how many there were."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        _account(uow, account_id)
        ended = end_all_sessions(uow, account_id, actor, now)
        uow.commit()
    return ended
