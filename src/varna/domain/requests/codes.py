"""One-time verification codes (R-DSR-01: a proportionate identity check). Only a keyed hash is
stored; a code expires and locks after a few wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=30)
MAX_ATTEMPTS = 5


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def new_token() -> str:
    """A long random token for links (download, verification link)."""
    return secrets.token_urlsafe(32)


def hash_secret(value: str, *, key: bytes, purpose: str) -> str:
    """The keyed hash (HMAC-SHA256) that is stored instead of a code or token."""
    return hmac.new(key, f"{purpose}:{value.strip()}".encode(), hashlib.sha256).hexdigest()


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"
    USED = "used"


@dataclass(frozen=True, slots=True)
class StoredCode:
    code_hash: str
    expires_at: datetime
    attempts: int
    used_at: datetime | None


def check_code(
    stored: StoredCode, given_hash: str, *, now: datetime, max_attempts: int = MAX_ATTEMPTS
) -> CodeCheck:
    """Judge a try; the caller counts a WRONG try (attempts + 1) in the same transaction.
    A code with ``max_attempts`` wrong tries is locked."""
    if stored.used_at is not None:
        return CodeCheck.USED
    if stored.attempts >= max_attempts:
        return CodeCheck.LOCKED
    if now >= stored.expires_at:
        return CodeCheck.EXPIRED
    if hmac.compare_digest(stored.code_hash, given_hash):
        return CodeCheck.ACCEPTED
    return CodeCheck.WRONG
