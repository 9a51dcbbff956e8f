"""``varna worker``: runs jobs from the database until stopped (many may run at once)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

from varna.bootstrap import Container
from varna.bootstrap.consent import daily_expiry, start_daily_expiry
from varna.bootstrap.requests import make_worker


def run_worker(
    container: Container,
    *,
    name: str | None = None,
    poll_seconds: float = 1.0,
    lease_seconds: float | None = None,
    once: bool = False,
) -> int:
    """Run until SIGTERM/SIGINT (or, with ``once``, until the queue is empty)."""
    lease = None if lease_seconds is None else timedelta(seconds=lease_seconds)
    worker = make_worker(container, name=name, lease=lease)  # None: VARNA_JOB_LEASE_SECONDS
    if once:
        daily_expiry(container)
        done = 0
        while worker.run_once():
            done += 1
        return done
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    stop_expiry = start_daily_expiry(container)  # the daily consent expiry sweep
    try:
        worker.run(stop, poll_seconds=poll_seconds)
    finally:
        stop_expiry()
    return 0
