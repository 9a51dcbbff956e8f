"""The mail outbox as the mailer of last resort, on SQLite and PostgreSQL: a message keeps its
recipient (through the direct-identifier column type), the newest comes first, and request
mails follow the outbox's retention rule like marketing messages (R1: deleted 90 days after
they were created)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.integration.test_retention import sweep
from varna.adapters.db.outbox_store import OutboxMailer
from varna.bootstrap import Container
from varna.services.consent.ports import OutgoingMail
from varna.services.mail.outbox import list_outbox

AS_OF = date(2026, 6, 1)
NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _keep(container: Container, to: str, subject: str, at: datetime) -> None:
    OutboxMailer(container.engine, now=lambda: at).send(OutgoingMail(to, subject, "body", {}))


def test_r1_request_mail_in_the_outbox_is_listed_newest_first_and_swept_after_90_days(
    container: Container,
) -> None:
    _keep(container, "old@example.com", "Your code for request 1", NOON - timedelta(days=91))
    _keep(container, "new@example.com", "Your code for request 2", NOON - timedelta(days=1))
    listed = list_outbox(container.uow())
    assert [(m.recipient, m.subject) for m in listed] == [
        ("new@example.com", "Your code for request 2"),
        ("old@example.com", "Your code for request 1"),
    ]
    assert {m.purpose for m in listed} == {"data_subject_rights"}
    sweep(container, AS_OF, only={"mail_outbox"})
    assert [m.recipient for m in list_outbox(container.uow())] == ["new@example.com"]
