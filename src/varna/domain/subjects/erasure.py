"""The erasure decision per column and category (D4, R4, R6, A3; Art. 17).

Everything is erased or anonymised unless a valid exception covers it:

* a legal hold (a court or an authority) or an evidence hold (R6) on the person, their
  organisation or the table: kept until the hold's review date;
* a retention rule that carries an Art. 17(3) exception (bookkeeping, R4: until 31 December of
  the seventh year after the fiscal year's end; a legal obligation; evidence): kept until the
  rule's due date;
* a contract that is still running, for data the contract needs: kept while it runs.

Legitimate interest alone is no exception (docs/legal.md 1.2). Processor data (a SIM's usage) is
not the person's to erase: the request goes to the controller (A3), unless varna acts on that
controller's instruction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from varna.catalog.model import (
    Catalog,
    ColumnEntry,
    ErasureMethod,
    RetentionAction,
    Role,
    StartEvent,
    TableEntry,
)


class Outcome(StrEnum):
    ERASED = "erased"
    ANONYMISED = "anonymised"
    KEPT = "kept"
    ROUTED = "routed_to_controller"


RUNNING_CONTRACT = "running_contract"
LEGAL_HOLD = "legal_hold"
EVIDENCE = "evidence"
CONTROLLER = "controller"  # the processor data belongs to the customer (A3)


@dataclass(frozen=True, slots=True)
class Hold:
    """An active legal or evidence hold that applies to the person (R-RET-06, R6)."""

    id: int
    kind: str  # legal_hold | evidence
    review_date: date
    scope: str  # person | organisation | table
    scope_table: str | None


@dataclass(frozen=True, slots=True)
class ErasureContext:
    today: date
    running_contract: bool
    holds: tuple[Hold, ...]
    clocks: Mapping[str, date | None]  # table -> the latest start of its retention clock
    controller_instruction: bool = False
    # table -> clock start -> the person's rows on it, for tables whose rows are kept under an
    # exception on their own clock (R4: each invoice by its fiscal year)
    clock_rows: Mapping[str, Mapping[date | None, int]] = field(default_factory=dict)
    rows: Mapping[str, int] = field(default_factory=dict)  # table -> the person's rows


@dataclass(frozen=True, slots=True)
class ColumnDecision:
    table: str
    column: str
    category: str
    outcome: Outcome
    exception: str | None = None
    until: date | None = None


class TableAction(StrEnum):
    """What happens to a table's rows of the person (what it means: ``steps``)."""

    DELETE = "delete"
    ANONYMISE = "anonymise"
    CLEAR = "clear"  # the rows stay; some columns are emptied
    NONE = "none"


ALL_ROWS = "all"
ENDED = "ended"  # rows whose clock start is on or before ``cutoff``: their period is over
RUNNING = "running"  # the other rows (later clock starts, or no clock): still kept


@dataclass(frozen=True, slots=True)
class TablePlan:
    """What to do with a table's rows of the person: ``delete`` or ``anonymise`` them
    (cut the links, empty ``clear``), only ``clear`` some columns of rows that stay, or nothing.

    A table whose rows run on their own clock (invoices by fiscal year, R4) gets two plans when
    some rows' period has ended and others' has not: ``rows`` says which (``ended``: clock
    start on or before ``cutoff``; ``running``: the rest). ``records`` counts the rows of the
    plan (None when not known), ``kept_until`` the kept ones per date until which they stay."""

    table: str
    action: TableAction
    clear: tuple[str, ...]
    decisions: tuple[ColumnDecision, ...]
    rows: str = ALL_ROWS
    cutoff: date | None = None
    records: int | None = None
    kept_until: tuple[tuple[date, int], ...] = ()


_NO_START = date.min  # marks "use the table's latest clock" in decide_column


