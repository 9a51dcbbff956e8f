"""The retention use cases as the tests call them: one place to change when their signatures
change (a ``ServiceContext`` instead of a factory, a catalogue, a clock and a secret)."""

from __future__ import annotations

from datetime import date

from tests.fakes.context import FakeContext
from varna.services.retention.sweep import (
    SweepCommand,
    SweepReport,
    TargetLine,
    plan_sweep,
    run_sweep,
)


def sweep(
    ctx: FakeContext,
    *,
    as_of: date | None = None,
    dry_run: bool = False,
    only: frozenset[str] | None = None,
) -> SweepReport:
    command = SweepCommand(as_of=as_of or ctx.clock.now().date(), dry_run=dry_run, only=only)
    return run_sweep(
        ctx,
        command,
        actor="scheduler:retention",
    )


def plan(ctx: FakeContext, *, only: frozenset[str] | None = None) -> list[TargetLine]:
    command = SweepCommand(as_of=ctx.clock.now().date(), dry_run=True, only=only)
    with ctx.uow() as uow:
        _, lines = plan_sweep(uow, ctx.catalog, command, clock=ctx.clock)
    return lines
