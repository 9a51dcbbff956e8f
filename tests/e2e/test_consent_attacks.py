"""A stranger against the consent pages and the consent-link ask, one test per attack, over
real HTTP from ``varna serve`` with a real SMTP server, on SQLite and PostgreSQL (C7, D6, G3).

Clients are told apart by their network address: the server trusts ``X-Forwarded-For`` from
127.0.0.1 (uvicorn's default), so each test client says which address it comes from."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from tests.consent_data import add_people
from tests.e2e.test_consent_api import Inbox, events
from tests.e2e.test_consent_api import smtp as smtp_fixture
from tests.e2e.test_consent_center_link import serve
from varna.adapters.db.tables import privacy_center_link_asks
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
smtp = smtp_fixture
OWNER = "198.51.100.10"
STRANGER = "203.0.113.66"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": address})


def _asks_logged(container: Container) -> int:
    with container.engine.connect() as connection:
        query = select(func.count()).select_from(privacy_center_link_asks)
        return int(connection.execute(query).scalar_one())


def _mails_to(inbox: Inbox, to: str, count: int, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([m for m in inbox.messages if m["To"] == to]) >= count:
            break
        time.sleep(0.1)
    time.sleep(0.5)  # no more come after the count is reached
    return len([m for m in inbox.messages if m["To"] == to])


def test_g3_c7_d6_a_consent_form_that_is_not_utf8_is_refused_and_nothing_is_stored(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """G3, C7, D6: a latin-1 form body (raw or %-escaped) on the link ask, the consent page,
    the unsubscribe page and the cookie page is refused with a clear 400 page; no ask is
    logged, no link mailed to a garbled address, no consent decision stored, no cookie set."""
    port, inbox = smtp
    with serve(container, port) as base, client_from(base, STRANGER) as stranger:
        answers = [
            stranger.post(
                "/privacy/consents?lang=en", content=b"email=\xe5\xe4@x.org", headers=FORM
            ),
            stranger.post("/privacy/consents?lang=en", content=b"email=%E5%E4@x.org", headers=FORM),
            stranger.post(
                "/privacy/consents/abc?lang=en",
                content=b"consent_newsletter=yes&notice_version=\xe5",
                headers=FORM,
            ),
            stranger.post("/unsubscribe/abc?lang=en", content=b"lang=\xe5", headers=FORM),
            stranger.post(
                "/cookies?lang=en", content=b"action=accept&notice_version=%E5", headers=FORM
            ),
        ]
        time.sleep(1)
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "not sent as UTF-8" in answer.text and "Nothing was saved" in answer.text
        assert "set-cookie" not in answer.headers
    assert _asks_logged(container) == 0
    assert events(container) == 0
    assert not [m for m in inbox.messages if "x.org" in str(m["To"])]


def test_c7_d6_one_client_cannot_spend_the_link_quota_of_many_addresses(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """C7, D6: a stranger who sprays link asks at many addresses is stopped after 10 asks an
    hour from its address (429), without stopping anybody else: the owner, from elsewhere,
    still gets a link to their consents."""
    port, inbox = smtp
    (person,) = add_people(container.engine, 1)
    known = f"testperson-{person}@example.com"
    with (
        serve(container, port) as base,
        client_from(base, STRANGER) as stranger,
        client_from(base, OWNER) as owner,
    ):
        sprayed = [
            stranger.post(
                "/api/v1/consent/link", json={"email": f"victim{i}@example.com", "language": "en"}
            )
            for i in range(12)
        ]
        by_form = stranger.post("/privacy/consents", data={"email": known, "lang": "en"})
        own = owner.post("/api/v1/consent/link", json={"email": known, "language": "en"})
        mailed = _mails_to(inbox, known, 1)
    assert [a.status_code for a in sprayed] == [202] * 10 + [429] * 2
    assert "from here" in sprayed[-1].json()["detail"]
    assert by_form.status_code == 429 and "Too many requests from here" in by_form.text
    assert own.status_code == 202
    assert mailed == 1


def test_c7_d6_at_the_cap_for_an_address_the_answer_points_to_the_link_already_mailed(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    """C7, D6: after 3 asks an hour for one address (from any clients), the next ask is
    answered 429 with the same words for a known and an unknown address: use the link
    already mailed. Every earlier ask mailed the owner of a known address a link."""
    port, inbox = smtp
    (person,) = add_people(container.engine, 1)
    known = f"testperson-{person}@example.com"
    unknown = "nobody@example.com"
    with serve(container, port) as base:
        for i in range(3):
            with client_from(base, f"203.0.113.{i + 1}") as someone:
                for address in (known, unknown):
                    asked = someone.post(
                        "/api/v1/consent/link", json={"email": address, "language": "en"}
                    )
                    assert asked.status_code == 202
        with client_from(base, OWNER) as owner:
            capped = [
                owner.post("/api/v1/consent/link", json={"email": a, "language": "en"})
                for a in (known, unknown)
            ]
            page = [
                owner.post("/privacy/consents", data={"email": a, "lang": "en"})
                for a in (known, unknown)
            ]
        mailed = _mails_to(inbox, known, 3)
    assert [a.status_code for a in capped] == [429, 429]
    assert capped[0].json() == capped[1].json()
    assert "the link is in the e-mail we sent: use it" in capped[0].json()["detail"]
    assert [p.status_code for p in page] == [429, 429]
    assert "the link is in the e-mail we sent: use it" in page[0].text
    assert page[0].text.replace(known, "") == page[1].text.replace(unknown, "")
    assert mailed == 3
    assert not [m for m in inbox.messages if m["To"] == unknown]
