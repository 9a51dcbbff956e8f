"""Wiring of the notice delivery (Art. 19, A3) for one container: the CLI's ``varna subject
notify`` and the worker's tasks share one code path."""

from __future__ import annotations

from collections.abc import Callable

from varna.bootstrap import Container
from varna.domain.audit import SystemActor
from varna.services.notices.deliver import (
    DAILY_TASK,
    NOTIFY_TASK,
    NotifyCommand,
    NotifyReport,
    deliver_notices,
    retry_tomorrow,
)

WORKER_ACTOR = SystemActor.NOTICES_WORKER


class NoticesWaiting(RuntimeError):
    """Some notices could not be handed to the mail server; the job is tried again."""


def run_notify(container: Container, command: NotifyCommand, *, actor: str) -> NotifyReport:
    """Deliver the due notices: by SMTP when VARNA_SMTP_HOST is set, otherwise into the mail
    outbox, each in the transaction that marks its notice sent."""
    return deliver_notices(container, command, actor=actor, mailer=container.smtp_mailer())


def notice_jobs(container: Container) -> dict[str, Callable[[int | None], None]]:
    """The worker's notice tasks: the wake-up after a use case, and the daily catch-up that
    is queued while notices wait. A refused send fails the job, so the worker retries soon."""

    def deliver(_: int | None) -> None:
        report = run_notify(container, NotifyCommand(), actor=WORKER_ACTOR)
        if report.not_sent:
            retry_tomorrow(container)
        if report.failed:
            raise NoticesWaiting(f"{report.failed} notices not sent; retried later")

    return {NOTIFY_TASK: deliver, DAILY_TASK: deliver}
