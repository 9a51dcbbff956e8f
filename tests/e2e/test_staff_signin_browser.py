"""Two-factor sign-in in real Chromium, in Swedish and English (R6, A1, G3): a privacy
officer's first sign-in leads to enrolment (the key as text and a QR code drawn on the
server), a first code turns it on and shows the recovery codes once, and the next sign-in
asks for a code. Every page on the way is axe-clean and shows the next step."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.helpers import PAGES_ON_SQLITE, STAFF_PASSWORD, add_staff, running_server
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

WORDS = {
    "sv": {
        "enrol": "Slå på tvåstegsinloggning",
        "codes": "Återställningskoder",
        "code": "Inloggningskod",
    },
    "en": {"enrol": "Set up two-factor sign-in", "codes": "Recovery codes", "code": "Sign-in code"},
}


def accessible(page: Any, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}:\n{describe(violations)}"


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r6_a1_g3_a_privacy_officer_enrols_at_first_sign_in_in_a_browser(
    container: Container, browser: Any, lang: str
) -> None:
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", totp=False)
    with running_server(url) as base:
        page = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB").new_page()
        page.goto(f"{base}/admin/login?lang={lang}")
        page.fill("#login", "dpo@example.com")
        page.fill("#password", STAFF_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_selector("#totp-key")
        assert page.text_content("h1") == WORDS[lang]["enrol"]
        assert page.locator("svg.qr").count() == 1
        accessible(page, "enrolment")
        page.goto(f"{base}/admin/requests?lang={lang}")  # nothing else opens
        page.wait_for_selector("#totp-key")
        secret = re.sub(r"\s", "", page.text_content("#totp-key") or "")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("main button[type=submit]")
        page.wait_for_selector("#recovery-codes")
        assert page.text_content("h1") == WORDS[lang]["codes"]
        assert page.locator("#recovery-codes li").count() == 10
        accessible(page, "recovery codes")
        page.click("main a.button")
        page.wait_for_selector("#stats")
        page.goto(f"{base}/admin/account?lang={lang}")
        page.click("form[action='/admin/logout-everywhere'] button")
        page.wait_for_selector("#login")
        page.fill("#login", "dpo@example.com")
        page.fill("#password", STAFF_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_selector("#code")
        assert page.text_content("h1") == WORDS[lang]["code"]
        accessible(page, "the code step")
        next_step = pyotp.TOTP(secret).at(int(time.time()) + 30)  # not used yet
        page.fill("#code", next_step)
        page.click("main button[type=submit]")
        page.wait_for_selector("#stats")
