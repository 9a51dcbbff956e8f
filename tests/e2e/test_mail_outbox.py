"""Without an SMTP server (the demo default) every message varna sends waits in the mail
outbox, which only the privacy officer reads in the admin console (G3: the person can still
get their code in the demo; D7: the refusal text names IMY). Real ``varna serve``, real
``varna admin create``, SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from tests.e2e.helpers import add_staff, running_server, sign_in
from varna.adapters.db.tables import audit_events
from varna.bootstrap import Container, build
from varna.entrypoints.cli.requests import demo_privacy_officer

pytestmark = pytest.mark.e2e
EN = {"Accept-Language": "en"}  # staff read the console in English here
PASSWORD = "correct-horse-battery-staple"
EVA = "eva.lind@example.com"
SCRIPT = '<script>alert("x")</script>'


def create_staff(container: Container, login: str, role: str) -> None:
    add_staff(container.settings.database_url, login, role, PASSWORD)


def log_in(client: httpx.Client, login: str) -> None:
    signed_in = sign_in(client, login, PASSWORD)
    assert signed_in.status_code == 303, signed_in.text


def test_g3_d7_without_smtp_mail_waits_in_the_outbox_for_the_privacy_officer(
    container: Container,
) -> None:
    create_staff(container, "dpo@example.com", "privacy_officer")
    create_staff(container, "support@example.com", "support")
    with (
        running_server(container.settings.database_url) as base,
        httpx.Client(base_url=base, timeout=30) as anonymous,
        httpx.Client(base_url=base, timeout=30) as support,
        httpx.Client(base_url=base, timeout=30, headers=EN) as dpo,
    ):
        for path in ("/admin/outbox", "/admin/outbox/1"):
            redirected = anonymous.get(path)
            assert redirected.status_code == 303
            assert redirected.headers["location"] == "/admin/login"
        assert re.search(r'href="/admin(\?lang=\w+)?"', anonymous.get("/").text)  # the console

        asked = {"kind": "objection", "email": EVA, "language": "en"}
        created = anonymous.post("/api/v1/requests", json=asked)
        assert created.status_code == 202, created.text
        reference = created.json()["request_id"]

        log_in(support, "support@example.com")
        assert support.get("/admin/outbox").status_code == 403
        assert support.get("/admin/outbox/1").status_code == 403  # codes are secrets

        log_in(dpo, "dpo@example.com")
        assert re.search(r'href="/admin/outbox(\?lang=en)?"', dpo.get("/admin/requests").text)
        listing = dpo.get("/admin/outbox")
        assert listing.status_code == 200 and EVA in listing.text
        found = re.search(r'href="/admin/outbox/(\d+)">Your code for request (\d+)<', listing.text)
        assert found, listing.text
        request_id = int(found.group(2))  # the number staff see; the API knows the reference
        message = dpo.get(f"/admin/outbox/{found.group(1)}")
        assert message.status_code == 200
        body = re.search(r'<pre id="body"[^>]*>(.*?)</pre>', message.text, re.DOTALL)
        assert body and "Integritetsskyddsmyndigheten (IMY)" in body.group(1)
        code = re.search(r"^\s+(\d{6})\s*$", body.group(1), re.MULTILINE)
        assert code, body.group(1)
        assert f"?request={reference}" in body.group(1)
        verified = anonymous.post(
            f"/api/v1/requests/{reference}/verify", json={"code": code.group(1)}
        )
        assert verified.status_code == 200, verified.text

        detail = dpo.get(f"/admin/requests/{request_id}")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', detail.text)
        assert csrf
        refused = dpo.post(
            f"/admin/requests/{request_id}/refuse",
            data={"csrf": csrf.group(1), "ground": "manifestly_unfounded", "reason": SCRIPT},
        )
        assert refused.status_code == 303, refused.text
        listing = dpo.get("/admin/outbox")
        links = re.findall(r'href="/admin/outbox/(\d+)">([^<]+)<', listing.text)
        subjects = [(n, text) for n, text in links if text != n]
        assert [s for _, s in subjects][:2] == [
            f"Decision on your request {request_id}: Object to how we use your data (objection)",
            f"Your code for request {request_id}",
        ]  # newest first
        refusal = dpo.get(f"/admin/outbox/{subjects[0][0]}").text
        assert SCRIPT not in refusal  # the body is text, never HTML
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in refusal
        assert "right to take the matter to court" in refusal
    with container.engine.connect() as conn:
        reads = conn.execute(
            select(audit_events.c.actor, audit_events.c.target)
            .where(audit_events.c.action == "outbox.read")
            .order_by(audit_events.c.id)
        ).all()
    assert [target for _, target in reads] == [
        f"mail_outbox:{found.group(1)}",
        f"mail_outbox:{subjects[0][0]}",
    ]
    assert {actor for actor, _ in reads} == {reads[0].actor} and reads[0].actor.startswith("staff:")


def test_g3_the_demo_says_where_the_outbox_is(container: Container) -> None:
    """``varna demo`` prints the outbox address when no SMTP server is set, not otherwise."""
    told = demo_privacy_officer(container)
    assert "privacy officer login: dpo@example.com" in told
    assert f"{container.settings.public_url}/admin/outbox" in told
    with_smtp = build(container.settings.model_copy(update={"smtp_host": "127.0.0.1"}))
    try:
        assert "/admin/outbox" not in demo_privacy_officer(with_smtp)
    finally:
        with_smtp.close()
