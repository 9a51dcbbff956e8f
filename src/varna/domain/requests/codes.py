"""One-time verification codes and request references (R-DSR-01: a proportionate identity
check). Only a keyed hash of a code is stored; a code expires, and locks after many wrong
tries. A request is named in public by a random reference, never by its sequential number,
so nobody can address a request they were not told about."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=30)
MAX_ATTEMPTS = 5
REFERENCE_BYTES = 16  # 128 random bits
_REFERENCE = re.compile(r"[A-Za-z0-9_-]{22}")


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def new_token() -> str:
    """A long random token for links (download, verification link)."""
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    """The public name of a request (URL-safe, 22 characters, 128 random bits)."""
    return secrets.token_urlsafe(REFERENCE_BYTES)


def is_reference(value: str) -> bool:
    """Whether ``value`` has the shape of a reference (not whether one exists)."""
    return _REFERENCE.fullmatch(value) is not None


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

    Only the right code learns the code's state (used, locked, expired): any other try is
    WRONG whatever the state, so a try without the code tells nothing about the request. A
    code with ``max_attempts`` wrong tries (from every client together) is locked."""
    if not hmac.compare_digest(stored.code_hash, given_hash):
        return CodeCheck.WRONG
    if stored.used_at is not None:
        return CodeCheck.USED
    if stored.attempts >= max_attempts:
        return CodeCheck.LOCKED
    if now >= stored.expires_at:
        return CodeCheck.EXPIRED
    return CodeCheck.ACCEPTED


def status_key(reference: str, *, key: bytes) -> str:
    """The key a request's mails add to its status page's link: it shows the answer there.
    The reference alone (shown on the page after submitting) shows only the state. A keyed
    hash of the reference, so nothing is stored; 128 bits, compared in constant time."""
    return hash_secret(reference, key=key, purpose="status")[:32]


def is_status_key(reference: str, given: str, *, key: bytes) -> bool:
    return hmac.compare_digest(status_key(reference, key=key), given.strip()[:64])
