"""One fake unit of work with every store, as ``SqlUnitOfWork`` has: a service sees the kind
of unit of work it asks for (mypy checks each below), a test sees every store.

Use it as the services do: ``with uow: ...; uow.commit()``. What a block did without a
commit is undone when it ends; ``uow.commits``, ``uow.rollbacks`` and ``uow.transactions``
count what happened. The stores can be read outside a transaction, which is how a test
looks at what was committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from tests.fakes.audit import FakeAuditLog
from tests.fakes.consent import FakeCenterLinkStore, FakeConsentStore
from tests.fakes.jobs import FakeJobQueue
from tests.fakes.mail import FakeOutboxStore
from tests.fakes.notices import FakeNoticeStore
from tests.fakes.people import FakeDirectory
from tests.fakes.requests import FakeRequestStore, FakeStaffStore
from tests.fakes.retention import FakeRetentionStore
from tests.fakes.subjects import FakeRightsStore, FakeSubjectStore
from tests.fakes.text import FakeTextStore
from tests.fakes.transaction import Transactional
from tests.fakes.usage import FakeUsageStore
from varna.services.consent.ports import ConsentStore, ConsentUnitOfWork
from varna.services.mail.ports import OutboxStore, OutboxUnitOfWork
from varna.services.notices.ports import NoticeStore, NoticeUnitOfWork
from varna.services.ports import AuditLog, TextStore, TextUnitOfWork, UnitOfWork, UsageStore
from varna.services.requests.extracts import ExtractsUnitOfWork
from varna.services.requests.ports import JobQueue, RequestStore, RequestUnitOfWork, StaffStore
from varna.services.retention.ports import RetentionStore, RetentionUnitOfWork
from varna.services.subjects.ports import RightsStore, SubjectStore, SubjectUnitOfWork


class FakeUnitOfWork(Transactional):
    # Declared as the ports (a Protocol's attribute is invariant); each holds the fake of
    # that name, whose helpers for tests (``uow.audit.actions()``) are there at run time.
    directory: FakeDirectory
    audit: AuditLog
    usage: UsageStore
    text: TextStore
    jobs: JobQueue
    mail_outbox: OutboxStore
    consent: ConsentStore
    requests: RequestStore
    staff: StaffStore
    notices: NoticeStore
    rights: RightsStore
    subjects: SubjectStore
    retention: RetentionStore

    def __init__(self) -> None:
        super().__init__()
        self.directory = FakeDirectory()
        audit, jobs = FakeAuditLog(), FakeJobQueue()
        self.audit = audit
        self.usage = FakeUsageStore()
        self.text = FakeTextStore()
        self.jobs = jobs
        self.mail_outbox = FakeOutboxStore()
        links = FakeCenterLinkStore()
        self.center_links = links
        self.consent = FakeConsentStore(self.directory, links)
        self.requests = FakeRequestStore(self.directory)
        self.staff = FakeStaffStore()
        notices = FakeNoticeStore(self.directory)
        self.notices = notices
        self.rights = FakeRightsStore(self.directory, notices, audit, jobs)
        self.subjects = FakeSubjectStore(self.directory)
        self.retention = FakeRetentionStore(self.directory)

    def __enter__(self) -> Self:
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._end()


# The fake is each unit of work the services ask for (mypy checks these assignments).
_uow: UnitOfWork = FakeUnitOfWork()
_text: TextUnitOfWork = FakeUnitOfWork()
_consent: ConsentUnitOfWork = FakeUnitOfWork()
_outbox: OutboxUnitOfWork = FakeUnitOfWork()
_notices: NoticeUnitOfWork = FakeUnitOfWork()
_subjects: SubjectUnitOfWork = FakeUnitOfWork()
_requests: RequestUnitOfWork = FakeUnitOfWork()
_extracts: ExtractsUnitOfWork = FakeUnitOfWork()
_retention: RetentionUnitOfWork = FakeUnitOfWork()
