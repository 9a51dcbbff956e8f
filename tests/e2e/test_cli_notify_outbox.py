"""``varna subject notify`` on the demo database, through the real CLI, on SQLite and
PostgreSQL (D4, Art. 19): without a mail server the erasure's notices go into the mail outbox
(they used to fail, each after a ten-second wait for a lock); a mail server that refuses
them ends the command with exit 1 and a line naming the notice, never the address."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import select

from tests.e2e.helpers import VARNA, env_for, free_port, varna
from varna.adapters.db.tables import disclosures, mail_outbox, outbox
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e


def test_d4_demo_notices_go_into_the_outbox_and_a_refused_send_fails_the_command(
    container: Container,
) -> None:
    """D4: demo, erase two people with credit checks in the disclosure log, notify without
    SMTP (exit 0, each notice in the mail outbox), then with a mail server that is down
    (exit 1, the notice waits with its reason, stderr names it without personal data)."""
    url = container.settings.database_url
    built = varna(url, "demo", "--size", "small", "--no-serve", "--json")
    assert built.returncode == 0, built.stderr
    with container.engine.connect() as conn:
        told = sorted(set(conn.execute(select(disclosures.c.person_id)).scalars()))
    assert len(told) >= 2
    first, second = told[:2]
    erased = varna(url, "subject", "erase", "--person-id", str(first), "--json")
    assert json.loads(erased.stdout)["notices_queued"] >= 1, erased.stderr

    notified = varna(url, "subject", "notify", "--json")
    assert notified.returncode == 0, notified.stdout + notified.stderr
    report = json.loads(notified.stdout)
    assert report["sent"] >= 1 and report["not_sent"] == {}, report
    with container.engine.connect() as conn:
        kept = conn.execute(select(mail_outbox.c.recipient, mail_outbox.c.mail_subject)).all()
        waiting = conn.execute(select(outbox.c.id).where(outbox.c.sent_at.is_(None))).all()
    assert len(kept) == report["sent"] and waiting == []
    assert all("Art. 19" in subject for _, subject in kept)

    varna(url, "subject", "erase", "--person-id", str(second), "--json")
    env = env_for(url, VARNA_SMTP_HOST="127.0.0.1", VARNA_SMTP_PORT=str(free_port()))
    refused = subprocess.run(
        [VARNA, "subject", "notify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert refused.returncode == 1
    assert "not sent (send_failed): 1" in refused.stdout
    assert "not sent: ConnectionRefusedError" in refused.stderr, refused.stderr
    assert "@" not in refused.stderr
    with container.engine.connect() as conn:
        left = conn.execute(select(outbox.c.last_error).where(outbox.c.sent_at.is_(None)))
        assert list(left.scalars()) == ["send_failed"]
