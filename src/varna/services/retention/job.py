"""The daily retention job: a plain function the worker or any scheduler calls once a day.
It is idempotent per sweep day: a second call resumes or finds nothing due."""

from __future__ import annotations

from varna.catalog import Catalog
from varna.domain.audit import SystemActor
from varna.services.ports import Clock
from varna.services.retention.sweep import SweepCommand, SweepReport, UowFactory, run_sweep

SCHEDULER = SystemActor.RETENTION_SCHEDULER


def daily_retention_job(
    uow_factory: UowFactory,
    catalog: Catalog,
    *,
    clock: Clock,
    secret: bytes,
    batch_rows: int,
    k: int,
    usage_totals: bool,
) -> SweepReport:
    """Sweep what is due today (UTC)."""
    command = SweepCommand(
        as_of=clock.now().date(), batch_rows=batch_rows, k=k, usage_totals=usage_totals
    )
    return run_sweep(uow_factory, catalog, command, actor=SCHEDULER, clock=clock, secret=secret)