def decide_column(
    catalog: Catalog, entry: ColumnEntry, ctx: ErasureContext, *, start: date | None = _NO_START
) -> ColumnDecision:
    base = ColumnDecision(entry.table, entry.column, entry.category, Outcome.ERASED)
    holds = [h for h in ctx.holds if h.scope != "table" or h.scope_table == entry.table]
    if holds:
        latest = max(holds, key=lambda h: h.review_date)
        exception = EVIDENCE if latest.kind == EVIDENCE else LEGAL_HOLD
        return replace(base, outcome=Outcome.KEPT, exception=exception, until=latest.review_date)
    if entry.role is Role.PROCESSOR and not ctx.controller_instruction:
        return replace(base, outcome=Outcome.ROUTED, exception=CONTROLLER)
    rules = [catalog.effective_retention(rule_id) for rule_id in entry.retention_rules]
    for rule in rules:
        if rule.exception is None:
            continue
        if start is _NO_START:
            start = ctx.clocks.get(entry.table)
        until = None if rule.action is RetentionAction.KEEP or start is None else rule.due(start)
        if until is None or until >= ctx.today:
            return replace(base, outcome=Outcome.KEPT, exception=rule.exception, until=until)
    if (
        ctx.running_contract
        and entry.role is Role.CONTROLLER
        and "contract" in entry.purposes
        and any(rule.start_event is StartEvent.CONTRACT_END for rule in rules)
    ):
        return replace(base, outcome=Outcome.KEPT, exception=RUNNING_CONTRACT)
    table = catalog.table(entry.table)
    if table.erasure is not None and table.erasure.method is ErasureMethod.ANONYMISE:
        return replace(base, outcome=Outcome.ANONYMISED)
    return base


def _plan_rows(
    catalog: Catalog, table: TableEntry, ctx: ErasureContext, start: date | None = _NO_START
) -> TablePlan:
    decisions = [
        decide_column(catalog, entry, ctx, start=start) for entry in table.personal.values()
    ]
    method = table.erasure.method if table.erasure else ErasureMethod.DELETE
    clearable = table.erasure.clear if table.erasure else ()
    held = [d for d in decisions if d.outcome in (Outcome.KEPT, Outcome.ROUTED)]
    if not held:
        return TablePlan(table.name, TableAction(method.value), clearable, tuple(decisions))
    # The rows stay: only clearable columns without an exception of their own are emptied;
    # the other columns stay with the row, under the row's exception.
    anchor = max(held, key=lambda d: d.until or date.max)
    final: list[ColumnDecision] = []
    cleared: list[str] = []
    for decision in decisions:
        if decision.outcome in (Outcome.KEPT, Outcome.ROUTED):
            final.append(decision)
        elif decision.column in clearable and anchor.outcome is Outcome.KEPT:
            cleared.append(decision.column)
            final.append(replace(decision, outcome=Outcome.ERASED))
        else:
            final.append(
                replace(
                    decision,
                    outcome=anchor.outcome,
                    exception=anchor.exception,
                    until=anchor.until,
                )
            )
    action = TableAction.CLEAR if cleared else TableAction.NONE
    return TablePlan(table.name, action, tuple(cleared), tuple(final))


def _kept_until(plan: TablePlan) -> date | None:
    kept = [d.until for d in plan.decisions if d.outcome is Outcome.KEPT and d.until]
    return max(kept) if kept else None


def _shape(plan: TablePlan) -> tuple[object, ...]:
    """What a plan does, whatever the dates until which it keeps."""
    return (
        plan.action,
        plan.clear,
        tuple((d.column, d.outcome, d.exception) for d in plan.decisions),
    )


def _merged(
    plans: Sequence[tuple[date | None, int, TablePlan]],
    rows: str = ALL_ROWS,
    cutoff: date | None = None,
) -> TablePlan:
    """One plan for rows on several clock starts that are treated alike: the latest start's
    decisions (the latest date until which they are kept), the rows counted per date."""
    latest = plans[-1][2]
    per_date: dict[date, int] = {}
    for _, count, one in plans:
        until = _kept_until(one)
        if until is not None:
            per_date[until] = per_date.get(until, 0) + count
    return replace(
        latest,
        rows=rows,
        cutoff=cutoff,
        records=sum(count for _, count, _ in plans),
        kept_until=tuple(sorted(per_date.items())),
    )


