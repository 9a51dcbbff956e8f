"""Data-subject requests end to end over real HTTP from ``varna serve`` with a real SMTP server
(aiosmtpd): request -> code from the mail -> verify -> the job runs (in-process on SQLite, a
``varna worker`` on PostgreSQL) -> answer mail with a single-use link -> download once.
Promises D1, D4, D7, G3, A3; R-DSR-01, R-DSR-10."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from tests.e2e.helpers import VARNA, env_for, free_port
from tests.mail_server import smtp_server
from tests.subject_factories import build_world
from varna.adapters.db.tables import organisations
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
ANNA = "anna.berg@example.com"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, to: str, subject_part: str, timeout: float = 30) -> str:
        """The body of the first mail to ``to`` whose subject holds ``subject_part``."""
        return self._wait(to, lambda subject, _: subject_part in subject, timeout)[1]

    def code_mail(self, to: str, reference: str, timeout: float = 30) -> tuple[int, str]:
        """The code mail of the request ``reference`` (its verify link names it): the
        request's number (from the subject, for the later mails) and the code."""
        subject, body = self._wait(to, lambda _, body: f"?request={reference}" in body, timeout)
        number = re.search(r"(\d+)$", subject)
        assert number, subject
        return int(number.group(1)), code_from(body)

    def _wait(self, to: str, wanted: Any, timeout: float) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if message["To"] != to:
                    continue
                payload = message.get_payload(decode=True)
                assert isinstance(payload, bytes)
                body = payload.decode(message.get_content_charset() or "utf-8")
                if wanted(str(message["Subject"]), body):
                    return str(message["Subject"]), body
            time.sleep(0.1)
        seen = [str(m["Subject"]) for m in self.messages]
        raise AssertionError(f"no such mail to {to} within {timeout}s: {seen}")


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    with smtp_server(Inbox()) as server:
        yield server


@contextmanager
def serving(container: Container, smtp_port: int) -> Iterator[str]:
    """``varna serve`` (and on PostgreSQL one ``varna worker``) sending mail to ``smtp_port``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(
        container.settings.database_url,
        VARNA_SMTP_HOST="127.0.0.1",
        VARNA_SMTP_PORT=str(smtp_port),
        VARNA_PUBLIC_URL=base,
    )
    commands = [[VARNA, "serve", "--port", str(port)]]
    if container.settings.is_postgres:
        commands.append([VARNA, "worker", "--poll", "0.2"])
    processes = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
        for c in commands
    ]
    try:
        deadline = time.monotonic() + 90  # slow under a parallel test run
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if processes[0].poll() is not None or time.monotonic() > deadline:
                output = processes[0].stdout.read() if processes[0].poll() is not None else ""
                raise RuntimeError(f"varna serve did not start: {(output or '')[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)  # reaped, or it outlives the test
            if process.stdout:
                process.stdout.close()


def code_from(body: str) -> str:
    match = re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def test_d1_d7_access_request_end_to_end_download_once(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """D1, D7, G3: request, code by SMTP, verify, the job builds the extract, the answer mail
    names IMY and carries a link that works exactly once."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base, httpx.Client(base_url=base, timeout=30) as client:
        created = client.post("/api/v1/requests", json={"kind": "access", "email": ANNA})
        assert created.status_code == 202, created.text
        reference = created.json()["request_id"]
        number, code = inbox.code_mail(ANNA, reference)
        verified = client.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        assert verified.json() == {"request_id": reference, "state": "verified"}
        body = inbox.wait_for(ANNA, f"Svar på din begäran {number}")
        assert "Integritetsskyddsmyndigheten (IMY)" in body
        link = re.search(r"(http://\S+/privacy/requests/download/([^\s?]+))", body)
        assert link, body
        token = link.group(2)
        first = client.post(f"/api/v1/requests/download/{token}")
        assert first.status_code == 200, first.text
        assert first.json()["schema"] == "varna.extract/v1"
        assert "Anna Berg" in first.text
        assert client.post(f"/api/v1/requests/download/{token}").status_code == 410


def test_no_enumeration_same_answer_for_known_and_unknown(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """D1, G3: the answer does not reveal whether varna holds data about the address."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base, httpx.Client(base_url=base, timeout=30) as client:
        known = client.post("/api/v1/requests", json={"kind": "erasure", "email": ANNA})
        unknown = client.post(
            "/api/v1/requests", json={"kind": "erasure", "email": "nobody@example.com"}
        )
        assert known.status_code == unknown.status_code == 202
        strip = {"request_id", "due_date"}
        assert {k: v for k, v in known.json().items() if k not in strip} == {
            k: v for k, v in unknown.json().items() if k not in strip
        }
        inbox.wait_for("nobody@example.com", "begäran")  # both get a code


def test_rate_limit_per_client_and_tries_per_client(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """R-DSR-01 identity check, D1: one client gets five requests an hour, whatever the
    addresses; after five wrong tries a client is stopped for that request (429)."""
    port, inbox = smtp
    with serving(container, port) as base, httpx.Client(base_url=base, timeout=30) as client:
        statuses = [
            client.post("/api/v1/requests", json={"kind": "access", "email": f"eva{n}@example.com"})
            for n in range(6)
        ]
        assert [s.status_code for s in statuses] == [202] * 5 + [429]
        reference = statuses[0].json()["request_id"]
        _, code = inbox.code_mail("eva0@example.com", reference)
        wrong = "000000" if code != "000000" else "111111"
        for left in range(4, -1, -1):
            response = client.post(f"/api/v1/requests/{reference}/verify", json={"code": wrong})
            assert response.status_code == 400
            assert f"({left} tries left)" in response.json()["detail"]
        stopped = client.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        assert stopped.status_code == 429 and "too many" in stopped.json()["detail"]


def test_a3_processor_data_is_forwarded_to_the_controller(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """A3: a request about a SIM's end user goes to the customer, whose privacy contact gets
    the notice; the person is told where it went without the customer being named."""
    world = build_world(container)
    with container.engine.begin() as conn:
        conn.execute(
            update(organisations)
            .where(organisations.c.id == world.company_id)
            .values(privacy_contact_email="dataskydd@testbolaget.example.com")
        )
    port, inbox = smtp
    person = "slutanvandare@example.com"
    with serving(container, port) as base, httpx.Client(base_url=base, timeout=30) as client:
        created = client.post(
            "/api/v1/requests",
            json={
                "kind": "access",
                "email": person,
                "language": "en",
                "identifiers": {"iccid": world.anna_iccids[0]},
            },
        )
        reference = created.json()["request_id"]
        number, code = inbox.code_mail(person, reference)
        client.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        body = inbox.wait_for(person, f"Your request {number} is about a SIM card")
        assert "Testbolaget" not in body and "dataskydd@" not in body
        assert "IMY" in body
        notice = inbox.wait_for("dataskydd@testbolaget.example.com", f"request {number}")
        assert "SIM ids" in notice


def test_d4_erasure_answer_lists_categories(container: Container, smtp: tuple[int, Inbox]) -> None:
    """D4, D7: the erasure answer says category by category what was erased or kept."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base, httpx.Client(base_url=base, timeout=30) as client:
        created = client.post(
            "/api/v1/requests", json={"kind": "erasure", "email": ANNA, "language": "en"}
        )
        reference = created.json()["request_id"]
        number, code = inbox.code_mail(ANNA, reference)
        client.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        body = inbox.wait_for(ANNA, f"Answer to your request {number}")
        assert "category by category" in body
        assert "Bookkeeping Act" in body and "payment_history" not in body
        assert "IMY" in body
