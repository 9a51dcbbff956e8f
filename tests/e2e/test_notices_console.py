"""Notices that are not sent, seen on the admin console (D4, Art. 19): the privacy officer
finds a failed notice on ``/admin/outbox`` without the CLI, with its state, reason and tries
and whom it is for, never the person it concerns. Real ``varna demo``, ``varna subject``,
``varna serve``, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess

import httpx
import pytest
from sqlalchemy import select

from tests.e2e.helpers import VARNA, env_for, free_port, running_server, varna
from tests.e2e.test_mail_outbox import create_staff, log_in
from varna.adapters.db.tables import disclosures, outbox
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e


def test_d4_a_failed_notice_is_listed_for_the_privacy_officer_without_personal_data(
    container: Container,
) -> None:
    """D4: an erasure queues Art. 19 notices; the mail server is down, so they fail. The
    privacy officer sees each on /admin/outbox as failed, with the reason in words (D1, G3:
    never the stored code) in English and Swedish, the tries and the recipient's name; no
    address or name of a person is on it; support gets 403."""
    url = container.settings.database_url
    built = varna(url, "demo", "--size", "small", "--no-serve", "--json")
    assert built.returncode == 0, built.stderr
    with container.engine.connect() as conn:
        person = conn.execute(select(disclosures.c.person_id).limit(1)).scalar_one()
    erased = varna(url, "subject", "erase", "--person-id", str(person), "--json")
    assert json.loads(erased.stdout)["notices_queued"] >= 1, erased.stderr
    down = {"VARNA_SMTP_HOST": "127.0.0.1", "VARNA_SMTP_PORT": str(free_port())}
    notified = subprocess.run(
        [VARNA, "subject", "notify"],
        env=env_for(url, **down),  # noqa: S603
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert notified.returncode == 1, notified.stdout  # the mail server is down
    create_staff(container, "dpo@example.com", "privacy_officer")
    create_staff(container, "support@example.com", "support")
    with (
        running_server(url, **down) as base,
        httpx.Client(base_url=base, timeout=30) as dpo,
        httpx.Client(base_url=base, timeout=30) as support,
    ):
        log_in(support, "support@example.com")
        assert support.get("/admin/outbox").status_code == 403
        log_in(dpo, "dpo@example.com")
        page = dpo.get("/admin/outbox", headers={"Accept-Language": "en"})
        swedish = dpo.get("/admin/outbox?lang=sv")
    assert page.status_code == 200
    with container.engine.connect() as conn:
        failed = conn.execute(
            select(outbox.c.id, outbox.c.recipient, outbox.c.attempts).where(
                outbox.c.sent_at.is_(None), outbox.c.last_error == "send_failed"
            )
        ).all()
    assert failed
    section = re.search(r'<table id="notices".*?</table>', page.text, re.DOTALL)
    assert section, page.text
    row_of = re.compile(r'<tr class="notice-failed"><td>(\d+)</td>.*?</tr>', re.DOTALL)
    rows = {int(m.group(1)): m.group(0) for m in row_of.finditer(section.group(0))}
    for notice_id, recipient, attempts in failed:
        row = rows[notice_id]
        assert container.catalog.recipients[recipient].name in row
        assert "send_failed" not in row and "mail server" in row  # D1, G3: words, not the code
        assert "Art. 19 notice of an erasure" in row and "art19_erasure" not in row
        assert f"<td>{attempts}</td>" in row and attempts >= 1
    assert "@" not in section.group(0)
    assert swedish.status_code == 200
    notices_sv = re.search(r'<table id="notices".*?</table>', swedish.text, re.DOTALL)
    assert notices_sv, swedish.text
    assert "e-postservern svarade inte" in notices_sv.group(0)
    assert "Meddelande enligt art. 19 om en radering" in notices_sv.group(0)
    assert "send_failed" not in notices_sv.group(0) and "mail server" not in notices_sv.group(0)
