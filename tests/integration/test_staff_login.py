"""Staff sign-in against guessing (A1, R6: the console is the door to everyone's data and to
the evidence vault): failed sign-ins are counted per login and per client in the database,
so every process sees them; after ten in fifteen minutes even the right password is refused
until the window has passed. Logs name neither the login nor the password."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from tests.contexts import by
from varna.adapters.passwords import Argon2Passwords
from varna.bootstrap import Container
from varna.services.requests.staff import (
    LOGIN_TRIES,
    LOGIN_WINDOW,
    LoginRefused,
    LoginThrottled,
    create_account,
    log_in,
)

PASSWORD = "correct-horse-battery-staple"
LOGIN = "dpo.canary@example.com"
SECRET = b"test-secret-key-not-for-production-0123456789"


class MovableClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def attempt(
    container: Container, clock: MovableClock, login: str, password: str, client: str
) -> str:
    try:
        log_in(by(container, clock), login, password, passwords=Argon2Passwords(), client=client)
    except LoginRefused:
        return "refused"
    except LoginThrottled as exc:
        assert "wait 15 minutes" in str(exc)
        return "throttled"
    return "signed in"


def test_A1_R6_failed_sign_ins_are_throttled_per_login_and_per_client(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    clock = MovableClock()
    create_account(
        by(container, clock),
        LOGIN,
        "privacy_officer",
        PASSWORD,
        passwords=Argon2Passwords(),
        actor="test",
    )
    caplog.set_level(logging.INFO)

    wrong = [
        attempt(container, clock, LOGIN, f"guess-{n}", "192.0.2.1") for n in range(LOGIN_TRIES)
    ]
    assert wrong == ["refused"] * LOGIN_TRIES
    # The right password now fails too: from the same client, and from another (by login).
    assert attempt(container, clock, LOGIN, PASSWORD, "192.0.2.1") == "throttled"
    assert attempt(container, clock, LOGIN, PASSWORD, "198.51.100.7") == "throttled"
    # The guessing client may not try another login either (by client).
    assert attempt(container, clock, "other@example.com", "x", "192.0.2.1") == "throttled"

    clock.at += LOGIN_WINDOW + timedelta(seconds=1)
    assert attempt(container, clock, LOGIN, PASSWORD, "198.51.100.7") == "signed in"

    logged = caplog.text
    assert "refused" in logged and "throttled" in logged
    for secret in (LOGIN, "dpo.canary", PASSWORD, "guess-", "other@example.com", "192.0.2.1"):
        assert secret not in logged, secret


def test_A1_R6_unknown_logins_are_counted_as_well(container: Container) -> None:
    """Guessing logins (not passwords) from one client is throttled the same way, and the
    answer is the same as for a known login: nothing tells the two apart."""
    clock = MovableClock()
    answers = {
        attempt(container, clock, f"nobody-{n}@example.com", "x", "203.0.113.5")
        for n in range(LOGIN_TRIES)
    }
    assert answers == {"refused"}
    assert attempt(container, clock, "nobody-99@example.com", "x", "203.0.113.5") == "throttled"
    assert attempt(container, clock, "nobody-99@example.com", "x", "203.0.113.6") == "refused"


def test_A1_R6_a_login_with_a_nul_byte_is_refused_like_any_wrong_login(
    container: Container,
) -> None:
    """PostgreSQL cannot compare text with a NUL; the sign-in answered 500."""
    clock = MovableClock()
    assert attempt(container, clock, "dpo\x00@example.com", "x", "192.0.2.9") == "refused"
