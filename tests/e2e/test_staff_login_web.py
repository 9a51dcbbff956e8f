"""The staff sign-in over real HTTP (A1, R6): an unknown login is answered as slowly as a
known one with a wrong password (the hash runs for both), and after ten failures from one
client even the right password gets 429 with a "wait" message."""

from __future__ import annotations

import statistics
import time

import httpx

from tests.e2e.helpers import running_server
from tests.e2e.test_public_pages import PASSWORD, add_staff
from varna.bootstrap import Container

EN = {"Accept-Language": "en"}  # staff read the console in English here


def timed_login(client: httpx.Client, login: str, password: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.post("/admin/login", data={"login": login, "password": password})
    return time.perf_counter() - started, answer.status_code


def test_A1_R6_unknown_and_known_logins_take_as_long_and_guessing_is_throttled(
    container: Container,
) -> None:
    add_staff(container, "dpo@example.com", "privacy_officer")
    with (
        running_server(container.settings.database_url) as base,
        httpx.Client(base_url=base, timeout=30, headers=EN) as client,
    ):
        known, unknown = [], []
        for n in range(5):  # taking turns, so load on the machine hits both alike
            seconds, status = timed_login(client, "dpo@example.com", f"wrong-{n}")
            known.append(seconds)
            assert status == 401
            seconds, status = timed_login(client, f"nobody-{n}@example.com", "wrong")
            unknown.append(seconds)
            assert status == 401
        # That was ten failures from this client: now even the right password is refused.
        throttled = client.post(
            "/admin/login", data={"login": "dpo@example.com", "password": PASSWORD}
        )

    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2, (known, unknown)
    assert throttled.status_code == 429
    assert "too many failed sign-ins; wait 15 minutes" in throttled.text
    assert throttled.headers["Retry-After"] == "900"
