"""Failed work for the privacy officer: the jobs that used up their tries, and the retry of a
job or of a notice's delivery. A retry is one transaction with its audit entry; the reasons
shown are codes (an exception's class name, a notice's reason code), never a person's data."""

from __future__ import annotations

from dataclasses import dataclass

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.jobs import FailedJob
from varna.i18n import N_
from varna.services.context import ServiceContext
from varna.services.notices.deliver import NOTIFY_TASK, wake_delivery
from varna.services.ports import AuditEvent
from varna.services.requests.console_ports import ConsoleUnitOfWork

SHOWN = 200
# What each task does, in words for staff.
TASKS = {
    "execute_request": N_("Carry out a verified request"),
    "send_result": N_("Send the answer to a request"),
    "send_identity_notice": N_("Tell a person their identity is being checked"),
    NOTIFY_TASK: N_("Send the notices that are due"),
    "deliver_notices_daily": N_("Send the notices that are due (daily run)"),
}
UNKNOWN_TASK = N_("Other work")


class NothingToRetry(VarnaError):
    """The job is not (or no longer) a failed job."""


@dataclass(frozen=True, slots=True)
class JobLine:
    job: FailedJob
    what: str  # the task in words (English; the page translates it)


def failed_jobs(ctx: ServiceContext[ConsoleUnitOfWork], *, limit: int = SHOWN) -> list[JobLine]:
    with ctx.uow() as uow:
        found = uow.console.failed_jobs(limit=limit)
    return [JobLine(job, TASKS.get(job.task, UNKNOWN_TASK)) for job in found]


def retry_job(ctx: ServiceContext[ConsoleUnitOfWork], job_id: int, *, actor: str) -> FailedJob:
    """Queue a failed job again, with its audit entry in the same transaction."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        job = uow.console.retry_job(job_id, at=now)
        if job is None:
            raise NothingToRetry("this job has not failed (or was retried already)")
        uow.audit.record(
            AuditEvent(actor, AuditAction.JOB_RETRIED, f"job:{job_id}", {"task": job.task}),
            at=now,
        )
        uow.commit()
    return job


def retry_notice(ctx: ServiceContext[ConsoleUnitOfWork], notice_id: int, *, actor: str) -> None:
    """Wake the notice delivery now (it tries every unsent notice), audited."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        wake_delivery(uow.jobs, f"retry:notice:{notice_id}:{now.isoformat()}", at=now)
        uow.audit.record(
            AuditEvent(actor, AuditAction.NOTICE_RETRIED, f"notice:{notice_id}", {}), at=now
        )
        uow.commit()
