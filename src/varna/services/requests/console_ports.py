"""What the console's dashboard and its page of failed work need from storage
(``varna.adapters.db.console_store`` implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from varna.domain.jobs import FailedJob
from varna.services.ports import UnitOfWork
from varna.services.requests.ports import JobQueue


class ConsoleStore(Protocol):
    def count_by_state(self) -> dict[str, int]:
        """How many requests are in each state."""
        ...

    def open_due_dates(self, states: Sequence[str]) -> list[tuple[str, date]]:
        """(state, due date) of every request in one of ``states``."""
        ...

    def received_since(self, at: datetime) -> list[datetime]:
        """When each request received at or after ``at`` came in."""
        ...

    def answer_times(self, closed_since: datetime) -> list[tuple[datetime, datetime]]:
        """(received, closed) of every request closed at or after ``closed_since``."""
        ...

    def failed_jobs(self, *, limit: int) -> list[FailedJob]:
        """Jobs that used up their tries, newest first."""
        ...

    def retry_job(self, job_id: int, *, at: datetime) -> FailedJob | None:
        """Queue a failed job again with fresh tries; None when it is not a failed job."""
        ...


class ConsoleUnitOfWork(UnitOfWork, Protocol):
    console: ConsoleStore
    jobs: JobQueue
