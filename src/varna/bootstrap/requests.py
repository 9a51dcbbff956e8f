"""Wiring of the request use cases and the job worker for one container."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import timedelta

from varna.adapters.jobs import JobWorker, start_in_process
from varna.bootstrap import Container
from varna.bootstrap.consent import start_daily_expiry
from varna.bootstrap.notices import notice_jobs
from varna.services.requests.execute import RequestContext, handlers
from varna.services.requests.intake import IntakeLimits


def request_context(container: Container) -> RequestContext:
    return RequestContext(
        container,
        mailer=container.mailer(),
        public_url=container.settings.public_url,
        pause_seconds=container.settings.job_pause_seconds,
    )


def intake_limits(container: Container) -> IntakeLimits:
    """The rate limits and code rules of the settings (``VARNA_REQUEST_*``): one client may
    fail 4 times as often over all requests as on one, and a code locks only after 3 clients'
    worth of wrong tries (docs/requests.md)."""
    s = container.settings
    tries = s.request_code_tries
    return IntakeLimits(
        per_key=s.request_rate_limit,
        window=timedelta(hours=1),
        code_lifetime=timedelta(minutes=s.request_code_minutes),
        code_tries=tries,
        client_tries=4 * tries,
        request_tries=3 * tries,
    )


def make_worker(
    container: Container, *, name: str | None = None, lease: timedelta | None = None
) -> JobWorker:
    """A worker over every job task; ``lease`` defaults to ``VARNA_JOB_LEASE_SECONDS``."""
    return JobWorker(
        container.engine,
        {**handlers(request_context(container)), **notice_jobs(container)},
        name=name or f"{socket.gethostname()}:{os.getpid()}",
        now=container.clock.now,
        lease=lease or timedelta(seconds=container.settings.job_lease_seconds),
    )


def start_embedded_worker(container: Container) -> Callable[[], None]:
    """The embedded default: the server runs the jobs itself, in a background thread, and
    the daily consent expiry sweep in another."""
    stop_jobs = start_in_process(make_worker(container, name=f"embedded:{os.getpid()}"))
    stop_expiry = start_daily_expiry(container)

    def halt() -> None:
        stop_expiry()
        stop_jobs()

    return halt
