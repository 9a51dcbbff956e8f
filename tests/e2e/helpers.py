"""Run the real ``varna`` command and the real web server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pyotp
import pytest

from tests.conftest import TEST_SECRET, keystore_url_for

if TYPE_CHECKING:
    from playwright.sync_api import Page

VARNA = str(Path(sys.executable).parent / "varna")


def env_for(database_url: str, *, secret: str | None = TEST_SECRET, **extra: str) -> dict[str, str]:
    """The environment of a ``varna`` child: no VARNA_ setting of the test run's own, the
    database, the test secret (none when ``secret`` is None) and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VARNA_")}
    env.update(VARNA_DATABASE_URL=database_url, COLUMNS="200")
    keystore = keystore_url_for(database_url)
    if keystore is not None:
        env.update(VARNA_KEYSTORE_URL=keystore)
    if secret is not None:
        env.update(VARNA_SECRET_KEY=secret)
    env.update(extra)
    return env


def varna(
    database_url: str, *args: str, timeout: float = 300, secret: str | None = TEST_SECRET
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VARNA, *args],
        env=env_for(database_url, secret=secret),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


STAFF_PASSWORD = "correct-horse-battery-staple"
# Two-factor sign-in of the accounts this test process made: the TOTP secret of the latest
# account of each login, the last time step a code was given for (a code is good once), and
# the unused recovery codes (for a fourth sign-in within one 30-second step).
TOTP: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}
RECOVERY: dict[str, list[str]] = {}


def add_staff(
    database_url: str,
    login: str,
    role: str = "privacy_officer",
    password: str = STAFF_PASSWORD,
    *,
    totp: bool | None = None,
) -> str | None:
    """A staff account made as an operator makes one: ``varna admin create``, the password
    on standard input. With ``totp`` (the default for a privacy officer, who needs it) its
    two-factor sign-in is set up as the member would; returns the TOTP secret."""
    created = subprocess.run(  # noqa: S603
        [VARNA, "admin", "create", login, "--role", role, "--password-stdin"],
        input=password + "\n",
        env=env_for(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    if totp if totp is not None else role == "privacy_officer":
        return enrol_totp(database_url, login, password)
    return None


def enrol_totp(database_url: str, login: str, password: str = STAFF_PASSWORD) -> str:
    """Set up two-factor sign-in for ``login`` through the services a member's browser uses
    (sign in, a new secret, a first code), as of ten minutes ago, so that every code of now
    is still unused; returns the secret and keeps it and the recovery codes for
    :func:`code_for`."""
    from tests.contexts import At
    from varna.bootstrap import build
    from varna.config import Settings
    from varna.services.requests.staff import log_in
    from varna.services.requests.staff_second_factor import begin_enrolment, confirm_enrolment

    past = datetime.now(UTC) - timedelta(minutes=10)
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET)  # type: ignore[arg-type]
    wired = build(settings)
    try:
        then = wired.with_clock(At(past))
        session = log_in(then, login, password, passwords=wired.passwords, client="tests")
        secret, _ = begin_enrolment(then, session.account.id)
        codes, _ = confirm_enrolment(then, session.token, pyotp.TOTP(secret).at(past))
    finally:
        wired.close()
    TOTP[login], RECOVERY[login] = secret, codes
    _LAST_STEP[secret] = int(past.timestamp()) // 30
    return secret


def code_for(login: str) -> str:
    """A code for ``login`` that was not given yet: the TOTP code of the earliest unused step
    within the drift the server accepts, else a recovery code."""
    secret = TOTP[login]
    now = int(time.time()) // 30
    step = max(_LAST_STEP[secret] + 1, now - 1)
    if step > now + 1:
        return RECOVERY[login].pop()
    _LAST_STEP[secret] = step
    return pyotp.TOTP(secret).generate_otp(step)


def sign_in(
    client: httpx.Client, login: str, password: str = STAFF_PASSWORD, **data: str
) -> httpx.Response:
    """Sign ``client`` in to the console: the password, then (when asked) a code; the answer
    to the last step (a redirect to the console when it worked)."""
    password_form = {"login": login, "password": password, **data}
    answer = client.post("/admin/login", data=password_form, follow_redirects=False)
    if answer.status_code == 303 and answer.headers["location"].startswith("/admin/login/code"):
        form = client.get("/admin/login/code")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None, form.text
        code = {"code": code_for(login), "csrf": csrf.group(1), **data}
        answer = client.post("/admin/login/code", data=code, follow_redirects=False)
    return answer


def sign_in_browser(page: Page, base: str, login: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the real pages in a browser: the password, then the code when asked."""
    page.goto(f"{base}/admin/login")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if "/admin/login/code" in page.url:
        page.fill("#code", code_for(login))
        with page.expect_navigation():
            page.click("main button[type=submit]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    database_url: str,
    *args: str,
    secret: str | None = TEST_SECRET,
    output: Path | None = None,
    **env: str,
) -> Iterator[str]:
    """``varna serve`` in a child process (``env``: extra VARNA_ settings); yields its base
    URL. With ``output``, everything the server prints goes to that file."""
    port = free_port()
    sink = output.open("w") if output is not None else None
    process = subprocess.Popen(  # noqa: S603
        [VARNA, "serve", "--port", str(port), *args],
        env=env_for(database_url, secret=secret, **env),
        stdout=sink or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()  # reading the output of a live server would block forever
                printed, _ = process.communicate(timeout=10)
                if output is not None:
                    printed = output.read_text(encoding="utf-8")
                raise RuntimeError(f"varna serve did not start: {printed[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)  # reaped, or it outlives the test
        if sink is not None:
            sink.close()
        if process.stdout:
            process.stdout.close()


# A browser test of pages runs on SQLite alone: what it shows a person is the same on either
# store, and each storage path it touches is tested on both by the API and integration tests.
PAGES_ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
