"""The unit of work over SQLAlchemy: one connection, one transaction."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from varna.adapters.db.audit import SqlAuditLog
from varna.adapters.db.consent_store import SqlConsentStore
from varna.adapters.db.demo_store import SqlDemoStore
from varna.adapters.db.notices import SqlNoticeStore
from varna.adapters.db.outbox_store import SqlOutboxStore
from varna.adapters.db.requests_store import SqlRequestStore, SqlStaffStore
from varna.adapters.db.retention.store import SqlRetentionStore
from varna.adapters.db.subjects.plan import SubjectPlan, build_plan
from varna.adapters.db.subjects.rights import SqlRightsStore
from varna.adapters.db.subjects.store import SqlSubjectStore
from varna.adapters.db.text_store import SqlTextStore
from varna.adapters.db.usage_postgres import PostgresUsageStore
from varna.adapters.db.usage_sqlite import SqliteUsageStore
from varna.adapters.jobs import SqlJobQueue
from varna.catalog import Catalog, load_catalog
from varna.services.consent.ports import ConsentStore
from varna.services.mail.ports import OutboxStore
from varna.services.notices.ports import NoticeStore
from varna.services.ports import AuditLog, DemoStore, TextStore, UsageStore
from varna.services.requests.ports import JobQueue, RequestStore, StaffStore
from varna.services.retention.ports import RetentionStore
from varna.services.subjects.ports import RightsStore, SubjectStore


class SqlUnitOfWork:
    """Use as ``with uow: ...; uow.commit()``; leaving without commit rolls back."""

    connection: Connection
    audit: AuditLog
    usage: UsageStore
    consent: ConsentStore
    demo: DemoStore
    text: TextStore
    rights: RightsStore
    notices: NoticeStore
    retention: RetentionStore
    requests: RequestStore
    jobs: JobQueue
    staff: StaffStore
    mail_outbox: OutboxStore

    def __init__(
        self,
        engine: Engine,
        *,
        catalog: Catalog | None = None,
        subject_plan: SubjectPlan | None = None,
    ) -> None:
        """``subject_plan``: the subject engine's statements, built once per process by the
        container; without it, built from the catalogue when the subjects are first asked."""
        self._engine = engine
        self._catalog = catalog
        self._subject_plan = subject_plan
        self._subjects: SubjectStore | None = None

    @property
    def subjects(self) -> SubjectStore:
        if self._subjects is None:
            if self._subject_plan is None:
                catalog = self._catalog or load_catalog()
                self._subject_plan = build_plan(catalog, self._engine.dialect.name)
            self._subjects = SqlSubjectStore(self.connection, self._subject_plan)
        return self._subjects

    def __enter__(self) -> SqlUnitOfWork:
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
        self.audit = SqlAuditLog(self.connection)
        self.consent = SqlConsentStore(self.connection)
        self.demo = SqlDemoStore(self.connection)
        self.text = SqlTextStore(self.connection)
        self._subjects = None
        self.rights = SqlRightsStore(self.connection)
        self.notices = SqlNoticeStore(self.connection)
        self.retention = SqlRetentionStore(self.connection, self._catalog or load_catalog())
        self.requests = SqlRequestStore(self.connection)
        self.jobs = SqlJobQueue(self.connection)
        self.staff = SqlStaffStore(self.connection)
        self.mail_outbox = SqlOutboxStore(self.connection)
        if self.connection.dialect.name == "postgresql":
            self.usage = PostgresUsageStore(self.connection)
        else:
            self.usage = SqliteUsageStore(self.connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self.connection.close()

    def commit(self) -> None:
        self._transaction.commit()

    def rollback(self) -> None:
        self._transaction.rollback()
