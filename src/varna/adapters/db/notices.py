"""The notice outbox for delivery (Art. 19, A3): the due notices, the claim that marks one
sent exactly once, and the few facts a notice's text needs (ids in, addresses out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from varna.adapters.db.tables import disclosures, organisations, outbox, people, sims
from varna.domain.notices import Disclosure, Notice, UnsentNotice


def _notice(row: Row[Any] | Any) -> Notice:
    return Notice(
        id=int(row.id),
        kind=row.kind,
        recipient=row.recipient,
        person_id=row.person_id,
        organisation_id=row.organisation_id,
        details=dict(row.details or {}),
        created_at=row.created_at,
    )


COLUMNS = (
    outbox.c.id,
    outbox.c.kind,
    outbox.c.recipient,
    outbox.c.person_id,
    outbox.c.organisation_id,
    outbox.c.details,
    outbox.c.created_at,
)


class SqlNoticeStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def pending(self, *, after_id: int, limit: int) -> list[Notice]:
        query = (
            select(*COLUMNS)
            .where(outbox.c.sent_at.is_(None), outbox.c.id > after_id)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [_notice(row) for row in self._connection.execute(query)]

    def claim(self, notice_id: int, at: datetime) -> Notice | None:
        """PostgreSQL: lock the row unless another runner holds it (SKIP LOCKED); both
        stores: the update only takes a notice that is still unsent, so it is sent once."""
        due = (outbox.c.id == notice_id) & outbox.c.sent_at.is_(None)
        if self._connection.dialect.name == "postgresql":
            locked = select(outbox.c.id).where(due).with_for_update(skip_locked=True)
            if self._connection.execute(locked).first() is None:
                return None
        claimed = self._connection.execute(
            update(outbox)
            .where(due)
            .values(sent_at=at, attempts=outbox.c.attempts + 1, last_error=None)
            .returning(*COLUMNS)
        ).first()
        return None if claimed is None else _notice(claimed)

    def note_failure(self, notice_id: int, reason: str) -> None:
        self._connection.execute(
            update(outbox)
            .where(outbox.c.id == notice_id, outbox.c.sent_at.is_(None))
            .values(attempts=outbox.c.attempts + 1, last_error=reason[:64])
        )

    def unsent(self, *, limit: int) -> list[UnsentNotice]:
        o = outbox.c
        query = (
            select(
                o.id, o.kind, o.recipient, o.organisation_id, o.attempts, o.last_error, o.created_at
            )
            .where(o.sent_at.is_(None))
            .order_by(o.last_error.is_(None), o.id.desc())
            .limit(limit)
        )
        return [
            UnsentNotice(
                int(r.id),
                r.kind,
                r.recipient,
                r.organisation_id,
                int(r.attempts),
                r.last_error,
                r.created_at,
            )
            for r in self._connection.execute(query)
        ]

    def disclosures(self, recipient: str, person_id: int) -> list[Disclosure]:
        query = (
            select(disclosures.c.disclosed_at, disclosures.c.reference, disclosures.c.categories)
            .where(disclosures.c.recipient == recipient, disclosures.c.person_id == person_id)
            .order_by(disclosures.c.disclosed_at, disclosures.c.id)
        )
        return [
            Disclosure(row.disclosed_at, row.reference, tuple(row.categories or ()))
            for row in self._connection.execute(query)
        ]

    def person_email(self, person_id: int) -> str | None:
        query = select(people.c.email).where(people.c.id == person_id)
        found = self._connection.execute(query).scalar_one_or_none()
        return str(found) if found else None

    def organisation_email(self, organisation_id: int) -> str | None:
        query = select(organisations.c.privacy_contact_email).where(
            organisations.c.id == organisation_id
        )
        found = self._connection.execute(query).scalar_one_or_none()
        return str(found) if found else None

    def iccids(self, sim_ids: Sequence[int]) -> list[str]:
        if not sim_ids:
            return []
        query = select(sims.c.iccid).where(sims.c.id.in_(list(sim_ids))).order_by(sims.c.iccid)
        return [str(iccid) for iccid in self._connection.execute(query).scalars()]
