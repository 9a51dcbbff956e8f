"""Art. 19 (D3, D4), Art. 18(3) and A3 notices leave the outbox: delivered through a real SMTP
server (aiosmtpd), each exactly once, also with two runners at the same time, with no personal
data beyond what the addressee needs. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.contexts import by
from tests.e2e.helpers import free_port
from tests.integration.test_subjects import SECRET, FixedClock, key
from tests.mail_server import Inbox, smtp_server
from tests.subject_factories import ANNA_PNR, NOW, World, build_world, subject_context
from varna.adapters.db.tables import jobs, mail_outbox, organisations, outbox
from varna.adapters.mail import SmtpMailer
from varna.bootstrap import Container, build
from varna.bootstrap.notices import run_notify
from varna.bootstrap.requests import make_worker
from varna.services.notices.deliver import NotifyCommand, NotifyReport, deliver_notices
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.rectify import RectifyCommand, rectify
from varna.services.subjects.restrict import restrict, unrestrict

ANNA = "anna.berg@example.com"
CREDIT = "privacy@credit-reference-agency.example.com"
PSP = "privacy@payment-service-provider.example.com"
COMPANY_DPO = "dpo@testbolaget.example.com"
ANNAS_DATA = (ANNA, "Anna Berg", "+46701234567", "070-123 45 67", ANNA_PNR, "Provgatan")


@pytest.fixture
def world(container: Container) -> World:
    built = build_world(container)
    with container.engine.begin() as conn:  # where the customer (controller, A3) is told
        conn.execute(organisations.update().values(privacy_contact_email=COMPANY_DPO))
    with container.uow() as uow:
        uow.rights.record_disclosure(
            "credit_reference_agency", built.anna_id, ["name", "national_id"], NOW
        )
        uow.rights.record_disclosure("payment_service_provider", built.anna_id, ["name"], NOW)
        uow.commit()
    return built


@pytest.fixture
def smtp() -> Any:
    with smtp_server(Inbox()) as server:
        yield server


def deliver(container: Container, port: int, **command: Any) -> NotifyReport:
    mailer = SmtpMailer("127.0.0.1", port, sender="dpo@example.com")
    return deliver_notices(
        by(container, FixedClock()), NotifyCommand(**command), actor="test", mailer=mailer
    )


def erase_anna(container: Container) -> None:
    erase_subject(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        EraseCommand((key("email", ANNA),)),
        actor="test",
    )


def unsent(container: Container) -> list[Any]:
    """Art. 19 notices not sent yet (the company has no privacy contact: its A3 request
    waits with ``no_address``)."""
    query = select(outbox).where(outbox.c.sent_at.is_(None), outbox.c.kind.like("art19_%"))
    with container.engine.connect() as conn:
        return list(conn.execute(query))


def assert_no_personal_data(text: str) -> None:
    for value in ANNAS_DATA:
        assert value not in text


def test_d4_art19_erasure_notices_reach_each_recipient_once(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """D4, Art. 19: one erasure, two recipients in the disclosure log -> two mails, each to
    the recipient's notice address, naming the disclosure but not Anna; a second run sends
    nothing (the notices are marked sent)."""
    port, inbox = smtp
    with container.uow() as uow:  # the disclosure's reference, as the recipient knows it
        uow.rights.record_disclosure("credit_reference_agency", world.anna_id, ["address"], NOW)
        uow.commit()
    erase_anna(container)
    report = deliver(container, port)
    assert report.by_kind == {"art19_erasure": 2, "controller_erasure_request": 1}
    assert sorted(m["To"] for m in inbox.messages) == sorted([CREDIT, PSP, COMPANY_DPO])
    credit = inbox.to(CREDIT)[0]
    body = credit.get_content()
    assert "Article 19" in body and "national_id" in body and "2026-11-01" in body
    assert_no_personal_data(body + str(credit["Subject"]))
    assert unsent(container) == []
    again = deliver(container, port)
    assert again.sent == 0 and len(inbox.messages) == 3


def test_d3_rectification_and_restriction_notices_say_only_what_is_needed(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """D3, Art. 19: a rectification names the corrected field, never the old or new value;
    a restriction is announced; lifting it tells Anna herself, with IMY (Art. 18(3))."""
    port, inbox = smtp
    command = RectifyCommand((key("email", ANNA),), "phone", "070-999 88 77")
    rectify(subject_context(container, clock=FixedClock(), secret=SECRET), command, actor="test")
    keys = (key("email", ANNA),)
    restrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        keys,
        reason="disputed accuracy",
        actor="test",
    )
    unrestrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        keys,
        reason="corrected",
        actor="test",
    )
    report = deliver(container, port)
    assert report.by_kind == {
        "art19_rectification": 2,
        "art19_restriction": 2,
        "restriction_lifted": 1,
    }
    to_recipients = [m for m in inbox.messages if m["To"] in (CREDIT, PSP)]
    for message in to_recipients:
        body = message.get_content()
        assert_no_personal_data(body)
        assert "+46709998877" not in body and "070-999 88 77" not in body
    assert any("Corrected field: phone" in m.get_content() for m in to_recipients)
    lifted = inbox.to(ANNA)
    assert len(lifted) == 1 and "Integritetsskyddsmyndigheten" in lifted[0].get_content()


def test_d4_a_recipient_without_address_waits_with_the_reason(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """Art. 19 'unless impossible': the catalogue gives no notice address for Skatteverket;
    its notice stays queued with the reason and is tried again on the next run."""
    port, inbox = smtp
    with container.uow() as uow:
        uow.rights.record_disclosure("skatteverket", world.anna_id, ["name"], NOW)
        uow.commit()
    erase_anna(container)
    report = deliver(container, port)
    assert report.sent == 3 and report.not_sent == {"no_address": 1}
    waiting = unsent(container)
    assert [(n.recipient, n.last_error, n.attempts) for n in waiting] == [
        ("skatteverket", "no_address", 1)
    ]


def test_d4_a_mail_server_that_is_down_leaves_the_notices_waiting(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """A send that fails marks nothing sent; the next run, with the server up, sends them."""
    erase_anna(container)
    down = deliver(container, free_port())
    assert down.sent == 0 and down.not_sent == {"send_failed": 3}
    assert {n.last_error for n in unsent(container)} == {"send_failed"}
    port, inbox = smtp
    assert deliver(container, port).sent == 3 and len(inbox.messages) == 3


def test_d4_two_runners_at_once_send_each_notice_once(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """Two delivery runs at the same time (SKIP LOCKED / conditional update): every notice
    goes out exactly once."""
    port, inbox = smtp
    with container.uow() as uow:
        for n in range(40):
            uow.rights.enqueue(
                kind="art19_erasure",
                dedupe_key=f"load:{n}",
                recipient="credit_reference_agency",
                person_id=world.anna_id,
                details={"person_id": world.anna_id},
                at=NOW,
            )
        uow.commit()
    reports: list[NotifyReport] = []
    runners = [
        threading.Thread(target=lambda: reports.append(deliver(container, port))) for _ in range(2)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=120)
    assert sum(r.sent for r in reports) == 40 and len(inbox.messages) == 40
    assert len({m["Subject"] for m in inbox.messages}) == 40  # no notice twice
    assert unsent(container) == []


def test_a3_the_worker_delivers_after_the_erasure_commits(
    container: Container, world: World, smtp: tuple[int, Inbox]
) -> None:
    """D4, A3: the erasure queues its delivery job in its own transaction; the worker sends
    the Art. 19 notices and the controller's request naming its SIMs (ICCID only)."""
    port, inbox = smtp
    erase_anna(container)
    with container.engine.connect() as conn:
        tasks = list(conn.execute(select(jobs.c.task)).scalars())
    assert "deliver_notices" in tasks
    settings = container.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    wired = build(settings)
    try:
        worker = make_worker(wired, name="test-worker")
        while worker.run_once():
            pass
    finally:
        wired.close()
    assert sorted(m["To"] for m in inbox.messages) == sorted([CREDIT, PSP, COMPANY_DPO])
    controller = inbox.to(COMPANY_DPO)[0].get_content()
    assert all(iccid in controller for iccid in world.anna_iccids)
    assert_no_personal_data(controller)
    with container.engine.connect() as conn:
        left = conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        )
        assert left.scalar_one() == 0


