"""The privacy center request pages and the staff queue over real HTTP (G3, D1, D7,
R-DSR-01/02): form -> code from a real SMTP server -> verify page; staff login (argon2),
queue sorted by due date, timeline, CSRF-protected decisions."""

from __future__ import annotations

import re

import httpx

from tests.e2e.helpers import add_staff, sign_in
from tests.e2e.test_requests_api import Inbox, serving, smtp  # noqa: F401
from varna.bootstrap import Container

PASSWORD = "correct-horse-battery-staple"


def test_g3_privacy_center_form_verify_and_staff_queue(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    port, inbox = smtp
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    with (
        serving(container, port) as base,
        httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client,
    ):
        form = client.get("/privacy/requests?lang=en")
        assert form.status_code == 200 and "You do not need to give a reason" in form.text
        assert "Integritetsskyddsmyndigheten (IMY)" in form.text
        assert "Du behöver inte ange något skäl" in client.get("/privacy/requests").text
        sent = client.post(
            "/privacy/requests",
            data={"lang": "en", "kind": "objection", "email": "eva.lind@example.com"},
        )
        assert sent.status_code == 200, sent.text
        found = re.search(r'name="request_id" value="([A-Za-z0-9_-]{22})"', sent.text)
        assert found
        reference = found.group(1)
        request_id, code = inbox.code_mail("eva.lind@example.com", reference)
        done = client.post(
            "/privacy/requests/verify",
            data={"lang": "en", "request_id": reference, "code": code},
        )
        assert done.status_code == 200 and "your request is confirmed" in done.text

        assert client.get("/admin/requests", follow_redirects=False).status_code == 303
        bad = client.post("/admin/login", data={"login": "dpo@example.com", "password": "x"})
        assert bad.status_code == 401
        client.headers["Accept-Language"] = "en"  # the staff member reads English
        sign_in(client, "dpo@example.com", PASSWORD)
        queue = client.get("/admin/requests?kind=objection")
        assert queue.status_code == 200 and f"/admin/requests/{request_id}" in queue.text
        detail = client.get(f"/admin/requests/{request_id}")
        csrf_match = re.search(r'name="csrf" value="([0-9a-f]+)"', detail.text)
        assert csrf_match
        csrf = csrf_match.group(1)
        assert "received" in detail.text and "verified" in detail.text
        forged = client.post(
            f"/admin/requests/{request_id}/refuse",
            data={"csrf": "0" * 64, "ground": "excessive", "reason": "x"},
        )
        assert forged.status_code == 403
        no_reason = client.post(
            f"/admin/requests/{request_id}/refuse",
            data={"csrf": csrf, "ground": "excessive", "reason": ""},
        )
        assert no_reason.status_code == 409
        extended = client.post(
            f"/admin/requests/{request_id}/extend",
            data={"csrf": csrf, "months": "2", "reason": "many systems"},
        )
        assert extended.status_code == 200 and "extended by 2 months" in extended.text
        assert "IMY" in inbox.wait_for("eva.lind@example.com", "more time needed")
        completed = client.post(
            f"/admin/requests/{request_id}/complete",
            data={"csrf": csrf, "note": "objection recorded"},
        )
        assert 'id="state">completed' in completed.text
        assert "staff:" in completed.text
