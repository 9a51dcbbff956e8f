"""The privacy center in real Chromium against ``varna serve`` and a real SMTP server, in
Swedish and in English (D1, D3, D4, D7, G3): the home's cards lead to the form with the right
chosen, the code from the mail confirms it, the status page opens from the mail's link, the
answer opens as a page (the data by category, the person's own values) and downloads as a
PDF; an erasure's answer is a table in words; a mail scanner's fetch of the answer link uses
nothing up; at 360 px no page scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.helpers import PAGES_ON_SQLITE
from tests.e2e.test_requests_api import Inbox, serving, smtp  # noqa: F401
from tests.subject_factories import build_world
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
ANNA = "anna.berg@example.com"
sync_api = pytest.importorskip("playwright.sync_api")
WORDS = {
    "sv": {"answer": "Svar på din begäran", "names": "Namn", "kept": "Bokföringslagen"},
    "en": {"answer": "Answer to your request", "names": "Names", "kept": "Bookkeeping Act"},
}


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways: {width}px"


def _request(page: Any, base: str, inbox: Inbox, lang: str, kind: str) -> tuple[int, str]:
    """Make a request from the home's card, confirm it with the mailed code; the number and
    the status link of its mails."""
    page.goto(f"{base}/privacy?lang={lang}")
    page.click("#varna-banner [data-action=reject]")  # the cookie banner asks first
    _no_sideways_scroll(page)
    page.click(f"a[href='/privacy/requests?kind={kind}&lang={lang}']")
    assert page.is_checked(f"#kind-{kind}")
    _no_sideways_scroll(page)
    page.fill("#email", ANNA)
    page.click("#request-form button[type=submit]")
    page.wait_for_selector("#verify-form")
    reference = page.input_value("input[name=request_id]")
    number, code = inbox.code_mail(ANNA, reference)
    page.fill("#code", code)
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#verified")
    body = inbox.wait_for(ANNA, f"{WORDS[lang]['answer']} {number}")
    status = re.search(r"(http://\S+/privacy/requests/status\?\S+)", body)
    assert status and f"lang={lang}" in status.group(1), body
    return number, body


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d1_d3_g3_access_request_read_on_a_page_and_downloaded_as_pdf(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
    browser: Any,
    lang: str,
) -> None:
    """D1, D3, G3: an access request from /privacy to the answer read in the browser (a
    category's label and the person's own name) and downloaded as a PDF, in the request's
    language; the mail's status link shows the state in words, and the answer link's GET
    (a mail scanner) uses nothing up."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base:
        page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        _, body = _request(page, base, inbox, lang, "access")
        status = re.search(r"(http://\S+/privacy/requests/status\?\S+)", body)
        link = re.search(r"(http://\S+/privacy/requests/download/\S+)", body)
        assert status and link and f"lang={lang}" in link.group(1)
        page.goto(status.group(1))
        _no_sideways_scroll(page)
        assert "Anna" not in page.text_content("main")
        for _ in range(2):  # a mail scanner fetches the link first: it uses nothing up
            assert httpx.get(link.group(1)).status_code == 200
        page.goto(link.group(1))
        _no_sideways_scroll(page)
        page.click("#download-form button[type=submit]")
        page.wait_for_selector("#extract")
        _no_sideways_scroll(page)
        shown = page.text_content("#extract")
        assert WORDS[lang]["names"] in shown and "Anna Berg" in shown
        with page.expect_download() as info:
            page.click("#formats-form button[value=pdf]")
        with open(info.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d4_d7_erasure_answer_is_a_readable_table(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
    browser: Any,
    lang: str,
) -> None:
    """D4, D7: the erasure's answer, in the mail and on the status page the mail links to,
    names each category by its label, what was done, why something was kept (the law in
    words) and until when; the mail names IMY."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base:
        page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        _, body = _request(page, base, inbox, lang, "erasure")
        assert WORDS[lang]["kept"] in body and "Integritetsskyddsmyndigheten (IMY)" in body
        assert "payment_history" not in body and "bookkeeping)" not in body
        status = re.search(r"(http://\S+/privacy/requests/status\?\S+)", body)
        assert status
        page.goto(status.group(1))
        _no_sideways_scroll(page)
        table = page.text_content("#erasure-table")
        assert WORDS[lang]["kept"] in table
        assert re.search(r"\b\d{1,2} [A-Za-zé]+ 20\d\d\b", table), table
        assert "_" not in table  # no category id or code
        reference = re.search(r"request=([A-Za-z0-9_-]{22})", status.group(1))
        assert reference
        bare = httpx.get(f"{base}/privacy/requests/status?request={reference.group(1)}")
        assert bare.status_code == 200 and "erasure-table" not in bare.text
        assert "anna" not in bare.text.lower()
        unknown = httpx.get(f"{base}/privacy/requests/status?request={'A' * 22}")
        malformed = httpx.get(f"{base}/privacy/requests/status?request=x")
        assert unknown.status_code == malformed.status_code == 404

        def same(text: str) -> str:  # the language switch links the page's own address
            return re.sub(r"request=[^&\"]*", "", text)

        assert same(unknown.text) == same(malformed.text)
