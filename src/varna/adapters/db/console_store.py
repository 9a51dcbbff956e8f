"""What the console's dashboard and its page of failed work read: counts and dates of
requests, and the jobs that used up their tries (with the retry that queues one again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from varna.adapters.db.tables import jobs, subject_requests
from varna.domain.jobs import FailedJob

JOB_COLUMNS = (
    jobs.c.id,
    jobs.c.task,
    jobs.c.request_id,
    jobs.c.attempts,
    jobs.c.last_error,
    jobs.c.run_after,
)


def _job(row: Any) -> FailedJob:
    return FailedJob(
        int(row.id), row.task, row.request_id, int(row.attempts), row.last_error, row.run_after
    )


class SqlConsoleStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def count_by_state(self) -> dict[str, int]:
        r = subject_requests.c
        query = select(r.state, func.count()).group_by(r.state)
        return {str(state): int(n) for state, n in self._connection.execute(query)}

    def open_due_dates(self, states: Sequence[str]) -> list[tuple[str, date]]:
        r = subject_requests.c
        query = select(r.state, r.due_date).where(r.state.in_(list(states)))
        return [(str(state), due) for state, due in self._connection.execute(query)]

    def received_since(self, at: datetime) -> list[datetime]:
        r = subject_requests.c
        query = select(r.received_at).where(r.received_at >= at).order_by(r.received_at)
        return list(self._connection.execute(query).scalars())

    def answer_times(self, closed_since: datetime) -> list[tuple[datetime, datetime]]:
        r = subject_requests.c
        query = select(r.received_at, r.closed_at).where(
            r.closed_at.is_not(None), r.closed_at >= closed_since
        )
        return [(received, closed) for received, closed in self._connection.execute(query)]

    def failed_jobs(self, *, limit: int) -> list[FailedJob]:
        query = (
            select(*JOB_COLUMNS).where(jobs.c.state == "failed").order_by(jobs.c.id.desc())
        ).limit(limit)
        return [_job(row) for row in self._connection.execute(query)]

    def retry_job(self, job_id: int, *, at: datetime) -> FailedJob | None:
        row = self._connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state == "failed")
            .values(state="queued", attempts=0, run_after=at, locked_by=None, locked_at=None)
            .returning(*JOB_COLUMNS)
        ).first()
        return None if row is None else _job(row)
