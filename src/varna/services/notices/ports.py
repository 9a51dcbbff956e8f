"""What notice delivery needs from storage; ``varna.adapters.db.notices`` implements it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from varna.domain.notices import Disclosure, Notice, UnsentNotice
from varna.services.mail.ports import OutboxStore
from varna.services.ports import UnitOfWork

if TYPE_CHECKING:  # requests' ports import the subject ports, which import these
    from varna.services.requests.ports import JobQueue


class NoticeStore(Protocol):
    def pending(self, *, after_id: int, limit: int) -> list[Notice]:
        """Unsent notices with an id above ``after_id``, oldest first."""
        ...

    def claim(self, notice_id: int, at: datetime) -> Notice | None:
        """Mark one notice sent, if no one has yet, and hold it until the transaction ends
        (another runner skips it, or waits and finds it sent). None: already taken."""
        ...

    def note_failure(self, notice_id: int, reason: str) -> None:
        """Count a try that did not send, with its reason code (no personal data)."""
        ...

    def unsent(self, *, limit: int) -> list[UnsentNotice]:
        """Notices not sent yet, failed ones first, then newest first (no personal data)."""
        ...

    def disclosures(self, recipient: str, person_id: int) -> list[Disclosure]: ...

    def person_email(self, person_id: int) -> str | None: ...

    def organisation_email(self, organisation_id: int) -> str | None: ...

    def iccids(self, sim_ids: Sequence[int]) -> list[str]: ...


class NoticeUnitOfWork(UnitOfWork, Protocol):
    notices: NoticeStore
    jobs: JobQueue
    mail_outbox: OutboxStore  # where a notice's message is kept without a mail server
