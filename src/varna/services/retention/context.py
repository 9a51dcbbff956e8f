"""Building a sweep day's context: cut-offs from the rules, active holds, LI decisions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from varna.catalog import Catalog
from varna.domain.retention.clocks import last_due_start
from varna.domain.retention.holds import EVIDENCE, LEGAL_HOLD, HoldScope, scopes, split
from varna.domain.retention.instructions import cutoffs as instruction_cutoffs
from varna.domain.retention.interest import InterestDecision, keeping_decision
from varna.domain.retention.targets import Target, person_role_rules, sweep_targets
from varna.services.retention.ports import RetentionUnitOfWork, SweepContext


@dataclass(frozen=True, slots=True)
class SweepDay:
    ctx: SweepContext
    targets: tuple[Target, ...]
    lapsed: tuple[HoldScope, ...]
    interest: dict[str, InterestDecision]  # target key -> the decision that keeps it (R3)


def sweep_day(
    uow: RetentionUnitOfWork,
    catalog: Catalog,
    *,
    as_of: date,
    now: datetime,
    k: int,
    usage_totals: bool,
    only: frozenset[str] | None = None,
    dry_run: bool = False,
) -> SweepDay:
    targets = tuple(
        t
        for t in sweep_targets(catalog, usage_totals=usage_totals)
        if only is None or t.key in only
    )
    active, lapsed = split(uow.retention.holds(), as_of)
    decisions = uow.retention.interest_decisions()
    interest = {}
    for target in targets:
        decision = keeping_decision(target.categories, decisions, as_of)
        if decision is not None:
            interest[target.key] = decision
    latest = {i.customer_id: i for i in uow.retention.controller_instructions()}  # by version
    ctx = SweepContext(
        as_of=as_of,
        now=now,
        cutoffs={t.key: last_due_start(t.rule, as_of) for t in targets},
        legal=scopes(active, LEGAL_HOLD),
        evidence=scopes(active, EVIDENCE),
        evidence_holds=tuple(h for h in active if h.kind == EVIDENCE),
        k=k,
        dry_run=dry_run,
        role_cutoffs={
            role: last_due_start(rule, as_of) for role, rule in person_role_rules(catalog).items()
        },
        instructions={c: instruction_cutoffs(i, as_of) for c, i in sorted(latest.items())},
        horizons={
            t.key: last_due_start(t.horizon, as_of) for t in targets if t.horizon is not None
        },
        contract_ends={
            t.key: last_due_start(t.contract_end, as_of)
            for t in targets
            if t.contract_end is not None
        },
    )
    return SweepDay(ctx, targets, tuple(lapsed), interest)


def with_run(day: SweepDay, run_id: int) -> SweepDay:
    return replace(day, ctx=replace(day.ctx, run_id=run_id))
