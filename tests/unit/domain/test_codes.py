"""One-time codes and public references of requests (R-DSR-01): keyed hashes, expiry,
locking, and references nobody can guess from a request's number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from varna.domain.requests.codes import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    CodeCheck,
    StoredCode,
    check_code,
    hash_secret,
    is_reference,
    new_reference,
    new_token,
)

KEY = b"k" * 32
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
GOOD = hash_secret("123456", key=KEY, purpose="request-code")


def stored(*, attempts: int = 0, used: datetime | None = None) -> StoredCode:
    return StoredCode(GOOD, NOW + CODE_LIFETIME, attempts, used)


def test_d1_a_reference_is_long_random_and_has_its_own_shape() -> None:
    """D1: a request is named by 128 random bits, never by its sequential number."""
    references = {new_reference() for _ in range(50)}
    assert len(references) == 50
    assert all(is_reference(r) for r in references)
    assert len(new_token()) >= 43 and not is_reference(new_token())


@pytest.mark.parametrize(
    "value",
    ["", "42", "a" * 21, "a" * 23, "a" * 21 + "=", "a" * 21 + "/", "a" * 21 + "\n"],
)
def test_d1_is_reference_refuses_other_shapes(value: str) -> None:
    assert not is_reference(value)


def test_the_hash_depends_on_key_and_purpose_not_on_blanks_around_the_code() -> None:
    assert hash_secret(" 123456\n", key=KEY, purpose="request-code") == GOOD
    assert hash_secret("123456", key=KEY, purpose="download") != GOOD
    assert hash_secret("123456", key=b"x" * 32, purpose="request-code") != GOOD


def test_a_code_is_accepted_until_the_last_moment_and_expired_from_it() -> None:
    last = NOW + CODE_LIFETIME - timedelta(microseconds=1)
    assert check_code(stored(), GOOD, now=last) is CodeCheck.ACCEPTED
    assert check_code(stored(), GOOD, now=NOW + CODE_LIFETIME) is CodeCheck.EXPIRED


def test_the_last_allowed_try_is_accepted_and_the_next_is_locked() -> None:
    assert check_code(stored(attempts=MAX_ATTEMPTS - 1), GOOD, now=NOW) is CodeCheck.ACCEPTED
    assert check_code(stored(attempts=MAX_ATTEMPTS), GOOD, now=NOW) is CodeCheck.LOCKED
    assert check_code(stored(attempts=2), GOOD, now=NOW, max_attempts=2) is CodeCheck.LOCKED


def test_a_used_code_says_used_before_locked_or_expired() -> None:
    """Once used, the right code is told so whatever else holds (a second click on the link)."""
    spent = stored(attempts=MAX_ATTEMPTS, used=NOW)
    assert check_code(spent, GOOD, now=NOW + CODE_LIFETIME) is CodeCheck.USED
    locked = stored(attempts=MAX_ATTEMPTS)
    assert check_code(locked, GOOD, now=NOW + CODE_LIFETIME) is CodeCheck.LOCKED


@given(code=st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_only_the_hash_of_a_code_is_kept(code: str) -> None:
    digest = hash_secret(code, key=KEY, purpose="request-code")
    assert len(digest) == 64
    assert check_code(stored(), digest, now=NOW) is (
        CodeCheck.ACCEPTED if code == "123456" else CodeCheck.WRONG
    )
