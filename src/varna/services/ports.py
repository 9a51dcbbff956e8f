"""The Protocols that services depend on; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from varna.domain.audit import AuditAction
from varna.domain.usage import UsageRecord, UsageWindow


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry of the audit log. ``actor`` is a ``SystemActor`` or an ``Actor`` name.

    ``action`` is an ``AuditAction``; a plain string is checked here (values read back from
    elsewhere): an action outside the vocabulary is a programming error."""

    actor: str
    action: AuditAction
    target: str | None
    details: Mapping[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", AuditAction(self.action))


class AuditLog(Protocol):
    def record(self, event: AuditEvent, *, at: datetime) -> None: ...

    def record_many(self, events: Iterable[AuditEvent], *, at: datetime) -> None:
        """Several events of one use case at once (one statement), in the same transaction."""
        ...


class UsageStore(Protocol):
    """The large table of usage records, with set-based bulk paths."""

    def load_csv_file(
        self, path: Path, *, window: UsageWindow, progress: ProgressHook | None = None
    ) -> int:
        """Validate and load a usage CSV (varna's own column layout) in the current
        transaction, every timestamp inside ``window``; return the number of records newly
        stored. Raises InputRefused."""
        ...

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        """Load validated records, each with its line number in the source, in the current
        transaction; return how many were newly stored. Raises InputRefused."""
        ...

    def count(self) -> int: ...


class ProgressHook(Protocol):
    def __call__(self, advanced_bytes: int) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without :meth:`commit` rolls everything back."""

    audit: AuditLog
    usage: UsageStore

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


# A usage record as the demo writes it: (sim_id, started_at, ended_at as seconds since the
# Unix epoch in UTC, bytes_up, bytes_down, mcc, mnc, cell_id, lac_tac, rat, traffic_type).
UsageRow = tuple[int, int, int, int, int, str, str, int | None, int | None, str | None, str]


class DemoStore(Protocol):
    """Writes the synthetic demo data set (``varna demo``) in the current transaction."""

    def holds_business_data(self) -> bool:
        """True when any business table has a row."""
        ...

    def empty_business_tables(self) -> None:
        """Delete every row of the business tables."""
        ...

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows (with their ids) into a business table in batches; return the count."""
        ...

    def load_usage(self, rows: Iterable[UsageRow], *, first_day: date, last_day: date) -> int:
        """Bulk-load usage records known to be valid (COPY on PostgreSQL, executemany on
        SQLite), all started between ``first_day`` and ``last_day``; return the count."""
        ...

    def finish(self) -> None:
        """Make the stores' id generators continue after the ids the demo wrote."""
        ...

    def mark_demo(self, *, at: datetime, size: str, seed: int) -> None:
        """Mark the database as the demo's: commands run on it in demo mode."""
        ...

    def row_counts(self) -> dict[str, int]:
        """Rows per business table."""
        ...


class DemoUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that can also write the demo data set."""

    demo: DemoStore


class Clock(Protocol):
    def now(self) -> datetime: ...


def iter_chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Split ``items`` into lists of at most ``size``."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True, slots=True)
class PrivacyEventRecord:
    """What the intake guard or the sweep saw or did, and where; never the content."""

    kind: str
    finding_type: str
    source_table: str
    record_id: int | None
    actor: str
    details: Mapping[str, Any]


class TextStore(Protocol):
    """Stored free text: set-based reads for the sweep, guarded writes for intake."""

    def iter_column(self, table: str, column: str, *, batch_rows: int) -> Iterator[tuple[int, str]]:
        """(record id, text) for every non-empty value of ``table.column``, streamed in
        batches of ``batch_rows`` (server-side cursor on PostgreSQL)."""
        ...

    def ticket_exists(self, ticket_id: int) -> bool: ...

    def add_ticket_message(
        self,
        ticket_id: int,
        body: str,
        *,
        sent_at: datetime,
        author_person_id: int | None,
        author_staff: str | None,
    ) -> int:
        """Store a message (already guarded) and return its id."""
        ...

    def add_quote_request(
        self,
        message: str,
        *,
        received_at: datetime,
        source: str,
        company_name: str | None,
        sim_count: int | None,
        person_id: int | None,
        organisation_id: int | None,
    ) -> int:
        """Store a quote request (message already guarded) and return its id."""
        ...

    def record_privacy_events(self, events: Iterable[PrivacyEventRecord], *, at: datetime) -> int:
        """Insert the events in one statement; return how many."""
        ...


class TextUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that reads and writes free text."""

    text: TextStore
