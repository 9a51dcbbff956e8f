"""Delivering the notice outbox (Art. 19, Art. 18(3), A3; D3, D4): each notice once, in its
own transaction with its audit event; without a mail server into the mail outbox in the
same commit; a failed send leaves the notice waiting with a reason code."""

from __future__ import annotations

from datetime import datetime

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer, FailingMailer
from tests.fakes.uow import FakeUnitOfWork
from varna.services.mail.outbox import list_outbox, open_message
from varna.services.notices.deliver import (
    NotifyCommand,
    NotifyReport,
    deliver_notices,
    retry_tomorrow,
)
from varna.services.notices.status import unsent_notices

EMAIL = "anna@example.com"


def deliver(
    ctx: FakeContext, mailer: CapturingMailer | FailingMailer | None, limit: int = 1000
) -> NotifyReport:
    return deliver_notices(
        ctx,
        NotifyCommand(limit),
        actor="worker",
        mailer=mailer,
    )


def _lifted(uow: FakeUnitOfWork, person: int, key: str, at: datetime) -> None:
    with uow:
        uow.rights.enqueue(
            kind="restriction_lifted",
            dedupe_key=key,
            person_id=person,
            details={"restriction_id": 1},
            at=at,
        )
        uow.commit()


def test_each_due_notice_is_sent_once_with_its_audit_event_d3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    report = deliver(ctx, mailer)
    assert report.as_dict() == {"sent": 1, "by_kind": {"restriction_lifted": 1}, "not_sent": {}}
    mail = mailer.only()
    assert mail.to == EMAIL and mail.headers == {"Auto-Submitted": "auto-generated"}
    assert uow.audit.one("notice.sent").details == {"kind": "restriction_lifted"}
    assert deliver(ctx, mailer).sent == 0 and len(mailer.sent) == 1  # once


def test_a_notice_is_queued_once_per_key(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    person = uow.directory.add_person(email=EMAIL)
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    assert uow.notices.kinds() == ["restriction_lifted"]


def test_without_a_mail_server_the_message_is_kept_in_the_outbox_in_the_same_commit(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    assert deliver(ctx, None).sent == 1
    (kept,) = list_outbox(ctx.uow())
    assert kept.recipient == EMAIL and kept.purpose == "data_subject_rights"
    assert uow.notices.sent() == [1]
    assert open_message(ctx.uow(), kept.id, actor="staff:1", clock=ctx.clock) == kept
    read = uow.audit.one("outbox.read")
    assert read.target == f"mail_outbox:{kept.id}" and EMAIL not in str(read)
    assert open_message(ctx.uow(), 99, actor="staff:1", clock=ctx.clock) is None


def test_a_failed_send_leaves_the_notice_waiting_with_its_reason_d3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    failing = FailingMailer()
    report = deliver(ctx, failing)
    assert (report.sent, report.failed) == (0, 1) and failing.tries == 1
    assert uow.notices.sent() == [] and "notice.sent" not in uow.audit.actions()
    (line,) = unsent_notices(ctx)
    assert (line.state, line.error, line.attempts) == ("failed", "send_failed", 1)
    assert line.to == "The person concerned" and "tried again" in str(line.error_text)
    mailer = CapturingMailer()
    assert deliver(ctx, mailer).sent == 1  # the next run sends it


def test_a_notice_without_an_address_waits_and_says_why(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    person = uow.directory.add_person()  # no e-mail address
    _lifted(uow, person, "restriction_lifted:1", ctx.clock.now())
    assert deliver(ctx, mailer).not_sent == {"no_address": 1}
    assert mailer.sent == []
    (line,) = unsent_notices(ctx)
    assert line.error == "no_address" and "no address" in str(line.error_text)


def test_a_controller_is_told_which_of_its_sims_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    customer = uow.directory.add_customer(privacy_contact="dpo@testbolaget.example")
    sim = uow.directory.add_sim(
        customer, iccid="8946999000000000018", imsi="240990000000001", msisdn="+46701740099"
    )
    with uow:
        uow.rights.enqueue(
            kind="controller_erasure_request",
            dedupe_key="c:1",
            organisation_id=customer,
            details={"sim_ids": [sim]},
            at=ctx.clock.now(),
        )
        uow.commit()
    deliver(ctx, mailer)
    mail = mailer.only()
    assert mail.to == "dpo@testbolaget.example" and "8946999000000000018" in mail.body


def test_an_art19_notice_names_the_disclosures_and_not_the_person_d4(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    recipient_id, recipient = next(
        (key, r) for key, r in ctx.catalog.recipients.items() if r.notices_to
    )
    person = uow.directory.add_person(email=EMAIL, name="Anna Andersson")
    with uow:
        uow.rights.record_disclosure(recipient_id, person, ["contact"], ctx.clock.now())
        uow.rights.enqueue(
            kind="art19_erasure",
            dedupe_key="e:1",
            recipient=recipient_id,
            person_id=person,
            details={},
            at=ctx.clock.now(),
        )
        uow.commit()
    deliver(ctx, mailer)
    mail = mailer.only()
    assert mail.to == recipient.notices_to
    assert "contact" in mail.body and EMAIL not in mail.body and "Anna" not in mail.body


def test_the_daily_catch_up_is_queued_once_per_day(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    assert retry_tomorrow(ctx) is True
    assert retry_tomorrow(ctx) is False
    (job,) = uow.jobs.jobs.values()
    assert job.task == "deliver_notices_daily" and job.at.date().isoformat() == "2026-03-03"
