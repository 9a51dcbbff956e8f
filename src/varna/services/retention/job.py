"""The daily retention job: a plain function the worker or any scheduler calls once a day.
It is idempotent per sweep day: a second call resumes or finds nothing due."""

from __future__ import annotations

from varna.domain.audit import SystemActor
from varna.services.context import ServiceContext
from varna.services.retention.ports import RetentionUnitOfWork
from varna.services.retention.sweep import SweepCommand, SweepReport, run_sweep

SCHEDULER = SystemActor.RETENTION_SCHEDULER


def daily_retention_job(
    ctx: ServiceContext[RetentionUnitOfWork], *, batch_rows: int, k: int, usage_totals: bool
) -> SweepReport:
    """Sweep what is due today (UTC)."""
    command = SweepCommand(
        as_of=ctx.clock.now().date(), batch_rows=batch_rows, k=k, usage_totals=usage_totals
    )
    return run_sweep(ctx, command, actor=SCHEDULER)
