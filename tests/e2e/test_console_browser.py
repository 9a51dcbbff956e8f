"""The console in real Chromium (G3, D3): a person asks for a rectification in the privacy
center; the privacy officer signs in, sees the dashboard, opens the request from the queue,
applies the new value through the case view and completes the request, in Swedish and in
English (the language of the officer's browser)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.e2e.helpers import PAGES_ON_SQLITE, add_staff, sign_in_browser
from tests.e2e.test_requests_api import Inbox, serving, smtp  # noqa: F401
from tests.subject_factories import build_world
from varna.adapters.db.tables import people
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"
WORDS = {
    "sv": {"dashboard": "Översikt", "corrected": "slutförd", "apply": "Spara det nya värdet"},
    "en": {"dashboard": "Dashboard", "corrected": "completed", "apply": "Apply the new value"},
}

sync_api = pytest.importorskip("playwright.sync_api")


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d3_g3_privacy_officer_rectifies_from_the_case_view(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
    browser: Any,
    lang: str,
) -> None:
    """D3, G3: the rectification request is carried out in the console: the new name is in
    the person's record and the request is completed, in the officer's language."""
    world = build_world(container)
    port, inbox = smtp
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    with serving(container, port) as base:
        person = browser.new_context(locale="en-GB").new_page()
        person.goto(f"{base}/privacy/requests?lang=en")
        person.check("#kind-rectification")
        person.fill("#email", "anna.berg@example.com")
        person.fill("#details", "My name is spelt Anna Bergh.")
        person.click("#request-form button[type=submit]")
        person.wait_for_selector("#verify-form")
        reference = person.input_value("input[name=request_id]")
        request_id, code = inbox.code_mail("anna.berg@example.com", reference)
        person.fill("#code", code)
        person.click("#verify-form button[type=submit]")
        person.wait_for_selector("#verified")

        staff = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB").new_page()
        sign_in_browser(staff, base, "dpo@example.com", PASSWORD)
        staff.wait_for_selector("#stats")  # signing in opens the dashboard
        assert staff.text_content("h1") == WORDS[lang]["dashboard"]
        assert staff.locator("#stats .stat").count() >= 4
        assert staff.locator("svg[role=img] > title").count() == 2
        staff.click(f"nav a[href='/admin/requests?lang={lang}']")
        staff.click(f"a[href='/admin/requests/{request_id}']")
        staff.wait_for_selector("#rectify-form", timeout=30_000)
        assert "Anna Bergh" in staff.text_content("main")  # what the person wrote
        staff.select_option("#field", "full_name")
        staff.fill("#value", "Anna Bergh")
        staff.click(f"#rectify-form button:has-text('{WORDS[lang]['apply']}')")
        staff.wait_for_selector("#timeline")
        staff.fill("#note", "name corrected")
        staff.click("form[action$='/complete'] button[type=submit]")
        staff.wait_for_selector("#state")
        assert staff.text_content("#state") == WORDS[lang]["corrected"]
        assert staff.locator("html").get_attribute("lang") == lang
    with container.engine.connect() as conn:
        name = conn.execute(
            select(people.c.full_name).where(people.c.id == world.anna_id)
        ).scalar_one()
    assert name == "Anna Bergh"
