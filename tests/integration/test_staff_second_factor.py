"""Staff sign-in with a second factor and sessions that end, on both stores (R6, A1): the
privacy officer cannot reach the console without TOTP; a wrong, a late or a reused code is
refused; a recovery code works once; codes are throttled like passwords; sessions end when
idle, at their absolute end, when signed out everywhere and when the account is disabled;
the last active privacy officer stays. Time comes from the test's clock, codes from pyotp."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tests.contexts import by
from varna.adapters.passwords import Argon2Passwords
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.services.requests.staff import (
    LOGIN_TRIES,
    SECOND_STEP_LIFETIME,
    SESSION_IDLE,
    SESSION_LIFETIME,
    LoginThrottled,
    Session,
    Stage,
    create_account,
    log_in,
    log_out_everywhere,
    session_account,
)
from varna.services.requests.staff_admin import (
    reset_two_factor,
    set_disabled,
    set_password,
    set_role,
    staff_list,
)
from varna.services.requests.staff_second_factor import (
    CodeRefused,
    begin_enrolment,
    confirm_enrolment,
    regenerate_recovery_codes,
    second_step,
)

PASSWORD = "correct-horse-battery-staple"
OFFICER = "dpo@example.com"
PASSWORDS = Argon2Passwords()


class MovableClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 2, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30 s step

    def now(self) -> datetime:
        return self.at


def code(secret: str, clock: MovableClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.at + timedelta(seconds=30 * steps))


def account(container: Container, clock: MovableClock, login: str, role: str) -> int:
    return create_account(
        by(container, clock), login, role, PASSWORD, passwords=PASSWORDS, actor="test"
    )


def sign_in(container: Container, clock: MovableClock, login: str, client: str = "c1") -> Session:
    return log_in(by(container, clock), login, PASSWORD, passwords=PASSWORDS, client=client)


def enrolled(
    container: Container, clock: MovableClock, login: str = OFFICER, role: str = "privacy_officer"
) -> tuple[int, str, list[str]]:
    """An account with two-factor on (enrolled a minute ago); its id, secret and codes."""
    account_id = account(container, clock, login, role)
    then = MovableClock()
    then.at = clock.at - timedelta(minutes=1)
    session = sign_in(container, then, login)
    secret, uri = begin_enrolment(by(container, then), account_id)
    assert uri.startswith("otpauth://totp/") and secret in uri
    codes, opened = confirm_enrolment(by(container, then), session.token, code(secret, then))
    assert opened.stage == Stage.DONE
    return account_id, secret, codes


def test_r6_a1_a_privacy_officer_without_totp_reaches_nothing_until_enrolled(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    account_id = account(container, clock, OFFICER, "privacy_officer")
    caplog.set_level(logging.DEBUG)
    half = sign_in(container, clock, OFFICER)
    assert half.stage == Stage.ENROL
    assert session_account(ctx, half.token) is None  # no console page opens with it
    secret, _ = begin_enrolment(ctx, account_id)
    with pytest.raises(CodeRefused):
        confirm_enrolment(ctx, half.token, "000000" if code(secret, clock) != "000000" else "1")
    codes, opened = confirm_enrolment(ctx, half.token, code(secret, clock))
    assert len(codes) == len(set(codes)) == 10
    assert opened.token != half.token and session_account(ctx, opened.token) is not None
    assert session_account(ctx, half.token) is None
    # The secret is stored encrypted and never logged.
    with container.uow() as uow:
        stored = uow.staff.account(OFFICER)
    assert stored is not None and stored.totp_secret and secret not in stored.totp_secret
    assert secret not in caplog.text and not any(c in caplog.text for c in codes)
    with pytest.raises(InputRefused, match="on already"):
        begin_enrolment(ctx, account_id)  # the secret is never shown again


def test_r6_a1_a_wrong_a_late_and_a_replayed_code_are_refused(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    _, secret, _ = enrolled(container, clock)
    half = sign_in(container, clock, OFFICER)
    assert half.stage == Stage.CODE and session_account(ctx, half.token) is None
    right = code(secret, clock)
    wrong = "123456" if right != "123456" else "654321"
    with pytest.raises(CodeRefused):
        second_step(ctx, half.token, wrong)
    with pytest.raises(CodeRefused):
        second_step(ctx, half.token, code(secret, clock, steps=-3))  # too old
    assert session_account(ctx, second_step(ctx, half.token, right).token) is not None
    again = sign_in(container, clock, OFFICER)
    with pytest.raises(CodeRefused):
        second_step(ctx, again.token, right)  # replayed in its window
    # one step of clock drift is accepted: the phone runs 30 s ahead
    assert second_step(ctx, again.token, code(secret, clock, steps=1)).stage == Stage.DONE


def test_r6_a1_the_half_signed_in_state_expires_in_minutes(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    _, secret, _ = enrolled(container, clock)
    half = sign_in(container, clock, OFFICER)
    clock.at += SECOND_STEP_LIFETIME
    with pytest.raises(CodeRefused):
        second_step(ctx, half.token, code(secret, clock))


def test_r6_a1_a_recovery_code_works_once_and_new_ones_void_the_old(
    container: Container,
) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    account_id, _, codes = enrolled(container, clock)
    first = sign_in(container, clock, OFFICER)
    assert second_step(ctx, first.token, codes[0].upper()).stage == Stage.DONE
    second = sign_in(container, clock, OFFICER)
    with pytest.raises(CodeRefused):
        second_step(ctx, second.token, codes[0])  # used once already
    fresh = regenerate_recovery_codes(ctx, account_id)
    with pytest.raises(CodeRefused):
        second_step(ctx, second.token, codes[1])  # void now
    assert second_step(ctx, second.token, fresh[0]).stage == Stage.DONE
    assert_audited(container, "staff.recovery_used", 2)
    assert_audited(container, "staff.recovery_regenerated", 1)


def assert_audited(container: Container, action: str, times: int) -> None:
    from sqlalchemy import func, select

    from varna.adapters.db.tables import audit_events

    with container.engine.connect() as conn:
        count = conn.execute(
            select(func.count()).where(audit_events.c.action == action)
        ).scalar_one()
    assert count == times, action


def test_r6_a1_codes_are_throttled_per_account_and_per_client(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    _, secret, _ = enrolled(container, clock)
    enrolled(container, clock, "help@example.com", "support")
    half = sign_in(container, clock, OFFICER, client="c1")
    for n in range(LOGIN_TRIES):  # wrong codes count like wrong passwords
        with pytest.raises(CodeRefused):
            second_step(ctx, half.token, f"recovery-guess-{n}", client=f"192.0.2.{n}")
    with pytest.raises(LoginThrottled):  # per account: even the right code, from anywhere
        second_step(ctx, half.token, code(secret, clock), client="198.51.100.1")
    with pytest.raises(LoginThrottled):  # and the password step of that account too
        sign_in(container, clock, OFFICER, client="198.51.100.1")
    # Per client: wrong codes for one account lock that client for every account.
    other = sign_in(container, clock, "help@example.com", client="203.0.113.9")
    for n in range(LOGIN_TRIES):
        with pytest.raises(CodeRefused):
            second_step(ctx, other.token, f"{n:06d}", client="203.0.113.9")
    with pytest.raises(LoginThrottled):
        sign_in(container, clock, "nobody@example.com", client="203.0.113.9")


def test_r6_a1_sessions_end_when_idle_and_at_their_absolute_end(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    account(container, clock, "help@example.com", "support")
    idle = sign_in(container, clock, "help@example.com")
    busy = sign_in(container, clock, "help@example.com")
    clock.at += SESSION_IDLE - timedelta(minutes=1)
    assert session_account(ctx, busy.token) is not None
    clock.at += timedelta(minutes=1)
    assert session_account(ctx, idle.token) is None  # 30 minutes without a request
    assert session_account(ctx, busy.token) is not None
    end = MovableClock().at + SESSION_LIFETIME
    while clock.at + SESSION_IDLE / 2 < end:
        clock.at += SESSION_IDLE / 2
        assert session_account(ctx, busy.token) is not None
    clock.at = end
    assert session_account(ctx, busy.token) is None  # 12 hours after sign-in, however busy


def test_r6_a1_sign_out_everywhere_ends_every_session(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    account_id = account(container, clock, "help@example.com", "support")
    here, there = (sign_in(container, clock, "help@example.com", c) for c in ("c1", "c2"))
    assert log_out_everywhere(ctx, account_id, f"staff:{account_id}") == 2
    assert session_account(ctx, here.token) is None and session_account(ctx, there.token) is None
    assert_audited(container, "staff.logout_everywhere", 1)
    # a new password ends the sessions too
    again = sign_in(container, clock, "help@example.com")
    set_password(ctx, account_id, "a-new-long-password", passwords=PASSWORDS, actor="test")
    assert session_account(ctx, again.token) is None
    assert_audited(container, "staff.password_changed", 1)


def test_r6_a1_disabling_ends_sessions_and_the_last_officer_stays(container: Container) -> None:
    clock = MovableClock()
    ctx = by(container, clock)
    officer_id, _, _ = enrolled(container, clock)
    helper_id = account(container, clock, "help@example.com", "support")
    helper = sign_in(container, clock, "help@example.com")
    set_disabled(ctx, helper_id, disabled=True, actor="test")
    assert session_account(ctx, helper.token) is None  # at once
    with pytest.raises(InputRefused, match="last active privacy officer cannot be disabled"):
        set_disabled(ctx, officer_id, disabled=True, actor="test")
    with pytest.raises(InputRefused, match="last active privacy officer cannot be given"):
        set_role(ctx, officer_id, "support", actor="test")
    set_disabled(ctx, helper_id, disabled=False, actor="test")
    set_role(ctx, helper_id, "privacy_officer", actor="test")
    # two officers now: the first may step down; the new one must enrol at sign-in
    set_role(ctx, officer_id, "support", actor="test")
    assert sign_in(container, clock, "help@example.com").stage == Stage.ENROL
    reset_two_factor(ctx, officer_id, actor="test")
    listed = {m.login: m for m in staff_list(ctx)}
    assert listed[OFFICER].role == "support" and not listed[OFFICER].two_factor
    assert listed["help@example.com"].role == "privacy_officer"
    for action in ("staff.disabled", "staff.enabled", "staff.totp_reset"):
        assert_audited(container, action, 1)
    assert_audited(container, "staff.role_changed", 2)
