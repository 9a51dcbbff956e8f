"""What a stranger sees: the start page and the API tell nothing private (A1, R6).

Row counts are business figures (how many customers, SIMs, usage records), and a count that
moves after someone asks for a consent link would tell whether an address is known; so only
signed-in staff see them."""

from __future__ import annotations

import httpx

from tests.consent_data import add_people
from tests.e2e import helpers
from tests.e2e.helpers import running_server
from tests.factories import add_customer_with_sims
from varna.adapters.passwords import Argon2Passwords
from varna.bootstrap import Container
from varna.services.requests.staff import create_account

PASSWORD = "correct-horse-battery-staple"


def add_staff(container: Container, login: str, role: str = "support") -> None:
    """An account made in this process; a privacy officer's with two-factor sign-in set up."""
    create_account(container, login, role, PASSWORD, passwords=Argon2Passwords(), actor="test")
    if role == "privacy_officer":
        helpers.enrol_totp(container.settings.database_url, login, PASSWORD)


def sign_in(client: httpx.Client, login: str) -> None:
    answer = helpers.sign_in(client, login, PASSWORD)
    assert answer.status_code == 303, answer.text


def test_A1_R6_counts_are_for_signed_in_staff_only(container: Container) -> None:
    add_customer_with_sims(container.engine, 3)
    add_staff(container, "help@example.com")
    with running_server(container.settings.database_url) as base:
        with httpx.Client(base_url=base) as stranger:
            page = stranger.get("/")
            stats = stranger.get("/api/v1/stats")
            store = stranger.get("/admin/store")
        with httpx.Client(base_url=base) as staff:
            sign_in(staff, "help@example.com")
            staff_stats = staff.get("/api/v1/stats")
            staff_store = staff.get("/admin/store")
            staff_start = staff.get("/")

    assert page.status_code == 200
    assert 'href="/privacy/requests?lang=sv"' in page.text
    assert 'href="/privacy/consents?lang=sv"' in page.text
    assert 'href="/cookies?lang=sv"' in page.text
    for private in ("sims", "usage_records", "organisations", "consent_events", "Rows"):
        assert private not in page.text, private
    assert stats.status_code == 401
    assert "tables" not in stats.text and "sims" not in stats.text
    assert store.status_code == 303 and store.headers["location"] == "/admin/login"

    assert staff_stats.status_code == 200 and staff_stats.json()["tables"]["sims"] == 3
    assert staff_store.status_code == 200 and "sims" not in staff_store.text  # labels only
    assert '<th scope="row">SIM-kort</th><td class="num">3</td>' in staff_store.text
    assert 'href="/admin?lang=sv"' in staff_start.text


def test_A1_R6_a_consent_link_ask_changes_nothing_a_stranger_can_see(
    container: Container,
) -> None:
    """The side door: ask a consent link for an address, then compare what the public pages
    and the stats endpoint show before and after. Known and unknown addresses alike leave
    every public answer as it was (the outbox row a known address gets is not counted in
    public)."""
    [person] = add_people(container.engine, 1)
    known = f"testperson-{person}@example.com"
    with (
        running_server(container.settings.database_url) as base,
        httpx.Client(base_url=base) as stranger,
    ):

        def public() -> list[str]:
            return [stranger.get(path).text for path in ("/", "/api/v1/stats", "/api/docs")]

        before = public()
        for email in (known, "nobody-here@example.com"):
            asked = stranger.post("/api/v1/consent/link", json={"email": email})
            assert asked.status_code in (200, 202), asked.text
            assert public() == before, email


def test_D6_secret_links_stay_on_varna_and_pages_cannot_be_framed(container: Container) -> None:
    """A consent-center link is a secret in the address: a browser leaving the page must not
    send it on as a Referer; and no other site may frame the console or a form (D6)."""
    [person] = add_people(container.engine, 1)
    link = container.access_links.issue(person, at=container.clock.now())
    with running_server(container.settings.database_url) as base:
        answers = [
            httpx.get(base + path)
            for path in (
                f"/privacy/consents/{link}",
                "/unsubscribe/some-token",
                "/admin/login",
                "/api/v1/health",
                "/static/varna.css",
            )
        ]
    for answer in answers:
        assert answer.headers.get("Referrer-Policy") == "no-referrer", answer.url
        assert answer.headers.get("X-Frame-Options") == "DENY", answer.url
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", answer.url