def plan_table(catalog: Catalog, table: TableEntry, ctx: ErasureContext) -> tuple[TablePlan, ...]:
    """The plans of one table: one for all its rows, or (R4) one for the rows whose period has
    ended and one for those still kept. ``due`` grows with the clock start, so the rows whose
    period has ended are those on or before a cut-off start."""
    starts = ctx.clock_rows.get(table.name)
    if not starts:
        return (replace(_plan_rows(catalog, table, ctx), records=ctx.rows.get(table.name)),)
    ordered = sorted(starts.items(), key=lambda item: (item[0] is None, item[0] or date.min))
    plans = [(start, count, _plan_rows(catalog, table, ctx, start)) for start, count in ordered]
    shapes = list(dict.fromkeys(_shape(p) for _, _, p in plans))
    if len(shapes) == 1:
        return (_merged(plans),)
    ended = [item for item in plans if _shape(item[2]) == shapes[0]]
    running = [item for item in plans if _shape(item[2]) != shapes[0]]
    cutoff = ended[-1][0]
    if (
        len(shapes) > 2
        or cutoff is None
        or any(start is not None and start <= cutoff for start, _, _ in running)
    ):  # not a clean cut: keep every row as long as the latest is kept
        return (_merged(plans),)
    return (
        _merged(ended, ENDED, cutoff),
        _merged(running, RUNNING, cutoff),
    )


def plan_erasure(
    catalog: Catalog, tables: Iterable[str], ctx: ErasureContext
) -> tuple[TablePlan, ...]:
    """The plans of each table that holds rows of the person (two for a table whose rows are
    partly past their own period, R4)."""
    return tuple(plan for name in tables for plan in plan_table(catalog, catalog.table(name), ctx))


@dataclass(frozen=True, slots=True)
class CategoryOutcome:
    """The answer to the person for one category: what happened, and why it was kept.

    ``until`` is the latest date until which something is kept; ``kept_until`` says how many
    records are kept until each date (invoices of several fiscal years, R4), ``records`` how
    many rows of ``tables`` the outcome covers (None when not counted)."""

    category: str
    outcome: Outcome
    exception: str | None
    until: date | None
    tables: tuple[str, ...]
    records: int | None = None
    kept_until: tuple[tuple[date, int], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "outcome": self.outcome.value,
            "exception": self.exception,
            "until": self.until.isoformat() if self.until else None,
            "tables": list(self.tables),
            "records": self.records,
            "kept_until": [{"until": d.isoformat(), "records": n} for d, n in self.kept_until],
        }


@dataclass
class _Group:
    tables: list[str] = field(default_factory=list)
    until: date | None = None
    records: int | None = 0
    kept_until: dict[date, int] = field(default_factory=dict)


def by_category(plans: Sequence[TablePlan]) -> tuple[CategoryOutcome, ...]:
    """Group the column decisions by (category, outcome, exception, whether dated): one line
    per outcome, with the latest date until which it keeps and the records per date."""
    groups: dict[tuple[str, Outcome, str | None, bool], _Group] = {}
    for plan in plans:
        seen: set[tuple[str, Outcome, str | None, bool]] = set()
        for d in plan.decisions:
            key = (d.category, d.outcome, d.exception, d.until is None)
            group = groups.setdefault(key, _Group())
            if d.table not in group.tables:
                group.tables.append(d.table)
            if d.until is not None and (group.until is None or d.until > group.until):
                group.until = d.until
            if key in seen:
                continue  # a plan's rows count once per line
            seen.add(key)
            group.records = (
                None
                if plan.records is None or group.records is None
                else group.records + plan.records
            )
            if d.outcome is Outcome.KEPT:
                dates = plan.kept_until or (
                    ((d.until, plan.records),) if d.until and plan.records else ()
                )
                for until, count in dates:
                    group.kept_until[until] = group.kept_until.get(until, 0) + count
    return tuple(
        CategoryOutcome(
            category,
            outcome,
            exception,
            group.until,
            tuple(group.tables),
            group.records,
            tuple(sorted(group.kept_until.items())),
        )
        for (category, outcome, exception, _), group in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1].value, item[0][2] or "")
        )
    )
