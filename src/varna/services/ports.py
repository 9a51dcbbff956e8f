"""The Protocols that services depend on; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from varna.domain.usage import UsageRecord


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: str
    action: str
    target: str | None
    details: Mapping[str, Any]


class AuditLog(Protocol):
    def record(self, event: AuditEvent, *, at: datetime) -> None: ...


class UsageStore(Protocol):
    """The large table of usage records, with set-based bulk paths."""

    def load_csv_file(self, path: Path, *, progress: ProgressHook | None = None) -> int:
        """Validate and load a usage CSV (varna's own column layout) in the current
        transaction; return the number of records newly stored. Raises InputRefused."""
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

    def row_counts(self) -> dict[str, int]:
        """Rows per business table."""
        ...


class DemoUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that can also write the demo data set."""

    demo: DemoStore


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


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
