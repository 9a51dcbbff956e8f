"""The notice outbox (Art. 19, Art. 18(3), A3) as the delivery reads it, and the
disclosure log it quotes. The rights store queues notices into it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.domain.notices import Disclosure, Notice, UnsentNotice
from varna.services.notices.ports import NoticeStore


@dataclass(frozen=True, slots=True)
class QueuedNoticeRow:
    notice: Notice
    dedupe_key: str
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    id: int
    recipient: str
    person_id: int
    categories: tuple[str, ...]
    disclosed_at: datetime
    reference: str | None = None


class FakeNoticeStore(FakeStore):
    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory
        self.rows: dict[int, QueuedNoticeRow] = {}
        self.disclosure_log: list[DisclosureRow] = []
        self._next = 1

    # -- queueing (the rights store's ``enqueue``, and tests) ---------------------------
    def queue(
        self,
        *,
        kind: str,
        dedupe_key: str,
        details: Mapping[str, Any],
        at: datetime,
        recipient: str | None = None,
        person_id: int | None = None,
        organisation_id: int | None = None,
    ) -> bool:
        if any(row.dedupe_key == dedupe_key for row in self.rows.values()):
            return False
        notice_id, self._next = self._next, self._next + 1
        notice = Notice(notice_id, kind, recipient, person_id, organisation_id, dict(details), at)
        self.rows[notice_id] = QueuedNoticeRow(notice, dedupe_key)
        return True

    def disclose(
        self, recipient: str, person_id: int, categories: Sequence[str], at: datetime
    ) -> int:
        disclosure_id = len(self.disclosure_log) + 1
        self.disclosure_log.append(
            DisclosureRow(disclosure_id, recipient, person_id, tuple(categories), at)
        )
        return disclosure_id

    # -- the port -----------------------------------------------------------------------
    def pending(self, *, after_id: int, limit: int) -> list[Notice]:
        due = [r.notice for i, r in sorted(self.rows.items()) if i > after_id and r.sent_at is None]
        return due[:limit]

    def claim(self, notice_id: int, at: datetime) -> Notice | None:
        row = self.rows.get(notice_id)
        if row is None or row.sent_at is not None:
            return None
        self.rows[notice_id] = replace(row, sent_at=at, attempts=row.attempts + 1, last_error=None)
        return row.notice

    def note_failure(self, notice_id: int, reason: str) -> None:
        row = self.rows[notice_id]
        if row.sent_at is None:
            self.rows[notice_id] = replace(row, attempts=row.attempts + 1, last_error=reason[:64])

    def unsent(self, *, limit: int) -> list[UnsentNotice]:
        waiting = [r for r in self.rows.values() if r.sent_at is None]
        waiting.sort(key=lambda r: (r.last_error is None, -r.notice.id))
        return [
            UnsentNotice(
                r.notice.id,
                r.notice.kind,
                r.notice.recipient,
                r.notice.organisation_id,
                r.attempts,
                r.last_error,
                r.notice.created_at,
            )
            for r in waiting[:limit]
        ]

    def disclosures(self, recipient: str, person_id: int) -> list[Disclosure]:
        return [
            Disclosure(d.disclosed_at, d.reference, d.categories)
            for d in sorted(self.disclosure_log, key=lambda d: (d.disclosed_at, d.id))
            if d.recipient == recipient and d.person_id == person_id
        ]

    def person_email(self, person_id: int) -> str | None:
        person = self.directory.people.get(person_id)
        return person.email if person else None

    def organisation_email(self, organisation_id: int) -> str | None:
        organisation = self.directory.organisations.get(organisation_id)
        return organisation.privacy_contact if organisation else None

    def iccids(self, sim_ids: Sequence[int]) -> list[str]:
        return sorted(self.directory.sims[s].iccid for s in sim_ids if s in self.directory.sims)

    # -- for tests ----------------------------------------------------------------------
    def kinds(self) -> list[str]:
        return [row.notice.kind for _, row in sorted(self.rows.items())]

    def sent(self) -> list[int]:
        return [i for i, row in sorted(self.rows.items()) if row.sent_at is not None]


_: NoticeStore = FakeNoticeStore(FakeDirectory())
