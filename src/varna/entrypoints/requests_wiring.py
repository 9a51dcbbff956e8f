"""Wiring of the request use cases and the job worker for one container (issue 4)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import timedelta

from varna.adapters.jobs import JobWorker, start_in_process
from varna.bootstrap import Container
from varna.services.requests.execute import RequestContext, handlers


def request_context(container: Container) -> RequestContext:
    return RequestContext(
        uow=container.uow,
        catalog=container.catalog,
        clock=container.clock,
        secret=container.settings.secret_key.get_secret_value().encode("utf-8"),
        mailer=container.mailer(),
        public_url=container.settings.public_url,
    )


def make_worker(
    container: Container, *, name: str | None = None, lease: timedelta = timedelta(minutes=5)
) -> JobWorker:
    return JobWorker(
        container.engine,
        handlers(request_context(container)),
        name=name or f"{socket.gethostname()}:{os.getpid()}",
        now=container.clock.now,
        lease=lease,
    )


def start_embedded_worker(container: Container) -> Callable[[], None]:
    """The embedded default: the server runs the jobs itself, in a background thread."""
    return start_in_process(make_worker(container, name=f"embedded:{os.getpid()}"))
