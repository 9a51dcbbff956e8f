"""API bearer tokens: made once by the operator, sent by a program as
``Authorization: Bearer <token>``, each with one role (and, for a controller's admin, the
customer it acts for).

The token is random (``varna_`` and 256 bits), shown once when made; only its keyed hash is
stored, so the database cannot give it back. A token is checked the same way whether it is
unknown, expired or revoked: its hash is computed and looked up, then the answer is the same
"refused" for each. Wrong tokens are counted per client in the intake log (keyed hashes, like
failed sign-ins); after ``TOKEN_TRIES`` in ``TOKEN_WINDOW`` a client is refused even a good
token until the window has passed. Logs name a token by its id and a client by a keyed hash
prefix, never by the token.

Every accepted call is one ``token.used`` audit entry, written with ``last_used_at`` in a
small transaction of its own when the token is accepted, before the route runs: a call that
fails later is still on record as made."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from varna.domain.access import Role
from varna.domain.audit import Actor, AuditAction
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.codes import hash_secret
from varna.services.access.ports import ApiToken, TokenUnitOfWork
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent

PREFIX = "varna_"
TOKEN_TRIES = 10  # wrong tokens per client ...
TOKEN_WINDOW = timedelta(minutes=15)  # ... in this window, before the client is refused
MAX_NAME = 120
MAX_DAYS = 3650
log = logging.getLogger(__name__)


class TokenRefused(VarnaError):
    """Unknown, expired or revoked: one answer for each."""

    def __init__(self) -> None:
        super().__init__("unknown, expired or revoked token")


class TokenThrottled(VarnaError):
    def __init__(self) -> None:
        minutes = int(TOKEN_WINDOW.total_seconds() // 60)
        super().__init__(f"too many wrong tokens; wait {minutes} minutes, then try again")


@dataclass(frozen=True, slots=True)
class NewToken:
    id: int
    token: str  # shown once, never stored
    record: ApiToken


def token_hash(token: str, *, secret: bytes) -> str:
    return hash_secret(token, key=secret, purpose="api-token")


def create_token(
    ctx: ServiceContext[TokenUnitOfWork],
    *,
    role: str,
    name: str = "",
    controller_id: int | None = None,
    expires_days: int | None = None,
    actor: str,
) -> NewToken:
    """A new token; its string is in the answer and nowhere else. A controller's admin needs
    the customer it acts for; the company's own roles take none."""
    if role not in {r.value for r in Role}:
        roles = ", ".join(r.value for r in Role)
        raise InputRefused(f"role must be one of {roles}", field="role")
    if role == Role.CONTROLLER_ADMIN and controller_id is None:
        raise InputRefused("a controller admin's token needs --controller", field="controller")
    if role != Role.CONTROLLER_ADMIN and controller_id is not None:
        raise InputRefused("only a controller admin's token names a controller", field="controller")
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise InputRefused(f"must lie between 1 and {MAX_DAYS} days", field="expires")
    name = name.strip()
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise InputRefused(f"one line of at most {MAX_NAME} characters", field="name")
    now = ctx.clock.now()
    token = PREFIX + secrets.token_urlsafe(32)
    expires = now + timedelta(days=expires_days) if expires_days is not None else None
    with ctx.uow() as uow:
        if controller_id is not None and not uow.tokens.controller_exists(controller_id):
            raise InputRefused(f"no customer has id {controller_id}", field="controller")
        token_id = uow.tokens.add(
            name=name or role,
            role=role,
            controller_id=controller_id,
            token_hash=token_hash(token, secret=ctx.secret),
            at=now,
            expires_at=expires,
        )
        details: dict[str, object] = {"role": role}
        if controller_id is not None:
            details["controller_id"] = controller_id
        uow.audit.record(
            AuditEvent(actor, AuditAction.TOKEN_CREATED, Actor.token(token_id), details), at=now
        )
        record = uow.tokens.get(token_id)
        uow.commit()
    assert record is not None
    return NewToken(token_id, token, record)


def list_tokens(ctx: ServiceContext[TokenUnitOfWork]) -> list[ApiToken]:
    with ctx.uow() as uow:
        return uow.tokens.listing()


def revoke_token(ctx: ServiceContext[TokenUnitOfWork], token_id: int, *, actor: str) -> bool:
    """Revoke a token; False when it was revoked already. An unknown id is refused."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        record = uow.tokens.get(token_id)
        if record is None:
            raise InputRefused(f"no token has id {token_id}", field="id")
        if record.revoked_at is not None:
            return False
        uow.tokens.revoke(token_id, now)
        uow.audit.record(
            AuditEvent(actor, AuditAction.TOKEN_REVOKED, Actor.token(token_id), {}), at=now
        )
        uow.commit()
    return True


def authenticate(
    ctx: ServiceContext[TokenUnitOfWork], token: str, *, client: str, call: str
) -> ApiToken:
    """The token's record, after noting its use (``last_used_at``, one ``token.used`` entry
    naming ``call``: the method and the route's pattern, no values); or
    :class:`TokenRefused` / :class:`TokenThrottled`."""
    secret = ctx.secret
    now = ctx.clock.now()
    by_client = hash_secret(client, key=secret, purpose="api-token-client")
    # Computed for every token, known or not: an unknown token takes as long as a known one.
    hashed = token_hash(token, secret=secret) if "\x00" not in token else ""
    with ctx.uow() as uow:
        if uow.requests.intake_count(by_client, now - TOKEN_WINDOW) >= TOKEN_TRIES:
            log.warning("API token throttled: client #%s", by_client[:12])
            raise TokenThrottled()
        record = uow.tokens.by_hash(hashed)
        usable = (
            record is not None
            and record.revoked_at is None
            and (record.expires_at is None or record.expires_at > now)
        )
        if record is None or not usable:
            uow.requests.log_intake([by_client], now)
            uow.commit()
            who = Actor.token(record.id) if record else f"unknown token #{hashed[:12]}"
            log.warning("API token refused: %s, client #%s", who, by_client[:12])
            raise TokenRefused()
        uow.tokens.used(record.id, now)
        uow.audit.record(
            AuditEvent(Actor.token(record.id), AuditAction.TOKEN_USED, None, {"call": call}),
            at=now,
        )
        uow.commit()
    return record
