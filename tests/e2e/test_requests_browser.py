"""Requests in real Chromium (Debian's /usr/bin/chromium via Playwright) against ``varna serve``
and a real SMTP server: submit in the privacy center, read the code from the mail, verify, see
the result; then the staff queue with the request in it (G3, D1, D7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import PAGES_ON_SQLITE, add_staff, sign_in_browser
from tests.e2e.test_requests_api import Inbox, code_from, serving, smtp  # noqa: F401
from tests.subject_factories import build_world
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"

sync_api = pytest.importorskip("playwright.sync_api")


@PAGES_ON_SQLITE
def test_g3_request_in_the_browser_and_the_staff_queue(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
    browser: Any,
) -> None:
    build_world(container)
    port, inbox = smtp
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    with serving(container, port) as base:
        page = browser.new_context().new_page()
        page.goto(f"{base}/privacy/requests?lang=en")
        page.check("#kind-access")
        page.fill("#email", "anna.berg@example.com")
        page.click("#request-form button[type=submit]")
        page.wait_for_selector("#verify-form")
        reference = page.input_value("input[name=request_id]")
        request_id, code = inbox.code_mail("anna.berg@example.com", reference)
        page.fill("#code", code)
        page.click("#verify-form button[type=submit]")
        assert "your request is confirmed" in page.text_content("#verified")
        assert "IMY" in inbox.wait_for(
            "anna.berg@example.com", f"Answer to your request {request_id}"
        )

        staff = browser.new_context().new_page()
        sign_in_browser(staff, base, "dpo@example.com", PASSWORD)
        staff.wait_for_selector("#stats")  # signing in opens the dashboard
        staff.goto(f"{base}/admin/requests")
        staff.wait_for_selector("#queue")
        staff.click(f"a[href='/admin/requests/{request_id}']")
        timeline = staff.text_content("#timeline")
        assert "received" in timeline and "completed" in timeline
