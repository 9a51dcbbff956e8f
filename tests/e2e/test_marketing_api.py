"""Marketing sends over the API (``POST /api/v1/marketing/sends``) from ``varna serve`` with a
real SMTP server: the privacy officer's session and CSRF token are required, and the report is
the CLI's (promises C5, D6, D8)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from tests.consent_data import add_people
from tests.e2e.helpers import add_staff, running_server, sign_in
from tests.e2e.test_consent_api import Inbox
from tests.e2e.test_consent_api import smtp as smtp_fixture
from varna.adapters.db.tables import mail_outbox
from varna.bootstrap import Container

smtp = smtp_fixture  # a real aiosmtpd server and its inbox

PASSWORD = "correct-horse-battery-staple"
SEND = {"purpose": "newsletter", "subject": "Nyheter", "template": "Hej!\nVåra nyheter.\n"}


def give(base: str, container: Container, person: int, yes: bool) -> None:
    version = httpx.get(f"{base}/api/v1/consent/notice").json()["version"]
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


def queued(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(mail_outbox)).scalar_one())


def test_C5_D6_D8_marketing_send_api_for_the_privacy_officer_with_csrf_token_by_smtp(
    container: Container, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    url = container.settings.database_url
    people = add_people(container.engine, 3)
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    add_staff(url, "help@example.com", "support", PASSWORD)
    env = {"VARNA_SMTP_HOST": "127.0.0.1", "VARNA_SMTP_PORT": str(port)}
    with running_server(url, **env) as base:
        give(base, container, people[0], True)
        give(base, container, people[1], False)
        sends = f"{base}/api/v1/marketing/sends"
        anonymous = httpx.post(sends, json=SEND)
        with httpx.Client(base_url=base) as support:
            sign_in(support, "help@example.com", PASSWORD)
            token = support.get("/api/v1/staff/session").json()["csrf_token"]
            by_support = support.post(sends, json=SEND, headers={"X-CSRF-Token": token})
        with httpx.Client(base_url=base) as dpo:
            sign_in(dpo, "dpo@example.com", PASSWORD)
            session = dpo.get("/api/v1/staff/session").json()
            no_token = dpo.post(sends, json=SEND)
            wrong_token = dpo.post(sends, json=SEND, headers={"X-CSRF-Token": "forged"})
            as_form = dpo.post(sends, data=SEND, headers={"X-CSRF-Token": session["csrf_token"]})
            headers = {"X-CSRF-Token": session["csrf_token"]}
            bad_subject = dpo.post(sends, json={**SEND, "subject": "a\nBcc: x"}, headers=headers)
            not_mail = dpo.post(sends, json={**SEND, "purpose": "contract"}, headers=headers)
            assert queued(container) == 0 and inbox.messages == []
            sent = dpo.post(sends, json=SEND, headers=headers)
    for refused, status in (
        (anonymous, 401),
        (by_support, 403),
        (no_token, 403),
        (wrong_token, 403),
        (as_form, 415),
    ):
        assert refused.status_code == status, refused.text
        assert refused.headers["content-type"] == "application/json"
        assert refused.json()["detail"]
    assert session["role"] == "privacy_officer"
    assert bad_subject.status_code == 422 and "subject" in bad_subject.json()["detail"]
    assert not_mail.status_code == 422 and "purpose" in not_mail.json()["detail"]
    assert sent.status_code == 200, sent.text
    assert sent.json() == {
        "purpose": "newsletter",
        "sent": 1,
        "delivered": 1,
        "skipped": 2,
        "skipped_by_reason": {"never_asked": 1, "refused": 1},
    }
    assert [m["To"] for m in inbox.messages] == [f"testperson-{people[0]}@example.com"]
    assert inbox.messages[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
