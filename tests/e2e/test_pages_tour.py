"""Every page of the privacy center and the console, in real Chromium, in Swedish and
English, as a person and as the privacy officer (G3, D1, D3, D4, D7):

* axe-core reports no serious or critical accessibility violation;
* at 360 px wide the page does not scroll sideways;
* the page speaks one language: no English text that has a Swedish translation on a Swedish
  page, and no Swedish translation on an English page;
* no database name (a table, a column, a category id or a state's code) reaches a reader;
* the browser reports no Content-Security-Policy violation (R6, A1: no inline script, style
  attribute or event handler that the policy would have to allow).

The tour also saves the screenshots the README shows into docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.csp import watch_csp
from tests.e2e.helpers import PAGES_ON_SQLITE, add_staff, code_for
from tests.e2e.language_leaks import assert_one_language
from tests.e2e.test_requests_api import Inbox, code_from, serving, smtp  # noqa: F401
from tests.subject_factories import build_world
from varna.bootstrap import Container
from varna.domain.requests.kinds import RequestKind, RequestState

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

PASSWORD = "correct-horse-battery-staple"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PERSON = "anna.berg@example.com"


def database_names(container: Container) -> set[str]:
    """Names only a database uses: snake_case tables, columns and category ids, and the codes
    of request kinds and states (a plain word like ``people`` is also English, so only the
    names with an underscore are looked for)."""
    catalog = container.catalog
    names: set[str] = set()
    for name, table in catalog.tables.items():
        names |= {name, *table.personal, *table.other}
    names |= set(catalog.categories)
    names |= {k.value for k in RequestKind} | {s.value for s in RequestState}
    return {n for n in names if "_" in n}


def assert_no_database_name(text: str, names: set[str], where: str) -> None:
    shown = sorted(n for n in names if re.search(rf"(?<![\w/.-]){re.escape(n)}(?![\w/.-])", text))
    assert not shown, f"{where} shows database names: {shown}"


def check_page(page: Any, where: str, lang: str, names: set[str], csp: list[str]) -> None:
    assert not csp, f"{where}: Content-Security-Policy violations:\n" + "\n".join(csp)
    violations = axe_violations(page)
    assert not violations, f"{where}:\n{describe(violations)}"
    text = page.inner_text("body")
    assert_one_language(page.content(), lang)
    if not where.startswith("/api/"):  # the API reference names its fields: they are the API
        assert_no_database_name(text, names, where)
    page.set_viewport_size({"width": 360, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways at 360 px ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def make_request(base: str, inbox: Inbox, kind: str, lang: str) -> tuple[int, str]:
    """A verified request made through the privacy center's form; its number and the body
    of its answer mail (every answer mail links the request's status page)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        sent = client.post("/privacy/requests", data={"lang": lang, "kind": kind, "email": PERSON})
        assert sent.status_code == 200, sent.text
        reference = re.search(r'name="request_id" value="([^"]+)"', sent.text)
        assert reference, sent.text
        number, code = inbox.code_mail(PERSON, reference.group(1))
        verified = client.post(
            "/privacy/requests/verify",
            data={"lang": lang, "request_id": reference.group(1), "code": code},
        )
        assert verified.status_code == 200, verified.text
    if kind == "rectification":
        return number, ""  # it waits for the privacy officer
    answer = "Svar på din begäran" if lang == "sv" else "Answer to your request"
    return number, inbox.wait_for(PERSON, f"{answer} {number}")


def link(body: str, path: str) -> str:
    found = re.search(rf"(http://\S+{re.escape(path)}\S*)", body)
    assert found, body
    return found.group(1)


def screenshot(page: Any, name: str, lang: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.{lang}.png"))


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_g3_d1_d4_r6_every_page_is_accessible_narrow_in_one_language_and_within_its_csp(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
    browser: Any,
    lang: str,
) -> None:
    build_world(container)
    port, inbox = smtp
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    names = database_names(container)
    with serving(container, port) as base:
        _, access = make_request(base, inbox, "access", lang)
        _, erasure = make_request(base, inbox, "erasure", lang)
        request_id, _ = make_request(base, inbox, "rectification", lang)
        context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB")
        page = context.new_page()
        csp = watch_csp(context, page)

        page.goto(f"{base}/privacy?lang={lang}")
        check_page(page, "/privacy with the cookie banner", lang, names, csp)
        page.click("#varna-banner [data-action=reject]")
        screenshot(page, "privacy-center", lang)
        public = [
            "/",
            "/privacy",
            "/privacy/policy",
            "/privacy/requests",
            "/privacy/consents",
            "/cookies",
            "/api/docs",
        ]
        for path in public:
            page.goto(f"{base}{path}?lang={lang}")
            check_page(page, path, lang, names, csp)
        # Pages of refusals and dead links: within the policy as well (R6).
        for path in ("/privacy/consents/not-a-link", "/unsubscribe/not-a-token", "/no/page"):
            page.goto(f"{base}{path}?lang={lang}")
            assert not csp, f"{path}: Content-Security-Policy violations:\n" + "\n".join(csp)
        page.goto(f"{base}/cookies?lang={lang}")
        page.click("[data-varna-cookie-settings]")  # the banner's settings, built by its script
        assert not csp, "the banner's settings: " + "\n".join(csp)

        page.goto(link(access, "/privacy/requests/status"))
        check_page(page, "the access request's status page", lang, names, csp)
        screenshot(page, "request-status", lang)
        page.goto(link(erasure, "/privacy/requests/status"))
        check_page(page, "the erasure's answer", lang, names, csp)
        page.goto(link(access, "/privacy/requests/download/"))
        check_page(page, "the answer link", lang, names, csp)
        page.click("#download-form button[type=submit]")
        page.wait_for_selector("#extract")
        check_page(page, "the extract page", lang, names, csp)
        screenshot(page, "extract", lang)

        page.goto(f"{base}/admin/login?lang={lang}")
        check_page(page, "/admin/login", lang, names, csp)
        page.fill("#login", "dpo@example.com")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#code")
        check_page(page, "/admin/login/code", lang, names, csp)
        page.fill("#code", code_for("dpo@example.com"))
        page.click("main button[type=submit]")
        page.wait_for_selector("#stats")
        console = [
            "/admin",
            "/admin/requests",
            f"/admin/requests/{request_id}",
            "/admin/people",
            "/admin/retention",
            "/admin/outbox",
            "/admin/jobs",
            "/admin/audit",
            "/admin/store",
            "/admin/staff",
            "/admin/account",
        ]
        for path in console:
            page.goto(f"{base}{path}?lang={lang}")
            check_page(page, path, lang, names, csp)
            if path == "/admin":
                screenshot(page, "console-dashboard", lang)
            elif path.startswith("/admin/requests/"):
                screenshot(page, "case-view", lang)
        context.close()
