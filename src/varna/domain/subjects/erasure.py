"""The erasure decision per column and category (D4, R4, R6, A3; Art. 17).

Everything is erased or anonymised unless a valid exception covers it:

* a legal hold (a court or an authority) or an evidence hold (R6) on the person, their
  organisation or the table: kept until the hold's review date;
* a retention rule that carries an Art. 17(3) exception (bookkeeping, R4: until 31 December of
  the seventh year after the fiscal year's end; a legal obligation; evidence): kept until the
  rule's due date;
* a contract that is still running, for data the contract needs: kept while it runs.

Legitimate interest alone is no exception (LEGAL.md 0.2). Processor data (a SIM's usage) is
not the person's to erase: the request goes to the controller (A3), unless varna acts on that
controller's instruction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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


@dataclass(frozen=True, slots=True)
class ColumnDecision:
    table: str
    column: str
    category: str
    outcome: Outcome
    exception: str | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class TablePlan:
    """What to do with a table's rows of the person: ``delete`` or ``anonymise`` them
    (cut the links, empty ``clear``), only ``clear`` some columns of rows that stay, or nothing."""

    table: str
    action: str  # delete | anonymise | clear | none
    clear: tuple[str, ...]
    decisions: tuple[ColumnDecision, ...]


def decide_column(catalog: Catalog, entry: ColumnEntry, ctx: ErasureContext) -> ColumnDecision:
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


def plan_table(catalog: Catalog, table: TableEntry, ctx: ErasureContext) -> TablePlan:
    decisions = [decide_column(catalog, entry, ctx) for entry in table.personal.values()]
    method = table.erasure.method if table.erasure else ErasureMethod.DELETE
    clearable = table.erasure.clear if table.erasure else ()
    held = [d for d in decisions if d.outcome in (Outcome.KEPT, Outcome.ROUTED)]
    if not held:
        return TablePlan(table.name, method.value, clearable, tuple(decisions))
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
    return TablePlan(table.name, "clear" if cleared else "none", tuple(cleared), tuple(final))


def plan_erasure(
    catalog: Catalog, tables: Iterable[str], ctx: ErasureContext
) -> tuple[TablePlan, ...]:
    """One plan per table that holds rows of the person."""
    return tuple(plan_table(catalog, catalog.table(name), ctx) for name in tables)


@dataclass(frozen=True, slots=True)
class CategoryOutcome:
    """The answer to the person for one category: what happened, and why it was kept."""

    category: str
    outcome: Outcome
    exception: str | None
    until: date | None
    tables: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "outcome": self.outcome.value,
            "exception": self.exception,
            "until": self.until.isoformat() if self.until else None,
            "tables": list(self.tables),
        }


def by_category(plans: Sequence[TablePlan]) -> tuple[CategoryOutcome, ...]:
    """Group the column decisions by (category, outcome, exception, until)."""
    groups: dict[tuple[str, Outcome, str | None, date | None], list[str]] = {}
    for plan in plans:
        for d in plan.decisions:
            tables = groups.setdefault((d.category, d.outcome, d.exception, d.until), [])
            if d.table not in tables:
                tables.append(d.table)
    return tuple(
        CategoryOutcome(category, outcome, exception, until, tuple(tables))
        for (category, outcome, exception, until), tables in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1].value, item[0][2] or "")
        )
    )
