"""The second factor of staff sign-in (R6, A1): TOTP codes (RFC 6238, 30-second steps, one
step of clock drift either way) and ten single-use recovery codes.

The TOTP secret is stored encrypted (AES-GCM, a key derived from the app secret with HKDF,
the account id as associated data) and shown only while enrolling; a code is accepted once:
the step it belongs to is recorded and a code of that step or an earlier one is refused (a
replay). Recovery codes are stored as keyed hashes and shown once. A wrong code counts like a
wrong password in the same throttle (per login and per client), and logs name the account by
its id and the client by a keyed hash, never a code or a secret."""

from __future__ import annotations

import base64
import hmac
import logging
import os
import re
import secrets
from datetime import datetime, timedelta

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from varna.domain.audit import Actor, AuditAction
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import hash_secret
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.ports import RequestUnitOfWork, StaffAccount
from varna.services.requests.staff import (
    LOGIN_WINDOW,
    SESSION_LIFETIME,
    Session,
    check_throttle,
    open_session,
    session_hash,
    throttle_keys,
)

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is accepted too
RECOVERY_CODES = 10
ISSUER = "varna"
log = logging.getLogger(__name__)
_CODE = re.compile(r"^[0-9]{6}$")


class CodeRefused(VarnaError):
    def __init__(self) -> None:
        super().__init__("wrong or already used code")


# -- the secret at rest ----------------------------------------------------------------------


def _key(secret: bytes) -> bytes:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"varna staff totp")
    return derive.derive(secret)


def seal(secret: bytes, account_id: int, totp_secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(secret)).encrypt(nonce, totp_secret.encode(), str(account_id).encode())
    return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret: bytes, account_id: int, stored: str) -> str | None:
    """The TOTP secret, or None when it cannot be read (another app secret)."""
    if not stored.startswith("v1:"):
        return None
    raw = base64.urlsafe_b64decode(stored[3:])
    try:
        opened = AESGCM(_key(secret)).decrypt(raw[:12], raw[12:], str(account_id).encode())
    except InvalidTag:
        return None
    return opened.decode()


# -- codes -----------------------------------------------------------------------------------


