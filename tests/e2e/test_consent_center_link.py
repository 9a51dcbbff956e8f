"""A link to one's consents by e-mail, over real HTTP from ``varna serve`` with a real SMTP
server and in real Chromium (promises C7, D6): the same answer for a known and an unknown
address, rate-limited, Swedish and English; in the privacy center withdrawing takes no more
steps than giving."""

from __future__ import annotations

import re
import time
from email.header import decode_header, make_header
from typing import Any

import httpx
import pytest

from tests.consent_data import add_people
from tests.e2e.helpers import running_server
from tests.e2e.test_consent_api import Inbox
from tests.e2e.test_consent_api import smtp as smtp_fixture
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
smtp = smtp_fixture  # a real aiosmtpd server and its inbox
LINK = re.compile(r"http://127\.0\.0\.1:8000(/privacy/consents/[A-Za-z0-9_-]+\?lang=(?:sv|en))")


def mail_to(inbox: Inbox, to: str, timeout: float = 20) -> tuple[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in inbox.messages:
            if message["To"] == to:
                payload = message.get_payload(decode=True)
                assert isinstance(payload, bytes)
                subject = str(make_header(decode_header(message["Subject"])))
                return subject, payload.decode("utf-8")
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} within {timeout}s")


def serve(container: Container, port: int) -> Any:
    return running_server(
        container.settings.database_url, VARNA_SMTP_HOST="127.0.0.1", VARNA_SMTP_PORT=str(port)
    )


def test_C7_D6_link_by_email_same_answer_for_any_address_and_rate_limited(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    (person,) = add_people(container.engine, 1)
    known = f"testperson-{person}@example.com"
    with serve(container, port) as base:
        asks = f"{base}/api/v1/consent/link"
        answers = [
            httpx.post(asks, json={"email": e, "language": "en"})
            for e in (known, "nobody@example.com")
        ]
        subject, body = mail_to(inbox, known)
        link = base + LINK.search(body).group(1)  # type: ignore[union-attr]
        page = httpx.get(link)
        api = link.replace("/privacy/consents/", "/api/v1/consent/people/").split("?")[0]
        states = httpx.get(api)
        receipt = httpx.get(f"{api}/receipt").json()
        bad = httpx.post(asks, json={"email": "not an address"})
        for _ in range(2):
            httpx.post(asks, json={"email": known})
            httpx.post(asks, json={"email": "nobody@example.com"})
        limited = [httpx.post(asks, json={"email": e}) for e in (known, "nobody@example.com")]
        form = httpx.get(f"{base}/privacy/consents?lang=sv")
        by_form = httpx.post(
            f"{base}/privacy/consents", data={"email": "someone@example.com", "lang": "sv"}
        )
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert "24 hours" in answers[0].json()["message"]
    assert len([m for m in inbox.messages if m["To"] == "nobody@example.com"]) == 0
    assert subject == "Your link to your consents" and "24 hours" in body
    assert page.status_code == 200 and "Your consents" in page.text
    assert states.status_code == 200 and states.json()["states"]
    terms = {p["purposeId"]: p["termination"] for p in receipt["services"][0]["purposes"]}
    assert terms["newsletter"].startswith("until withdrawn, at most 24 months")
    assert terms["cookies.statistics"].startswith("until withdrawn, at most 12 months")
    assert bad.status_code == 422 and "email" in bad.json()["detail"]
    assert "not an address" not in bad.text
    assert [r.status_code for r in limited] == [429, 429]
    assert limited[0].json() == limited[1].json()
    assert form.status_code == 200 and "Skicka länken" in form.text
    assert by_form.status_code == 200 and "Om vi känner till adressen" in by_form.text


def test_C7_D6_in_the_privacy_center_withdrawing_takes_no_more_steps_than_giving(
    container: Container, smtp: tuple[int, Inbox], browser: Any
) -> None:
    port, inbox = smtp
    (person,) = add_people(container.engine, 1)
    known = f"testperson-{person}@example.com"
    with serve(container, port) as base:
        page = browser.new_context().new_page()
        page.goto(f"{base}/privacy/consents?lang=sv")
        if page.locator("#varna-banner").count():
            page.get_by_role("button", name="Avvisa alla").click()
        page.get_by_label("Din e-postadress").fill(known)
        page.get_by_role("button", name="Skicka länken").click()
        page.get_by_role("status").wait_for()
        subject, body = mail_to(inbox, known)
        assert subject == "Din länk till dina samtycken"
        page.goto(base + LINK.search(body).group(1))  # type: ignore[union-attr]
        newsletter = page.locator("#consent_newsletter")
        state = page.locator(".purpose:has(#consent_newsletter) .state")
        assert not newsletter.is_checked() and state.get_attribute("data-state") == "never_asked"
        giving = [
            lambda: newsletter.check(),
            lambda: page.locator("#age_confirmed").check(),
            lambda: page.get_by_role("button", name="Spara mina val").click(),
        ]
        for step in giving:
            step()
        page.get_by_role("status").wait_for()
        assert state.get_attribute("data-state") == "granted"
        withdrawing = [
            lambda: newsletter.uncheck(),
            lambda: page.get_by_role("button", name="Spara mina val").click(),
        ]
        for step in withdrawing:
            step()
        page.get_by_role("status").wait_for()
        assert state.get_attribute("data-state") == "withdrawn"
        page.context.close()
    assert len(withdrawing) <= len(giving)
