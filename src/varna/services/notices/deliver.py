"""Deliver the due notices of the outbox through the mailer, each exactly once.

Each notice is its own transaction: it is composed (reading only what its addressee must
know), claimed with a conditional update that also marks it sent (on PostgreSQL after a
``FOR UPDATE SKIP LOCKED``, so a second runner skips it instead of waiting), handed to the
mailer, and committed with its audit event. Without a mail server the message is kept in the
mail outbox through the same transaction (:class:`~varna.services.mail.outbox.KeptMail`):
the notice is marked sent in the commit that keeps its message, never one without the other
(a mailer writing through a connection of its own would wait for this transaction's lock on
SQLite and fail). A send that fails rolls the claim back, counts the try and logs the
notice's id and the error's type (no address, no text); a notice that cannot be sent (no
address for the recipient) stays queued with the reason, so the privacy officer sees why
(Art. 19: "unless impossible"). A crash between an SMTP send and the commit may send that one
notice again on the next run (at least once).

The use cases that queue notices (erasure, rectification, restriction) also queue the job
that wakes the worker (:func:`wake_delivery`); while some notices wait, the worker tries again
the next day (:func:`retry_tomorrow`).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from varna.catalog import Catalog
from varna.domain.audit import AuditAction
from varna.domain.notices import (
    CONTROLLER_KINDS,
    NO_ADDRESS,
    PERSON_KINDS,
    RECIPIENT_KINDS,
    SEND_FAILED,
    UNKNOWN_KIND,
    Message,
    Notice,
    Sender,
    controller_message,
    person_message,
    recipient_message,
)
from varna.services.consent.ports import Mailer, OutgoingMail
from varna.services.context import ServiceContext
from varna.services.mail.outbox import KeptMail
from varna.services.notices.ports import NoticeUnitOfWork
from varna.services.ports import AuditEvent

if TYPE_CHECKING:  # requests' ports import the subject ports, which import these
    from varna.services.requests.ports import JobQueue

NOTIFY_TASK = "deliver_notices"
DAILY_TASK = "deliver_notices_daily"
BATCH = 100

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NotifyCommand:
    limit: int = 1000  # notices looked at in one run


@dataclass(frozen=True, slots=True)
class NotifyReport:
    sent: int
    by_kind: dict[str, int] = field(default_factory=dict)
    not_sent: dict[str, int] = field(default_factory=dict)  # reason -> notices

    @property
    def failed(self) -> int:
        return self.not_sent.get(SEND_FAILED, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "by_kind": self.by_kind, "not_sent": self.not_sent}


def wake_key(key: str) -> str:
    """The key of the delivery job that ``key`` (what queued the notices) wakes."""
    return f"{NOTIFY_TASK}:{key}"


def wake_delivery(jobs: JobQueue, key: str, *, at: datetime) -> None:
    """Queue the delivery job in the caller's transaction (once per ``key``)."""
    jobs.enqueue(NOTIFY_TASK, wake_key(key), request_id=None, at=at)


def deliver_notices(
    ctx: ServiceContext[NoticeUnitOfWork],
    command: NotifyCommand,
    *,
    actor: str,
    mailer: Mailer | None,
) -> NotifyReport:
    """Send every due notice once: through ``mailer`` (SMTP), or without one into the mail
    outbox, in each notice's own transaction."""
    uow, catalog, clock = ctx.uow(), ctx.catalog, ctx.clock
    sent: Counter[str] = Counter()
    not_sent: Counter[str] = Counter()
    sender = _sender(catalog)
    after, seen = 0, 0
    while seen < command.limit:
        with uow as work:
            batch = work.notices.pending(after_id=after, limit=min(BATCH, command.limit - seen))
        if not batch:
            break
        for notice in batch:
            after, seen = notice.id, seen + 1
            outcome = _deliver_one(uow, catalog, sender, notice, mailer, actor, clock.now())
            if outcome is None:
                sent[notice.kind] += 1
            elif outcome != "taken":
                not_sent[outcome] += 1
    return NotifyReport(sum(sent.values()), dict(sorted(sent.items())), dict(not_sent))


def _deliver_one(
    uow: NoticeUnitOfWork,
    catalog: Catalog,
    sender: Sender,
    notice: Notice,
    mailer: Mailer | None,
    actor: str,
    now: datetime,
) -> str | None:
    """None when sent; otherwise why not (``taken``: another runner has it)."""
    with uow as work:
        composed = _compose(work, catalog, sender, notice)
        if isinstance(composed, str):
            work.notices.note_failure(notice.id, composed)
            work.commit()
            return composed
        address, message = composed
        if work.notices.claim(notice.id, now) is None:
            return "taken"
        try:
            (mailer or KeptMail(work.mail_outbox, at=now)).send(
                OutgoingMail(
                    address, message.subject, message.body, {"Auto-Submitted": "auto-generated"}
                )
            )
        except Exception as exc:  # noqa: BLE001 - the server may be away; the notice waits
            work.rollback()
            log.warning("notice %s (%s) not sent: %s", notice.id, notice.kind, type(exc).__name__)
            failed = True
        else:
            failed = False
            work.audit.record(
                AuditEvent(
                    actor, AuditAction.NOTICE_SENT, f"outbox:{notice.id}", {"kind": notice.kind}
                ),
                at=now,
            )
            work.commit()
    if failed:
        with uow as work:
            work.notices.note_failure(notice.id, SEND_FAILED)
            work.commit()
        return SEND_FAILED
    return None


def _compose(
    work: NoticeUnitOfWork, catalog: Catalog, sender: Sender, notice: Notice
) -> tuple[str, Message] | str:
    """The address and the text of a notice, or the reason it cannot be sent."""
    if notice.kind in RECIPIENT_KINDS and notice.recipient and notice.person_id is not None:
        recipient = catalog.recipients.get(notice.recipient)
        if recipient is None or not recipient.notices_to:
            return NO_ADDRESS
        disclosures = work.notices.disclosures(notice.recipient, notice.person_id)
        return recipient.notices_to, recipient_message(notice, disclosures, sender)
    if notice.kind in PERSON_KINDS and notice.person_id is not None:
        email = work.notices.person_email(notice.person_id)
        return (email, person_message(notice, sender)) if email else NO_ADDRESS
    if notice.kind in CONTROLLER_KINDS and notice.organisation_id is not None:
        email = work.notices.organisation_email(notice.organisation_id)
        if not email:
            return NO_ADDRESS
        sims = [int(s) for s in notice.details.get("sim_ids", [])]
        return email, controller_message(notice, work.notices.iccids(sims), sender)
    return UNKNOWN_KIND


def _sender(catalog: Catalog) -> Sender:
    controller, authority = catalog.controller, catalog.supervisory_authority
    return Sender(
        controller.name, controller.dpo.email or controller.email, authority.name, authority.website
    )


def retry_tomorrow(ctx: ServiceContext[NoticeUnitOfWork]) -> bool:
    """The daily catch-up: while notices wait (no address yet, the mail server away), a run
    is queued for the next midnight (UTC), once per day."""
    tomorrow = ctx.clock.now().date() + timedelta(days=1)
    with ctx.uow() as work:
        added = work.jobs.enqueue(
            DAILY_TASK,
            f"{DAILY_TASK}:{tomorrow.isoformat()}",
            request_id=None,
            at=datetime.combine(tomorrow, time(), tzinfo=UTC),
        )
        work.commit()
    return added
