"""A job of the queue that used up its tries, as the console shows it: ids, the task's name
and the reason (an exception's class name), never a person's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FailedJob:
    id: int
    task: str
    request_id: int | None
    attempts: int
    last_error: str | None
    run_after: datetime
