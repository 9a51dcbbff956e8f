"""Staff accounts and sign-in for the request queue: who may have an account, what a session
lasts, that a wrong login and a wrong password get one answer, and that guessing is slowed
per login and per client until the window has passed. Logs never name a login or a password."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.requests import FakePasswords
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.errors import InputRefused
from varna.services.requests.staff import (
    LOGIN_TRIES,
    LOGIN_WINDOW,
    SESSION_IDLE,
    SESSION_LIFETIME,
    LoginRefused,
    LoginThrottled,
    Session,
    create_account,
    log_in,
    log_out,
    session_account,
)

LOGIN = "anna.officer"
PASSWORD = "correct horse battery"
CLIENT = "198.51.100.7"
OTHER_CLIENT = "203.0.113.9"


@pytest.fixture
def passwords() -> FakePasswords:
    return FakePasswords()


def _account(
    ctx: FakeContext,
    passwords: FakePasswords,
    login: str = LOGIN,
    role: str = "support",  # the privacy officer's second step: test_staff_second_factor.py
    password: str = PASSWORD,
) -> int:
    return create_account(ctx, login, role, password, passwords=passwords, actor="cli")


def _sign_in(
    ctx: FakeContext,
    passwords: FakePasswords,
    login: str = LOGIN,
    password: str = PASSWORD,
    client: str = CLIENT,
) -> Session:
    return log_in(ctx, login, password, passwords=passwords, client=client)


# -- accounts --------------------------------------------------------------------------------


def test_an_account_keeps_its_role_and_only_a_hash_of_its_password(
    ctx: FakeContext, uow: FakeUnitOfWork, passwords: FakePasswords
) -> None:
    account_id = _account(ctx, passwords, login=f"  {LOGIN} ", role="support")
    account = uow.staff.account(LOGIN)
    assert account is not None and (account.id, account.role) == (account_id, "support")
    assert PASSWORD not in account.password_hash
    created = uow.audit.one("staff.create")
    assert (created.actor, created.target) == ("cli", f"staff:{account_id}")
    assert created.details == {"role": "support"}  # the login is not in the audit log


@pytest.mark.parametrize(
    ("login", "role", "password", "field", "message"),
    [
        (LOGIN, "admin", PASSWORD, "role", "role must be one of privacy_officer, support"),
        (LOGIN, "support", "eleven char", "password", "at least 12 characters"),
        ("   ", "support", PASSWORD, "login", "a login is required"),
        (LOGIN, "support", PASSWORD, "login", "this login exists already"),
    ],
)
def test_an_account_needs_a_known_role_a_long_password_and_a_new_login(
    ctx: FakeContext,
    uow: FakeUnitOfWork,
    passwords: FakePasswords,
    login: str,
    role: str,
    password: str,
    field: str,
    message: str,
) -> None:
    _account(ctx, passwords)
    with pytest.raises(InputRefused, match=message) as refused:
        create_account(ctx, login, role, password, passwords=passwords, actor="cli")
    assert refused.value.field == field
    assert len(uow.staff.accounts) == 1
    assert uow.audit.actions() == ["staff.create"]


# -- sessions --------------------------------------------------------------------------------


def test_r6_a_session_in_use_lasts_until_its_absolute_end(
    ctx: FakeContext, uow: FakeUnitOfWork, passwords: FakePasswords
) -> None:
    account_id = _account(ctx, passwords)
    session = _sign_in(ctx, passwords, login=f" {LOGIN} ")
    assert session.account.id == account_id
    assert session_account(ctx, session.token) is not None
    assert session.token not in uow.staff.sessions  # hashed
    login = uow.audit.one("staff.login")
    assert (login.actor, login.target, login.details) == (f"staff:{account_id}", None, {})
    assert session_account(ctx, "not-a-session") is None
    used = timedelta()
    while used + SESSION_IDLE / 2 < SESSION_LIFETIME:  # a request every quarter hour
        ctx.clock.advance(SESSION_IDLE / 2)
        used += SESSION_IDLE / 2
        assert session_account(ctx, session.token) is not None, used
    ctx.clock.advance(SESSION_LIFETIME - used)
    assert session_account(ctx, session.token) is None


def test_r6_a_session_left_idle_ends(ctx: FakeContext, passwords: FakePasswords) -> None:
    _account(ctx, passwords)
    session = _sign_in(ctx, passwords)
    ctx.clock.advance(SESSION_IDLE - timedelta(seconds=1))
    assert session_account(ctx, session.token) is not None  # a request: the idle clock restarts
    ctx.clock.advance(SESSION_IDLE - timedelta(seconds=1))
    assert session_account(ctx, session.token) is not None
    ctx.clock.advance(SESSION_IDLE)
    assert session_account(ctx, session.token) is None


def test_signing_out_ends_that_session_only(ctx: FakeContext, passwords: FakePasswords) -> None:
    _account(ctx, passwords)
    here = _sign_in(ctx, passwords)
    elsewhere = _sign_in(ctx, passwords, client=OTHER_CLIENT)
    log_out(ctx, here.token)
    assert session_account(ctx, here.token) is None
    assert session_account(ctx, elsewhere.token) is not None
    log_out(ctx, here.token)  # again: nothing to end, no error
    log_out(ctx, "never-issued")


# -- refusals and throttling ------------------------------------------------------------------


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(
    ctx: FakeContext,
    uow: FakeUnitOfWork,
    passwords: FakePasswords,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _account(ctx, passwords)
    caplog.set_level(logging.WARNING)
    with pytest.raises(LoginRefused) as wrong_password:
        _sign_in(ctx, passwords, password="not the password")
    assert passwords.verified_unknown == 0
    with pytest.raises(LoginRefused) as unknown_login:
        _sign_in(ctx, passwords, login="nobody.here", password="not the password")
    # an unknown login is checked against a dummy hash, so it takes as long
    assert passwords.verified_unknown == 1
    assert str(wrong_password.value) == str(unknown_login.value) == "wrong login or password"
    assert uow.staff.sessions == {}
    assert "staff.login" not in uow.audit.actions()
    logged = caplog.text
    assert "refused" in logged
    assert LOGIN not in logged and "nobody.here" not in logged and CLIENT not in logged
    assert "not the password" not in logged


def test_a_login_guessed_at_too_often_is_locked_even_for_the_right_password_until_the_window_ends(
    ctx: FakeContext, passwords: FakePasswords, caplog: pytest.LogCaptureFixture
) -> None:
    _account(ctx, passwords)
    # from many clients, and in any letter case: the count is per login
    for n in range(LOGIN_TRIES):
        login = LOGIN.upper() if n % 2 else LOGIN
        with pytest.raises(LoginRefused):
            _sign_in(ctx, passwords, login=login, password="guess", client=f"192.0.2.{n}")
        ctx.clock.advance(seconds=30)
    caplog.set_level(logging.WARNING)
    with pytest.raises(LoginThrottled, match="wait 15 minutes, then try again"):
        _sign_in(ctx, passwords, client=OTHER_CLIENT)
    assert "throttled" in caplog.text and LOGIN not in caplog.text
    # the window runs from the failures, not from the refused attempts
    ctx.clock.set(ctx.clock.now() - timedelta(seconds=30 * LOGIN_TRIES) + LOGIN_WINDOW)
    with pytest.raises(LoginThrottled):
        _sign_in(ctx, passwords, client=OTHER_CLIENT)
    ctx.clock.advance(seconds=1)  # the first failure is out of the window now
    assert _sign_in(ctx, passwords, client=OTHER_CLIENT).account.login == LOGIN


def test_a_client_guessing_at_many_logins_is_locked_for_every_login(
    ctx: FakeContext, passwords: FakePasswords
) -> None:
    _account(ctx, passwords)
    for n in range(LOGIN_TRIES):
        with pytest.raises(LoginRefused):
            _sign_in(ctx, passwords, login=f"guess.{n}", password="guess")
    with pytest.raises(LoginThrottled):
        _sign_in(ctx, passwords)  # the right login and password, from that client
    assert _sign_in(ctx, passwords, client=OTHER_CLIENT).account.login == LOGIN


def test_fewer_failures_than_the_limit_do_not_lock(
    ctx: FakeContext, passwords: FakePasswords
) -> None:
    _account(ctx, passwords)
    for _ in range(LOGIN_TRIES - 1):
        with pytest.raises(LoginRefused):
            _sign_in(ctx, passwords, password="guess")
    assert _sign_in(ctx, passwords).account.login == LOGIN
