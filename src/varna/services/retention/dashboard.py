"""What the retention dashboard shows (R2): what is due per rule and category today, held
data (legal holds and legitimate-interest decisions), the vault's entries (never their
content), the last runs and the backlog each run started with, and the controllers'
instructions on usage data in force (A2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from varna.domain.retention.holds import HoldScope
from varna.domain.retention.instructions import ControllerInstruction
from varna.domain.retention.interest import InterestDecision
from varna.services.context import ServiceContext
from varna.services.retention.ports import RetentionUnitOfWork, RunRecord, VaultEntry
from varna.services.retention.sweep import SweepCommand, TargetLine, plan_sweep


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    lines: list[TargetLine]
    holds: list[HoldScope]
    decisions: list[InterestDecision]
    vault: list[VaultEntry]
    runs: list[RunRecord]
    instructions: list[ControllerInstruction]  # in force, per customer (A2)

    @property
    def backlog(self) -> list[tuple[date, int]]:
        """(sweep day, rows due when its run started), oldest first."""
        return sorted((run.as_of, run.due_rows) for run in self.runs)


def retention_dashboard(
    ctx: ServiceContext[RetentionUnitOfWork], *, k: int, usage_totals: bool
) -> Dashboard:
    today = ctx.clock.now().date()
    with ctx.uow() as uow:
        command = SweepCommand(as_of=today, k=k, usage_totals=usage_totals)
        _, lines = plan_sweep(uow, ctx.catalog, command, clock=ctx.clock)
        return Dashboard(
            as_of=today,
            lines=lines,
            holds=uow.retention.holds(),
            decisions=[d for d in uow.retention.interest_decisions() if d.stands(today)],
            vault=uow.retention.vault_entries(20),
            runs=uow.retention.runs(30),
            instructions=list(
                {i.customer_id: i for i in uow.retention.controller_instructions()}.values()
            ),
        )
