"""The cookie banner in real Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against ``varna serve``: promises C8 (nothing non-essential before a yes; reject as easy as
accept; GPC counts as a refusal), D6 (withdrawal removes the cookies) and keyboard use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.e2e.helpers import running_server
from varna.adapters.db.tables import consent_events
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
NECESSARY = {"varna_consent"}

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def site(container: Container) -> Iterator[str]:
    with running_server(container.settings.database_url) as base:
        yield base


def storage(page: Any) -> tuple[set[str], list[str]]:
    cookies = {c["name"] for c in page.context.cookies()}
    keys = page.evaluate("Object.keys(window.localStorage)")
    return cookies, sorted(keys)


def open_site(browser: Any, base: str, **context: Any) -> Any:
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/")
    page.wait_for_selector("#varna-banner, html[data-varna-consent]", state="attached")
    return page


def ledger(container: Container) -> list[tuple[str, str, str]]:
    c = consent_events.c
    with container.engine.connect() as conn:
        rows = conn.execute(select(c.purpose, c.event, c.channel).order_by(c.id)).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_c8_first_load_sets_nothing_non_essential(browser: Any, site: str) -> None:
    """C8: before any choice no cookie and no storage entry exist; the three first-layer
    choices are equally prominent buttons in a labelled dialog."""
    page = open_site(browser, site)
    dialog = page.locator("#varna-banner")
    assert dialog.get_attribute("role") == "dialog"
    assert page.locator("#varna-banner-title").inner_text() == "We ask first about cookies"
    buttons = dialog.locator(".varna-buttons button")
    assert buttons.all_inner_texts() == ["Accept all", "Reject all", "Settings"]
    sizes = {
        (round(b["width"]), round(b["height"]))
        for b in (buttons.nth(i).bounding_box() for i in range(3))
    }
    assert len({h for _, h in sizes}) == 1  # same height, same style: no nudging
    assert storage(page) == (set(), [])
    assert page.locator('script[data-category="statistics"]').get_attribute("type") == "text/plain"


def test_c8_reject_adds_no_non_essential_cookie(
    browser: Any, site: str, container: Container
) -> None:
    """C8: reject is one click, sets only the strictly necessary consent cookie, is logged."""
    page = open_site(browser, site)
    with page.expect_response("**/api/v1/consent/banner"):
        page.get_by_role("button", name="Reject all").click()
    assert page.locator("#varna-banner").count() == 0
    cookies, keys = storage(page)
    assert cookies <= NECESSARY and keys == []
    page.reload()
    page.wait_for_selector("html[data-varna-consent]", state="attached")
    assert page.locator("#varna-banner").count() == 0  # the choice holds
    assert storage(page)[0] <= NECESSARY
    assert {(p, e, ch) for p, e, ch in ledger(container)} == {
        ("cookies.preferences", "refused", "banner"),
        ("cookies.statistics", "refused", "banner"),
        ("cookies.marketing", "refused", "banner"),
    }


def test_c8_d6_accept_then_withdraw_removes_the_cookies(
    browser: Any, site: str, container: Container
) -> None:
    """C8, D6: accept loads the tagged scripts (their cookies and storage appear); withdrawing
    through the cookie-settings link removes them and is logged as a withdrawal."""
    page = open_site(browser, site)
    with page.expect_response("**/api/v1/consent/banner"):
        page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("document.cookie.includes('varna_stats_id')")
    cookies, keys = storage(page)
    assert {"varna_consent", "varna_stats_id", "varna_prefs"} <= cookies
    assert keys == ["varna_stats_views"]
    page.get_by_role("link", name="Cookie settings").click()
    panel = page.locator("#varna-settings")
    assert panel.is_visible()
    for category in ("preferences", "statistics", "marketing"):
        panel.locator(f'input[data-category="{category}"]').uncheck()
    with page.expect_response("**/api/v1/consent/banner"):
        panel.get_by_role("button", name="Save choices").click()
    cookies, keys = storage(page)
    assert cookies <= NECESSARY and keys == []
    events = ledger(container)
    assert ("cookies.statistics", "given", "banner") in events
    assert ("cookies.statistics", "withdrawn", "banner") in events


@pytest.mark.parametrize("signal", ["header", "navigator"])
def test_c8_gpc_means_statistics_off_until_a_choice(
    browser: Any, site: str, container: Container, signal: str
) -> None:
    """C8: Sec-GPC: 1 (or navigator.globalPrivacyControl) refuses every non-essential category,
    logged with channel gpc, no statistics cookie; an explicit yes later overrides it."""
    if signal == "header":
        page = open_site(browser, site, extra_http_headers={"Sec-GPC": "1"})
    else:
        context = browser.new_context()
        context.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
        )
        page = context.new_page()
        page.goto(f"{site}/")
        page.wait_for_selector("html[data-varna-consent]", state="attached")
    assert page.locator("html").get_attribute("data-varna-consent") == "gpc"
    assert page.locator("#varna-banner").count() == 0
    page.wait_for_function("document.cookie.includes('varna_consent')")
    assert storage(page)[0] <= NECESSARY
    page.wait_for_timeout(200)
    assert ("cookies.statistics", "refused", "gpc") in ledger(container)
    page.get_by_role("link", name="Cookie settings").click()
    page.locator('#varna-settings input[data-category="statistics"]').check()
    with page.expect_response("**/api/v1/consent/banner"):
        page.get_by_role("button", name="Save choices").click()
    page.wait_for_function("document.cookie.includes('varna_stats_id')")
    assert ("cookies.statistics", "given", "banner") in ledger(container)


def test_c8_the_banner_works_with_the_keyboard_alone(
    browser: Any, site: str, container: Container
) -> None:
    """C8 (accessibility): focus moves into the dialog; Tab reaches every choice; Enter and
    Space operate them; focus stays in the dialog and returns to the page after."""
    page = open_site(browser, site)
    assert page.evaluate("document.activeElement.id") == "varna-banner-title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "accept"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "reject"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "settings"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.category") == "preferences"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.category") == "statistics"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "save"
    with page.expect_response("**/api/v1/consent/banner"):
        page.keyboard.press("Enter")
    assert page.locator("#varna-banner").count() == 0
    assert page.evaluate("document.getElementById('varna-banner') === null")
    page.wait_for_function("document.cookie.includes('varna_stats_id')")
    cookies, _ = storage(page)
    assert "varna_prefs" not in cookies and "varna_campaign" not in cookies
    events = {(p, e) for p, e, _ in ledger(container)}
    assert {("cookies.statistics", "given"), ("cookies.preferences", "refused")} <= events
