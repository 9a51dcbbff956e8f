"""The mail outbox (``mail_outbox``): reading it for the admin console, and
:class:`OutboxMailer`, the mailer used when no SMTP server is configured (the demo default),
which keeps every message there instead of sending it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, func, insert, select

from varna.adapters.db.tables import mail_outbox, people
from varna.services.consent.ports import OutgoingMail
from varna.services.mail.outbox import RIGHTS_PURPOSE
from varna.services.mail.ports import OutboxEntry


class SqlOutboxStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, *, recipient: str, purpose: str, subject: str, body: str, at: datetime) -> int:
        inserted = self._connection.execute(
            insert(mail_outbox)
            .values(
                recipient=recipient,
                purpose=purpose,
                mail_subject=subject[:200],
                message_body=body,
                created_at=at,
            )
            .returning(mail_outbox.c.id)
        ).scalar_one()
        return int(inserted)

    @staticmethod
    def _query() -> Select[Any]:
        o = mail_outbox.c
        return select(
            o.id,
            func.coalesce(o.recipient, people.c.email).label("address"),
            o.purpose,
            o.mail_subject,
            o.message_body,
            o.created_at,
            o.sent_at,
        ).outerjoin(people, people.c.id == o.person_id)

    @staticmethod
    def _entry(row: Row[Any]) -> OutboxEntry:
        m = row._mapping
        return OutboxEntry(
            id=int(m["id"]),
            recipient=m["address"],
            purpose=m["purpose"],
            subject=m["mail_subject"],
            body=m["message_body"],
            created_at=m["created_at"],
            sent_at=m["sent_at"],
        )

    def listing(self, *, limit: int) -> list[OutboxEntry]:
        o = mail_outbox.c
        query = self._query().order_by(o.created_at.desc(), o.id.desc()).limit(limit)
        return [self._entry(row) for row in self._connection.execute(query)]

    def message(self, message_id: int) -> OutboxEntry | None:
        row = self._connection.execute(self._query().where(mail_outbox.c.id == message_id)).first()
        return None if row is None else self._entry(row)


class OutboxMailer:
    """A :class:`~varna.services.requests.ports.Mailer` that keeps each message in the mail
    outbox, in a transaction of its own: for mail that goes out after the use case has
    committed. Mail handed over inside an open transaction goes through that transaction's
    own store (:class:`~varna.services.mail.outbox.KeptMail`): on SQLite a second connection
    would wait for the first one's write lock and fail."""

    def __init__(
        self, engine: Engine, *, now: Callable[[], datetime], purpose: str = RIGHTS_PURPOSE
    ) -> None:
        self._engine, self._now, self._purpose = engine, now, purpose

    def send(self, mail: OutgoingMail) -> None:
        with self._engine.begin() as connection:
            SqlOutboxStore(connection).add(
                recipient=mail.to,
                purpose=self._purpose,
                subject=mail.subject,
                body=mail.body,
                at=self._now(),
            )
