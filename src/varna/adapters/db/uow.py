"""The unit of work over SQLAlchemy: one connection, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sqlalchemy import Connection, Engine

from varna.catalog import Catalog, load_catalog

if TYPE_CHECKING:
    from varna.adapters.db.subjects.plan import SubjectPlan
    from varna.services.access.ports import TokenStore
    from varna.services.consent.ports import ConsentStore
    from varna.services.mail.ports import OutboxStore
    from varna.services.notices.ports import NoticeStore
    from varna.services.ports import AuditLog, DemoStore, TextStore, UsageStore
    from varna.services.requests.console_ports import ConsoleStore
    from varna.services.requests.ports import JobQueue, RequestStore, StaffStore
    from varna.services.retention.ports import RetentionStore
    from varna.services.subjects.ports import RightsStore, SubjectStore

T = TypeVar("T")


class _Store(Generic[T]):
    """A store of the unit of work, made on first use in each transaction. Each store's
    module is imported by its factory, so that a command loads only the stores it uses (a
    lookup of one person does not load the retention, ingest or request code)."""

    def __init__(self, make: Callable[[SqlUnitOfWork], T]) -> None:
        self._make = make
        self._name = make.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Store[T]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> T: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> T | _Store[T]:
        if uow is None:
            return self
        made: dict[str, Any] = uow.__dict__
        if self._name not in made:
            made[self._name] = self._make(uow)
        return made[self._name]  # type: ignore[no-any-return]

    def __set__(self, uow: SqlUnitOfWork, store: T) -> None:
        uow.__dict__[self._name] = store


def _audit(uow: SqlUnitOfWork) -> AuditLog:
    from varna.adapters.db.audit import SqlAuditLog

    return SqlAuditLog(uow.connection)


def _usage(uow: SqlUnitOfWork) -> UsageStore:
    if uow.connection.dialect.name == "postgresql":
        from varna.adapters.db.usage_postgres import PostgresUsageStore

        return PostgresUsageStore(uow.connection)
    from varna.adapters.db.usage_sqlite import SqliteUsageStore

    return SqliteUsageStore(uow.connection)


def _consent(uow: SqlUnitOfWork) -> ConsentStore:
    from varna.adapters.db.consent_store import SqlConsentStore

    return SqlConsentStore(uow.connection)


def _demo(uow: SqlUnitOfWork) -> DemoStore:
    from varna.adapters.db.demo_store import SqlDemoStore

    return SqlDemoStore(uow.connection)


def _text(uow: SqlUnitOfWork) -> TextStore:
    from varna.adapters.db.text_store import SqlTextStore

    return SqlTextStore(uow.connection)


def _subjects(uow: SqlUnitOfWork) -> SubjectStore:
    from varna.adapters.db.subjects.store import SqlSubjectStore

    if uow._subject_plan is None:  # the container passes the plan it built once
        from varna.adapters.db.subjects.build import build_plan

        catalog = uow._catalog or load_catalog()
        uow._subject_plan = build_plan(catalog, uow._engine.dialect.name)
    return SqlSubjectStore(uow.connection, uow._subject_plan)


def _rights(uow: SqlUnitOfWork) -> RightsStore:
    from varna.adapters.db.subjects.rights import SqlRightsStore

    return SqlRightsStore(uow.connection)


def _notices(uow: SqlUnitOfWork) -> NoticeStore:
    from varna.adapters.db.notices import SqlNoticeStore

    return SqlNoticeStore(uow.connection)


def _retention(uow: SqlUnitOfWork) -> RetentionStore:
    from varna.adapters.db.retention.store import SqlRetentionStore

    return SqlRetentionStore(uow.connection, uow._catalog or load_catalog())


def _requests(uow: SqlUnitOfWork) -> RequestStore:
    from varna.adapters.db.requests_store import SqlRequestStore

    return SqlRequestStore(uow.connection)


def _jobs(uow: SqlUnitOfWork) -> JobQueue:
    from varna.adapters.jobs import SqlJobQueue

    return SqlJobQueue(uow.connection)


def _console(uow: SqlUnitOfWork) -> ConsoleStore:
    from varna.adapters.db.console_store import SqlConsoleStore

    return SqlConsoleStore(uow.connection)


def _staff(uow: SqlUnitOfWork) -> StaffStore:
    from varna.adapters.db.requests_store import SqlStaffStore

    return SqlStaffStore(uow.connection)


def _tokens(uow: SqlUnitOfWork) -> TokenStore:
    from varna.adapters.db.tokens_store import SqlTokenStore

    return SqlTokenStore(uow.connection)


def _mail_outbox(uow: SqlUnitOfWork) -> OutboxStore:
    from varna.adapters.db.outbox_store import SqlOutboxStore

    return SqlOutboxStore(uow.connection)


class SqlUnitOfWork:
    """Use as ``with uow: ...; uow.commit()``; leaving without commit rolls back."""

    connection: Connection
    audit = _Store(_audit)
    usage = _Store(_usage)
    consent = _Store(_consent)
    demo = _Store(_demo)
    text = _Store(_text)
    subjects = _Store(_subjects)
    rights = _Store(_rights)
    notices = _Store(_notices)
    retention = _Store(_retention)
    requests = _Store(_requests)
    jobs = _Store(_jobs)
    console = _Store(_console)
    staff = _Store(_staff)
    mail_outbox = _Store(_mail_outbox)
    tokens = _Store(_tokens)

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

    def __enter__(self) -> SqlUnitOfWork:
        for name in _STORES:  # the stores of an earlier transaction hold its connection
            self.__dict__.pop(name, None)
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
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
        from varna.adapters.fieldcrypt import after_commit

        after_commit(self.connection)  # the data keys of people this transaction erased

    def rollback(self) -> None:
        self._transaction.rollback()


_STORES = tuple(name for name, value in vars(SqlUnitOfWork).items() if isinstance(value, _Store))
