"""Run the real ``varna`` command and the real web server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET, keystore_url_for

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


def add_staff(
    database_url: str, login: str, role: str = "privacy_officer", password: str = STAFF_PASSWORD
) -> None:
    """A staff account made as an operator makes one: ``varna admin create``, the password
    on standard input."""
    created = subprocess.run(  # noqa: S603
        [VARNA, "admin", "create", login, "--role", role, "--password-stdin"],
        input=password + "\n",
        env=env_for(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr


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
