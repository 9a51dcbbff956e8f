"""Staff passwords, hashed with argon2id (argon2-cffi)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash of a random password, with the same parameters as every real one: checking an
    unknown login against it costs what checking a known one does."""
    return _hasher.hash(secrets.token_urlsafe(32))


class Argon2Passwords:
    def __init__(self) -> None:
        _dummy_hash()  # made once per process, before the first sign-in is timed

    def hash(self, password: str) -> str:
        return _hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            matches = _hasher.verify(password_hash or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None
