"""The job queue: a wake-up once per key, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tests.fakes.transaction import FakeStore
from varna.services.requests.ports import JobQueue


@dataclass(frozen=True, slots=True)
class QueuedJob:
    task: str
    key: str
    request_id: int | None
    at: datetime


class FakeJobQueue(FakeStore):
    def __init__(self) -> None:
        self.jobs: dict[str, QueuedJob] = {}

    def enqueue(self, task: str, key: str, *, request_id: int | None, at: datetime) -> bool:
        if key in self.jobs:
            return False
        self.jobs[key] = QueuedJob(task, key, request_id, at)
        return True

    # -- for tests ----------------------------------------------------------------------
    def tasks(self) -> list[str]:
        return [job.task for job in self.jobs.values()]

    def keys(self) -> list[str]:
        return list(self.jobs)


_: JobQueue = FakeJobQueue()
