"""Consent over real HTTP from ``varna serve``, the real CLI and a real SMTP server
(promises C4, C5, C7, C8, D6, D8)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.consent_data import add_people
from tests.e2e.helpers import VARNA, env_for, running_server
from tests.mail_server import smtp_server
from varna.adapters.db.tables import consent_events, mail_outbox
from varna.bootstrap import Container

BROWSER = "e2e-browser-0123456789"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    with smtp_server(Inbox()) as server:
        yield server


def events(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(consent_events)).scalar_one())


def test_c8_notice_lists_every_cookie_and_banner_decisions_are_logged(container: Container) -> None:
    """C8, R-CK-01/02: the notice names who sets each cookie, why, how long and for whom; each
    banner decision is one logged event per category; a stale notice version is refused."""
    with running_server(container.settings.database_url) as base:
        notice = httpx.get(f"{base}/api/v1/consent/notice?lang=sv")
        gpc = httpx.get(f"{base}/api/v1/consent/notice", headers={"Sec-GPC": "1"}).json()
        decision = {
            "browser_id": BROWSER,
            "notice_version": notice.json()["version"],
            "language": "sv",
            "choices": {"preferences": False, "statistics": True, "marketing": False},
            "age_confirmed": True,
        }
        saved = httpx.post(f"{base}/api/v1/consent/banner", json=decision)
        stale = httpx.post(
            f"{base}/api/v1/consent/banner", json={**decision, "notice_version": "n-old"}
        )
        preflight = httpx.options(f"{base}/api/v1/consent/banner")
    body = notice.json()
    assert notice.headers["access-control-allow-origin"] == "*"
    assert preflight.status_code == 204
    assert gpc["gpc"] is True and body["gpc"] is False
    categories = {c["id"]: c for c in body["cookie_categories"]}
    assert list(categories) == ["necessary", "preferences", "statistics", "marketing"]
    assert categories["necessary"]["necessary"] and not categories["statistics"]["necessary"]
    for category in categories.values():
        for cookie in category["cookies"]:
            assert cookie["set_by"] and cookie["purpose"] and cookie["lifetime"]
    assert {p["key"] for p in body["purposes"]} == {
        "statistics",
        "traffic_analysis",
        "direct_marketing",
        "customer_surveys",
        "newsletter",
    }
    assert saved.status_code == 200, saved.text
    states = {s["key"]: s["status"] for s in saved.json()["states"]}
    assert states == {
        "cookies.preferences": "refused",
        "cookies.statistics": "granted",
        "cookies.marketing": "refused",
    }
    assert stale.status_code == 409
    assert events(container) == 3


def test_c7_d6_privacy_center_withdrawal_takes_no_more_steps_than_giving(
    container: Container,
) -> None:
    """C7, D6 (R-LB-03/04): toggles start off; giving is tick + save, withdrawing is untick +
    save; a receipt proves what was agreed under which notice."""
    (person,) = add_people(container.engine, 1)
    link = container.access_links.issue(person, at=container.clock.now())
    with running_server(container.settings.database_url) as base, httpx.Client() as client:
        page = client.get(f"{base}/privacy/consents/{link}?lang=en")
        assert page.status_code == 200
        assert "checked" not in page.text.split("<form", 1)[1].split("</fieldset>")[0]
        version = page.text.split('name="notice_version" value="', 1)[1].split('"', 1)[0]
        form = {"lang": "en", "notice_version": version, "age_confirmed": "yes"}
        given = client.post(
            f"{base}/privacy/consents/{link}", data={**form, "consent_newsletter": "yes"}
        )
        assert given.status_code == 303
        after_give = client.get(f"{base}{given.headers['location']}")
        assert 'id="consent_newsletter" name="consent_newsletter" value="yes" checked' in (
            after_give.text
        )
        withdrawn = client.post(f"{base}/privacy/consents/{link}", data=form)
        assert withdrawn.status_code == 303
        api = client.get(f"{base}/api/v1/consent/people/{link}").json()
        receipt = client.get(f"{base}/api/v1/consent/people/{link}/receipt")
        forged = client.get(f"{base}/privacy/consents/{person}.9999999999.forged")
    states = {s["key"]: s["status"] for s in api["states"]}
    assert states["newsletter"] == "withdrawn" and states["direct_marketing"] == "refused"
    assert receipt.headers["content-disposition"].startswith("attachment")
    data = receipt.json()
    assert data["version"] == "KI-CR-v1.1.0" and data["jurisdiction"] == "SE"
    newsletter = next(p for p in data["services"][0]["purposes"] if p["purposeId"] == "newsletter")
    assert newsletter["state"] == "withdrawn"
    assert newsletter["lastEvent"]["noticeVersion"] == version
    assert len(newsletter["lastEvent"]["noticeTextSha256"]) == 64
    assert forged.status_code == 404


def test_c4_under_13_is_refused_over_the_api_and_nothing_is_stored(container: Container) -> None:
    """C4: a personnummer showing an age under 13 refuses the consent: 422, no event stored."""
    (person,) = add_people(container.engine, 1)
    link = container.access_links.issue(person, at=container.clock.now())
    with running_server(container.settings.database_url) as base:
        version = httpx.get(f"{base}/api/v1/consent/notice").json()["version"]
        body = {
            "notice_version": version,
            "language": "en",
            "choices": {"newsletter": True},
            "age_confirmed": True,
            "personnummer": "20170515-2385",
        }
        child = httpx.post(f"{base}/api/v1/consent/people/{link}", json=body)
        unconfirmed = httpx.post(
            f"{base}/api/v1/consent/people/{link}",
            json={**body, "personnummer": None, "age_confirmed": False},
        )
    assert child.status_code == 422 and "13" in child.json()["detail"]
    assert "20170515" not in child.text
    assert unconfirmed.status_code == 422
    assert events(container) == 0


def test_c8_cookie_page_works_without_javascript(container: Container) -> None:
    """C8: the cookie page lists every cookie and its form records a choice without JS;
    reject sets only the strictly necessary consent cookie."""
    with running_server(container.settings.database_url) as base, httpx.Client() as client:
        page = client.get(f"{base}/cookies?lang=sv")
        version = page.text.split('name="notice_version" value="', 1)[1].split('"', 1)[0]
        rejected = client.post(
            f"{base}/cookies", data={"lang": "sv", "notice_version": version, "action": "reject"}
        )
        start = client.get(f"{base}/")
    assert page.status_code == 200 and "varna_stats_id" in page.text
    assert "Godkänn alla" in page.text and "Avvisa alla" in page.text
    assert rejected.status_code == 303
    set_cookies = rejected.headers.get_list("set-cookie")
    assert [c for c in set_cookies if "Max-Age=0" not in c and "max-age=0" not in c.lower()] == [
        c for c in set_cookies if c.startswith("varna_consent=")
    ]
    assert "Cookie-inställningar" in start.text and "data-varna-cookie-settings" in start.text
    assert events(container) == 3


def run_cli(container: Container, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [VARNA, *args],
        env=env_for(container.settings.database_url, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_c5_d6_marketing_send_by_smtp_with_one_click_unsubscribe(
    container: Container, smtp: tuple[int, Inbox], tmp_path: Path
) -> None:
    """C5, D6, D8, R-LB-05: the CLI sends only to people who pass the gate, through a real SMTP
    server; each message has a one-click unsubscribe link that works without login."""
    port, inbox = smtp
    people = add_people(container.engine, 4)
    template = tmp_path / "news.txt"
    template.write_text("Subject: Nyheter\n\nHej!\nVåra nyheter.\n", encoding="utf-8")
    with running_server(container.settings.database_url) as base:
        version = httpx.get(f"{base}/api/v1/consent/notice").json()["version"]
        for person, yes in zip(people, (True, True, False, None), strict=True):
            if yes is None:
                continue
            link = container.access_links.issue(person, at=container.clock.now())
            answer = httpx.post(
                f"{base}/api/v1/consent/people/{link}",
                json={
                    "notice_version": version,
                    "language": "sv",
                    "choices": {"newsletter": yes},
                    "age_confirmed": True,
                },
            )
            assert answer.status_code == 200, answer.text
        smtp_env = {
            "VARNA_SMTP_HOST": "127.0.0.1",
            "VARNA_SMTP_PORT": str(port),
            "VARNA_PUBLIC_URL": base,
        }
        first = run_cli(
            container,
            "marketing",
            "send",
            "--purpose",
            "newsletter",
            "--template",
            str(template),
            "--json",
            **smtp_env,
        )
        assert first.returncode == 0, first.stderr
        report = json.loads(first.stdout)
        assert report == {
            "purpose": "newsletter",
            "sent": 2,
            "delivered": 2,
            "skipped": 2,
            "skipped_by_reason": {"never_asked": 1, "refused": 1},
        }
        assert len(inbox.messages) == 2
        message = inbox.messages[0]
        unsubscribe_url = "".join(message["List-Unsubscribe"].split()).strip("<>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe_url in message.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
        page = httpx.get(unsubscribe_url)
        assert page.status_code == 200 and "<form" in page.text
        clicked = httpx.post(unsubscribe_url, data={"List-Unsubscribe": "One-Click"})
        assert clicked.status_code == 200 and "Nyhetsbrev" in clicked.text
        second = run_cli(
            container,
            "marketing",
            "send",
            "--purpose",
            "newsletter",
            "--template",
            str(template),
            "--json",
            **smtp_env,
        )
        bad = run_cli(
            container, "marketing", "send", "--purpose", "contract", "--template", str(template)
        )
    assert json.loads(second.stdout)["sent"] == 1
    assert json.loads(second.stdout)["skipped_by_reason"]["withdrawn"] == 1
    assert bad.returncode == 2
    with container.engine.connect() as conn:
        unsent = conn.execute(
            select(func.count()).select_from(mail_outbox).where(mail_outbox.c.sent_at.is_(None))
        ).scalar_one()
    assert unsent == 0
