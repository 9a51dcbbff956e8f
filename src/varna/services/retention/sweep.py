"""The retention sweep (R1-R6, P6): a dry run says what is due per rule and category (rows,
subjects, oldest item); a run works in bounded batches, each ONE transaction with its batch
record and audit event. The run's progress is those batch records, keyed by the run of the
sweep day, so a run killed at any moment resumes where it stopped: what a committed batch did
is counted once, and what an uncommitted batch did never happened."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from varna.catalog import Catalog
from varna.domain.audit import AuditAction
from varna.domain.retention.clocks import last_due_start
from varna.domain.retention.targets import Action, Target, TargetKind
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, Clock
from varna.services.requests.extracts import drop_lapsed_extracts
from varna.services.retention.context import SweepDay, sweep_day, with_run
from varna.services.retention.people import erase_people_batch
from varna.services.retention.ports import BatchResult, DueCount, RetentionUnitOfWork

Progress = Callable[[str, int], None]
UowFactory = Callable[[], RetentionUnitOfWork]
PEOPLE_PER_BATCH_DIVISOR = 100  # a person's erasure touches many tables: fewer per batch


@dataclass(frozen=True, slots=True)
class SweepCommand:
    as_of: date
    dry_run: bool = False
    batch_rows: int = 50_000
    k: int = 5
    usage_totals: bool = True
    only: frozenset[str] | None = None  # target keys; None: every target
    pause_seconds: float = 0.0  # between batches (operations; the interruption tests)


@dataclass(slots=True)
class TargetLine:
    target: str
    rule: str
    categories: tuple[str, ...]
    action: str
    due_rows: int
    subjects: int
    oldest: date | None
    held_rows: int
    held_reason: str | None = None
    done: dict[str, int] = field(default_factory=dict)  # action -> rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "rule": self.rule,
            "categories": list(self.categories),
            "action": self.action,
            "due_rows": self.due_rows,
            "subjects": self.subjects,
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "held_rows": self.held_rows,
            "held_reason": self.held_reason,
            "done": self.done,
        }


@dataclass(slots=True)
class SweepReport:
    as_of: date
    dry_run: bool
    lines: list[TargetLine]
    run_id: int | None = None
    resumed: bool = False
    released_holds: list[int] = field(default_factory=list)
    dropped_extracts: int = 0  # copies of extracts whose download links lapsed unused
    pruned_audit_entries: int = 0  # audit entries past the audit-log rule, behind a checkpoint

    def total(self, action: str) -> int:
        return sum(line.done.get(action, 0) for line in self.lines)

    @property
    def due_rows(self) -> int:
        return sum(line.due_rows for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "resumed": self.resumed,
            "released_holds": self.released_holds,
            "dropped_extracts": self.dropped_extracts,
            "pruned_audit_entries": self.pruned_audit_entries,
            "due_rows": self.due_rows,
            "totals": {a.value: self.total(a.value) for a in Action if a is not Action.HOLD}
            | {"held": sum(line.held_rows for line in self.lines)},
            "targets": [line.as_dict() for line in self.lines],
        }


def _line(target: Target, count: DueCount, day: SweepDay) -> TargetLine:
    decision = day.interest.get(target.key)
    line = TargetLine(
        target=target.key,
        rule=target.rule.id,
        categories=target.categories,
        action=target.action.value,
        due_rows=count.rows,
        subjects=count.subjects,
        oldest=count.oldest,
        held_rows=count.held_rows,
        held_reason="legal_hold" if count.held_rows else None,
    )
    if decision is not None and count.rows:
        line.held_rows += count.rows
        line.held_reason = f"legitimate_interest:{decision.id}:{decision.end_date.isoformat()}"
        line.due_rows = 0
    return line


def plan_sweep(
    uow: RetentionUnitOfWork, catalog: Catalog, command: SweepCommand, *, clock: Clock
) -> tuple[SweepDay, list[TargetLine]]:
    """What is due on ``command.as_of`` per target; changes nothing."""
    day = sweep_day(
        uow,
        catalog,
        as_of=command.as_of,
        now=clock.now(),
        k=command.k,
        usage_totals=command.usage_totals,
        only=command.only,
        dry_run=command.dry_run,
    )
    return day, [_line(t, uow.retention.count_due(t, day.ctx), day) for t in day.targets]


def _batch(
    uow: RetentionUnitOfWork,
    catalog: Catalog,
    target: Target,
    day: SweepDay,
    command: SweepCommand,
    secret: bytes,
) -> list[BatchResult]:
    if target.kind is TargetKind.SUBJECTS:
        limit = max(1, command.batch_rows // PEOPLE_PER_BATCH_DIVISOR)
        return erase_people_batch(uow, catalog, target, day.ctx, limit=limit, secret=secret)
    return uow.retention.sweep_batch(target, day.ctx, command.batch_rows)


def run_sweep(
    ctx: ServiceContext[RetentionUnitOfWork],
    command: SweepCommand,
    *,
    actor: str,
    on_progress: Progress | None = None,
    on_plan: Callable[[SweepReport], None] | None = None,
) -> SweepReport:
    """Plan, then (unless a dry run) release lapsed holds and sweep every target in batches."""
    uow_factory, catalog, clock, secret = ctx.uow, ctx.catalog, ctx.clock, ctx.secret
    with uow_factory() as uow:
        day, lines = plan_sweep(uow, catalog, command, clock=clock)
        report = SweepReport(command.as_of, command.dry_run, lines)
        if on_plan is not None:
            on_plan(report)
        if command.dry_run:
            return report
        now = clock.now()
        lapsed = [h.id for h in day.lapsed]
        if lapsed and uow.retention.release_holds(lapsed, now):
            for hold_id in lapsed:
                uow.audit.record(
                    AuditEvent(
                        actor,
                        AuditAction.RETENTION_HOLD_RELEASED,
                        f"legal_hold:{hold_id}",
                        {"reason": "review_date_passed", "as_of": command.as_of.isoformat()},
                    ),
                    at=now,
                )
        report.released_holds = lapsed
        run = uow.retention.open_run(command.as_of)
        if run is None:
            plan = {line.target: line.as_dict() for line in lines}
            run_id = uow.retention.start_run(
                as_of=command.as_of, actor=actor, at=now, plan=plan, due_rows=report.due_rows
            )
            uow.audit.record(
                AuditEvent(
                    actor,
                    AuditAction.RETENTION_RUN_STARTED,
                    f"retention_run:{run_id}",
                    {"as_of": command.as_of.isoformat(), "due_rows": report.due_rows},
                ),
                at=now,
            )
        else:
            run_id, report.resumed = run.id, True
        uow.commit()
    report.run_id = run_id
    day = with_run(day, run_id)
    for target in day.targets:
        if target.key in day.interest:
            continue  # kept on a recorded legitimate-interest decision (R3)
        while _one_batch(
            uow_factory, catalog, target, day, command, actor, clock, secret, on_progress
        ):
            if command.pause_seconds:
                time.sleep(command.pause_seconds)
    with uow_factory() as uow:
        now = clock.now()
        report.dropped_extracts = drop_lapsed_extracts(uow, actor=actor, at=now)
        if command.only is None or AUDIT_LOG_TABLE in command.only:
            report.pruned_audit_entries = prune_audit_log(uow, catalog, command.as_of, actor, now)
        uow.retention.finish_run(run_id, now)
        totals = uow.retention.run_totals(run_id)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.RETENTION_RUN_FINISHED,
                f"retention_run:{run_id}",
                {
                    "as_of": command.as_of.isoformat(),
                    "rows": {f"{t}.{a}": r for t, a, r, _ in totals},
                },
            ),
            at=now,
        )
        uow.commit()
    by_target = {line.target: line for line in report.lines}
    for target_key, action, rows, _ in totals:
        if target_key in by_target:
            by_target[target_key].done[action] = rows
    return report


AUDIT_LOG_TABLE = "audit_events"


def prune_audit_log(
    uow: RetentionUnitOfWork, catalog: Catalog, as_of: date, actor: str, now: datetime
) -> int:
    """Audit entries kept past the audit log's rule (ten years) go, from the start of the
    chain: a checkpoint takes their place, from which `varna audit verify` goes on (R6)."""
    rule_id = catalog.table(AUDIT_LOG_TABLE).retention
    last = None if rule_id is None else last_due_start(catalog.effective_retention(rule_id), as_of)
    if last is None:
        return 0
    before = datetime.combine(last + timedelta(days=1), time_of_day.min, tzinfo=UTC)
    pruned = uow.retention.prune_audit_log(before, now)
    if pruned is None:
        return 0
    through_seq, removed = pruned
    uow.audit.record(
        AuditEvent(
            actor,
            AuditAction.AUDIT_PRUNED,
            "audit_chain",
            {"through_seq": through_seq, "entries": removed, "as_of": as_of.isoformat()},
        ),
        at=now,
    )
    return removed


def _one_batch(
    uow_factory: UowFactory,
    catalog: Catalog,
    target: Target,
    day: SweepDay,
    command: SweepCommand,
    actor: str,
    clock: Clock,
    secret: bytes,
    on_progress: Progress | None,
) -> bool:
    """One batch in one transaction; False when the target has nothing left."""
    assert day.ctx.run_id is not None
    with uow_factory() as uow:
        results = _batch(uow, catalog, target, day, command, secret)
        if not results:
            return False
        now = clock.now()
        for result in results:
            uow.retention.record_batch(day.ctx.run_id, result, now)
            uow.audit.record(
                AuditEvent(
                    actor,
                    AuditAction.retention(result.action),
                    f"retention_run:{day.ctx.run_id}",
                    {
                        "target": result.target,
                        "rule": target.rule.id,
                        "rows": result.rows,
                        "subjects": result.subjects,
                        **dict(result.details),
                    },
                ),
                at=now,
            )
        uow.commit()
    if on_progress is not None:
        on_progress(target.key, sum(r.rows for r in results))
    return True
