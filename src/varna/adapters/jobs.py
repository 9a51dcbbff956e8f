"""The job queue: a ``jobs`` table in varna's own database, claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (a conditional update on SQLite).

A job is only a wake-up: the state it acts on lives in its own tables, and every handler is
idempotent (keyed by request id and step), so a job that runs twice does no harm. A job is
enqueued in the transaction of the state change that needs it (:class:`SqlJobQueue` on the
unit of work's connection). A worker that dies mid-job leaves the job ``running``; once its
lease has passed another worker takes it again, so nothing is lost.

Chosen over procrastinate: the same guarantees (PostgreSQL, SKIP LOCKED, many workers) with the
same code on SQLite for the embedded default, and no second schema or async runtime to migrate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from varna.adapters.db.once import insert_once
from varna.adapters.db.tables import jobs

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
Handler = Callable[[int | None], None]


class SqlJobQueue:
    """Enqueue in the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def enqueue(self, task: str, key: str, *, request_id: int | None, at: datetime) -> bool:
        values = {
            "task": task,
            "job_key": key,
            "request_id": request_id,
            "state": "queued",
            "attempts": 0,
            "run_after": at,
        }
        return insert_once(self._connection, jobs, jobs.c.job_key, values)


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    task: str
    request_id: int | None
    attempts: int


class JobWorker:
    """Claims and runs jobs; many workers may share one PostgreSQL database."""

    def __init__(
        self,
        engine: Engine,
        handlers: Mapping[str, Handler],
        *,
        name: str,
        now: Callable[[], datetime],
        lease: timedelta = timedelta(minutes=5),
        retry_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self._engine, self._handlers, self.name = engine, dict(handlers), name
        self._now, self._lease, self._retry_after = now, lease, retry_after

    def claim(self) -> ClaimedJob | None:
        now = self._now()
        ready = (jobs.c.state == "queued") & (jobs.c.run_after <= now)
        stale = (jobs.c.state == "running") & (jobs.c.locked_at < now - self._lease)
        query = select(jobs.c.id, jobs.c.task, jobs.c.request_id, jobs.c.attempts, jobs.c.state)
        query = query.where(ready | stale).order_by(jobs.c.id).limit(1)
        with self._engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = connection.execute(query).first()
            if row is None:
                return None
            claimed = connection.execute(
                update(jobs)
                .where(
                    jobs.c.id == row.id, jobs.c.state == row.state, jobs.c.attempts == row.attempts
                )
                .values(
                    state="running", locked_by=self.name, locked_at=now, attempts=row.attempts + 1
                )
            ).rowcount
            if claimed != 1:
                return None
        return ClaimedJob(int(row.id), row.task, row.request_id, int(row.attempts) + 1)

    def run_once(self) -> bool:
        """Run one job if there is one; True when a job was taken."""
        job = self.claim()
        if job is None:
            return False
        handler = self._handlers.get(job.task)
        try:
            if handler is None:
                raise LookupError(f"no handler for job task {job.task!r}")
            handler(job.request_id)
        except Exception as exc:  # noqa: BLE001 - a failed job is retried, never lost
            failed = job.attempts >= MAX_ATTEMPTS
            log.warning("job %s (%s) failed: %s", job.id, job.task, type(exc).__name__)
            self._finish(
                job,
                "failed" if failed else "queued",
                type(exc).__name__,
                run_after=self._now() + self._retry_after,
            )
        else:
            self._finish(job, "done", None)
        return True

    def _finish(
        self, job: ClaimedJob, state: str, error: str | None, *, run_after: datetime | None = None
    ) -> None:
        values: dict[str, object] = {"state": state, "last_error": error, "locked_by": None}
        if state == "done":
            values["finished_at"] = self._now()
        if run_after is not None:
            values["run_after"] = run_after
        with self._engine.begin() as connection:
            connection.execute(
                update(jobs)
                .where(jobs.c.id == job.id, jobs.c.locked_by == self.name)
                .values(**values)
            )

    def run(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # noqa: BLE001 - the database may be away for a while
                log.warning("job worker %s: %s", self.name, type(exc).__name__)
                busy = False
            if not busy:
                stop.wait(poll_seconds)


def start_in_process(worker: JobWorker, *, poll_seconds: float = 0.5) -> Callable[[], None]:
    """The embedded default: a background thread in the server; returns its stop function."""
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run,
        args=(stop,),
        kwargs={"poll_seconds": poll_seconds},
        name=f"varna-jobs-{worker.name}",
        daemon=True,
    )
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=30)

    return halt