def kept_mail(container: Container) -> list[Any]:
    with container.engine.connect() as conn:
        return list(conn.execute(select(mail_outbox).order_by(mail_outbox.c.id)))


def test_d4_without_a_mail_server_the_notices_go_into_the_mail_outbox(
    container: Container, world: World
) -> None:
    """D4, Art. 19: with no SMTP server configured (the demo), ``varna subject notify``'s
    path keeps each notice's message in the mail outbox in the transaction that marks the
    notice sent: all of them go, at once (a mailer with a connection of its own waited for
    the delivery's lock on SQLite and failed every notice)."""
    erase_anna(container)
    started = time.monotonic()
    report = run_notify(container, NotifyCommand(), actor="test")
    assert time.monotonic() - started < 5
    assert report.by_kind == {"art19_erasure": 2, "controller_erasure_request": 1}
    assert report.not_sent == {}
    kept = kept_mail(container)
    assert sorted(m.recipient for m in kept) == sorted([CREDIT, PSP, COMPANY_DPO])
    for message in kept:
        assert_no_personal_data(message.message_body + message.mail_subject)
    assert unsent(container) == []
    assert run_notify(container, NotifyCommand(), actor="test").sent == 0
    assert len(kept_mail(container)) == 3


def test_d4_the_worker_puts_the_notices_into_the_mail_outbox(
    container: Container, world: World
) -> None:
    """D4, A3: the job the erasure queues runs once and succeeds without a mail server; the
    notices are in the mail outbox, none waits."""
    erase_anna(container)
    worker = make_worker(container, name="test-worker")
    while worker.run_once():
        pass
    with container.engine.connect() as conn:
        states = dict(conn.execute(select(jobs.c.task, jobs.c.state)).all())
        attempts = conn.execute(select(func.max(jobs.c.attempts))).scalar_one()
    assert states["deliver_notices"] == "done" and attempts == 1, states
    assert len(kept_mail(container)) == 3 and unsent(container) == []


def test_d4_a_failed_send_says_which_notice_and_why_without_personal_data(
    container: Container, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """D4: a refused send is not swallowed: the notice waits with ``send_failed``, and a log
    line names the notice and the error's type, never an address or the text."""
    erase_anna(container)
    with caplog.at_level(logging.WARNING, logger="varna.services.notices.deliver"):
        report = deliver(container, free_port())
    assert report.failed == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "varna.services.notices.deliver"]
    assert len(lines) == 3
    assert all(" not sent: " in line and "Error" in line for line in lines), lines
    ids = {n.id for n in unsent(container)}
    assert {int(line.split()[1]) for line in lines} >= ids
    for line in lines:
        assert_no_personal_data(line)
        assert "@" not in line