def step_of(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def matching_step(totp_secret: str, code: str, at: datetime) -> int | None:
    """The time step within the drift that ``code`` belongs to, or None."""
    totp = pyotp.TOTP(totp_secret)
    now = step_of(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normal_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _recovery_hash(ctx: ServiceContext[RequestUnitOfWork], code: str) -> str:
    return hash_secret(_normal_recovery(code), key=ctx.secret, purpose="staff-recovery")


def _store_recovery_codes(
    ctx: ServiceContext[RequestUnitOfWork], uow: RequestUnitOfWork, account_id: int, at: datetime
) -> list[str]:
    codes = _new_recovery_codes()
    uow.staff.replace_recovery_codes(account_id, [_recovery_hash(ctx, c) for c in codes], at)
    return codes


def _check_code(
    ctx: ServiceContext[RequestUnitOfWork],
    uow: RequestUnitOfWork,
    account: StaffAccount,
    code: str,
    now: datetime,
    *,
    recovery: bool,
) -> bool:
    """Whether ``code`` (a TOTP code, or a recovery code when ``recovery``) is right and
    unused; an accepted one is used up in ``uow``."""
    code = code.strip().replace(" ", "")
    if _CODE.match(code):
        totp_secret = unseal(ctx.secret, account.id, account.totp_secret or "")
        step = matching_step(totp_secret, code, now) if totp_secret else None
        return step is not None and uow.staff.claim_totp_step(account.id, step)
    if not recovery or not code:
        return False
    if not uow.staff.use_recovery_code(account.id, _recovery_hash(ctx, code), now):
        return False
    left = uow.staff.recovery_codes_left(account.id)
    uow.audit.record(
        AuditEvent(
            Actor.staff(account.id),
            AuditAction.STAFF_RECOVERY_USED,
            f"staff:{account.id}",
            {"left": left},
        ),
        at=now,
    )
    return True


def _refuse(
    uow: RequestUnitOfWork, keys: list[str], account: StaffAccount, now: datetime
) -> CodeRefused:
    uow.requests.log_intake(keys, now)
    uow.commit()
    log.warning("staff code refused: %s, client #%s", Actor.staff(account.id), keys[1][:12])
    return CodeRefused()


# -- the second step of a sign-in --------------------------------------------------------------


def second_step(
    ctx: ServiceContext[RequestUnitOfWork],
    token: str,
    code: str,
    *,
    client: str = "",
    lifetime: timedelta = SESSION_LIFETIME,
) -> Session:
    """Finish a sign-in that waits for a code: a TOTP code or a recovery code. The half-open
    session ends and a new, finished one begins (a new token). :class:`CodeRefused` for a
    wrong or reused code, or a session that is not waiting for a code (ended, expired);
    :class:`LoginThrottled` after too many failures."""
    now = ctx.clock.now()
    hashed = session_hash(ctx, token)
    with ctx.uow() as uow:
        found = uow.staff.session(hashed, now)
        if found is None or found.second_factor_done or found.account.totp_enrolled_at is None:
            raise CodeRefused()
        account = found.account
        keys = throttle_keys(ctx, account.login, client)
        check_throttle(uow, keys, now - LOGIN_WINDOW)
        if not _check_code(ctx, uow, account, code, now, recovery=True):
            raise _refuse(uow, keys, account, now)
        uow.staff.end_session(hashed)
        session = open_session(ctx, uow, account, now, lifetime)
        uow.commit()
    return session


# -- enrolment ---------------------------------------------------------------------------------


def begin_enrolment(ctx: ServiceContext[RequestUnitOfWork], account_id: int) -> tuple[str, str]:
    """A new TOTP secret for an account without two-factor, stored encrypted until a first
    code confirms it; returns the secret (a text key) and its otpauth:// URI, to show once."""
    totp_secret = pyotp.random_base32()
    with ctx.uow() as uow:
        account = uow.staff.account_by_id(account_id)
        if account is None or account.totp_enrolled_at is not None:
            raise InputRefused("two-factor sign-in is on already", field="code")
        uow.staff.update_account(
            account_id, totp_secret=seal(ctx.secret, account_id, totp_secret), totp_last_step=None
        )
        uow.commit()
    uri = pyotp.TOTP(totp_secret).provisioning_uri(name=account.login, issuer_name=ISSUER)
    return totp_secret, uri


def confirm_enrolment(
    ctx: ServiceContext[RequestUnitOfWork],
    token: str,
    code: str,
    *,
    client: str = "",
    lifetime: timedelta = SESSION_LIFETIME,
) -> tuple[list[str], Session]:
    """Turn two-factor on with a first code from the app, for the account of session
    ``token`` (a finished one, or one waiting for enrolment). Returns the ten recovery codes,
    to show once, and the session to use from now on (a new one when the sign-in was waiting
    for enrolment)."""
    now = ctx.clock.now()
    hashed = session_hash(ctx, token)
    with ctx.uow() as uow:
        found = uow.staff.session(hashed, now)
        if found is None or found.account.totp_enrolled_at is not None:
            raise CodeRefused()
        account = found.account
        keys = throttle_keys(ctx, account.login, client)
        check_throttle(uow, keys, now - LOGIN_WINDOW)
        if account.totp_secret is None or not _check_code(
            ctx, uow, account, code, now, recovery=False
        ):
            raise _refuse(uow, keys, account, now)
        uow.staff.update_account(account.id, totp_enrolled_at=now)
        codes = _store_recovery_codes(ctx, uow, account.id, now)
        uow.audit.record(
            AuditEvent(
                Actor.staff(account.id), AuditAction.STAFF_TOTP_ENROLLED, f"staff:{account.id}", {}
            ),
            at=now,
        )
        if found.second_factor_done:
            session = Session(token, account)
        else:
            uow.staff.end_session(hashed)
            session = open_session(ctx, uow, account, now, lifetime)
        uow.commit()
    return codes, session


def regenerate_recovery_codes(ctx: ServiceContext[RequestUnitOfWork], account_id: int) -> list[str]:
    """Ten new recovery codes for an account with two-factor on; the old ones are void."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        account = uow.staff.account_by_id(account_id)
        if account is None or account.totp_enrolled_at is None:
            raise InputRefused("two-factor sign-in is not on", field="code")
        codes = _store_recovery_codes(ctx, uow, account_id, now)
        uow.audit.record(
            AuditEvent(
                Actor.staff(account_id),
                AuditAction.STAFF_RECOVERY_REGENERATED,
                f"staff:{account_id}",
                {"codes": len(codes)},
            ),
            at=now,
        )
        uow.commit()
    return codes


def recovery_codes_left(ctx: ServiceContext[RequestUnitOfWork], account_id: int) -> int:
    with ctx.uow() as uow:
        return uow.staff.recovery_codes_left(account_id)
