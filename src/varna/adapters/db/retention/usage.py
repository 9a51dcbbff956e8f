"""Usage records (R-RET-04, R-RET-05, A2): which customers' usage is due up to when, and the
set-based sweeps over it.

The cut-off is per customer (the controller). Under the LEK traffic rules usage is due once
the invoices that bill it are paid, undisputed and the rule's period has passed: usage started
before the issue day of the customer's latest such invoice, and before the issue day of its
first invoice that is not. Under the processor rule (pack off) all usage of a customer is due
a year after its last contract ended. Any other rule runs on the record's own start.

Batches: deleting works through the rows by id (``id <= the last id of the next batch``);
anonymising works day by day, so a day's per-country totals are whole and k is applied to
whole groups however often the sweep is interrupted. Cell-level columns are emptied in id
batches. PostgreSQL months that are due as a whole go partition by partition (see
:mod:`varna.adapters.db.retention.partitions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from varna.adapters.db.retention.processor import contract_overrides, ended_customers
from varna.adapters.db.tables import invoices, sims, usage_daily_totals, usage_records
from varna.catalog.model import StartEvent
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.retention.targets import Action, Target, TargetKind
from varna.services.retention.ports import BatchResult, DueCount, SweepContext

EVERYTHING = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CustomerCutoff:
    """Usage of these customers' SIMs started before ``before`` is due, for ``action``
    (delete or anonymise: the controller's instruction, or the sweep's default)."""

    before: datetime
    customers: tuple[int, ...]
    action: str = Action.DELETE.value

    def condition(self, *, in_id_order: bool = False) -> ColumnElement[bool]:
        """``in_id_order``: for SQLite batches by id, a condition its (sim_id, started_at)
        index cannot serve, so that it walks the rows by id and stops at the batch's end
        instead of finding and sorting every due row for each batch."""
        sim_ids = select(sims.c.id).where(sims.c.customer_id.in_(self.customers))
        sim = usage_records.c.sim_id + 0 if in_id_order else usage_records.c.sim_id
        return and_(usage_records.c.started_at < self.before, sim.in_(sim_ids))


def _settled_cutoffs(connection: Connection, threshold: date) -> dict[int, datetime]:
    settled = and_(
        invoices.c.paid_on.is_not(None),
        invoices.c.disputed.is_(False),
        invoices.c.paid_on <= threshold,
    )
    query = select(
        invoices.c.organisation_id,
        func.max(case((settled, invoices.c.issued_on), else_=None)),
        func.min(case((settled, None), else_=invoices.c.issued_on)),
    ).group_by(invoices.c.organisation_id)
    found = {}
    for organisation, last_settled, first_open in connection.execute(query):
        if last_settled is None:
            continue
        day = min(last_settled, first_open) if first_open is not None else last_settled
        found[int(organisation)] = start_of_day(day)
    return found


def _ended_cutoffs(
    connection: Connection, threshold: date | None, overrides: Mapping[int, date | None]
) -> dict[int, datetime]:
    """Every usage record of a customer whose contracts all ended on or before
    ``threshold`` (or its instruction's day in ``overrides``)."""
    return dict.fromkeys(ended_customers(connection, threshold, overrides), EVERYTHING)


def _horizon_floors(connection: Connection, horizon: date | None) -> dict[int, datetime]:
    """Usage started on or before ``horizon`` (the last day whose invoices are due under their
    own rule) is due for every customer, whether or not its invoices are still there."""
    if horizon is None:
        return {}
    floor = start_of_day(day_after(horizon))
    every = connection.execute(select(sims.c.customer_id).distinct()).scalars()
    return {int(customer): floor for customer in every}


def _default_cutoffs(
    connection: Connection, target: Target, threshold: date | None
) -> dict[int, datetime]:
    """The default rule set's cut-off per customer (the rule in force for ``target``)."""
    if threshold is None:
        return {}
    event = target.rule.start_event
    if event is StartEvent.INVOICE_SETTLED:
        return _settled_cutoffs(connection, threshold)
    if event is StartEvent.CONTRACT_END:
        return _ended_cutoffs(connection, threshold, {})
    every = connection.execute(select(sims.c.customer_id).distinct()).scalars()
    return {int(c): start_of_day(day_after(threshold)) for c in every}


def customer_cutoffs(
    connection: Connection, target: Target, ctx: SweepContext
) -> list[CustomerCutoff]:
    """Groups of customers with the same cut-off and action; held customers are left out.
    A customer's instruction (A2) replaces the default rule set for its usage records, and
    for the cell-level columns when it names a location period. Neither keeps usage past the
    horizon (usage older than the invoices still kept)."""
    if ctx.legal.covers_table(target.table):
        return []
    per_customer = {
        customer: (before, target.action.value)
        for customer, before in _default_cutoffs(
            connection, target, ctx.cutoffs.get(target.key)
        ).items()
    }
    for customer, instruction in ctx.instructions.items():
        day = instruction.usage if target.kind is TargetKind.USAGE else instruction.location
        if day is not None:
            action = instruction.action if target.kind is TargetKind.USAGE else Action.CLEAR
            per_customer[customer] = (start_of_day(day_after(day)), str(action))
    floors = _horizon_floors(connection, ctx.horizons.get(target.key))
    if target.kind is TargetKind.USAGE and target.key in ctx.contract_ends:
        ended = _ended_cutoffs(connection, ctx.contract_ends[target.key], contract_overrides(ctx))
        floors.update(ended)
    for customer, floor in floors.items():
        before, action = per_customer.get(customer, (floor, target.action.value))
        per_customer[customer] = (max(before, floor), action)
    held = ctx.legal.organisation_ids | ctx.evidence.organisation_ids
    groups: dict[tuple[datetime, str], list[int]] = {}
    for customer, key in sorted(per_customer.items()):
        if customer not in held:
            groups.setdefault(key, []).append(customer)
    return [
        CustomerCutoff(before, tuple(ids), action)
        for (before, action), ids in sorted(groups.items())
    ]


def with_action(groups: list[CustomerCutoff], action: Action) -> list[CustomerCutoff]:
    return [group for group in groups if group.action == action.value]


def due_condition(
    groups: list[CustomerCutoff], *, in_id_order: bool = False
) -> ColumnElement[bool]:
    return or_(false(), *(group.condition(in_id_order=in_id_order) for group in groups))


def _by_id(connection: Connection, groups: list[CustomerCutoff]) -> ColumnElement[bool]:
    return due_condition(groups, in_id_order=connection.dialect.name == "sqlite")


def count_usage(connection: Connection, target: Target, ctx: SweepContext) -> DueCount:
    groups = customer_cutoffs(connection, target, ctx)
    if not groups:
        return DueCount(target.key, 0, 0, None)
    condition = due_condition(groups)
    if target.columns:
        condition = and_(condition, _still_set(target))
    rows_of = target.rows_of
    if rows_of is not None and rows_of.key in ctx.cutoffs:  # its rows go in this sweep first
        condition = and_(condition, ~due_condition(customer_cutoffs(connection, rows_of, ctx)))
    rows, oldest = connection.execute(
        select(func.count(), func.min(usage_records.c.started_at)).where(condition)
    ).one()
    customers = sum(len(group.customers) for group in groups) if rows else 0
    return DueCount(target.key, int(rows), customers, oldest.date() if oldest else None)


def _next_ids(connection: Connection, condition: Any, batch_rows: int) -> tuple[int, int] | None:
    """The batch's id range: (first, last) of the next ``batch_rows`` due ids, or None."""
    ids = (
        select(usage_records.c.id)
        .where(condition)
        .order_by(usage_records.c.id)
        .limit(batch_rows)
        .subquery()
    )
    first, last = connection.execute(select(func.min(ids.c.id), func.max(ids.c.id))).one()
    return None if last is None else (int(first), int(last))


def delete_batch(
    connection: Connection, target: Target, groups: list[CustomerCutoff], batch_rows: int
) -> list[BatchResult]:
    condition = _by_id(connection, groups)
    ids = _next_ids(connection, condition, batch_rows)
    if ids is None:
        return []
    first, last = ids
    batch = and_(condition, usage_records.c.id.between(first, last))
    deleted = connection.execute(delete(usage_records).where(batch)).rowcount
    return [BatchResult(target.key, Action.DELETE.value, deleted, 0, {"last_id": last})]


def aggregate_into_totals(
    connection: Connection, source: Any, where: Any, k: int, run_id: int | None
) -> None:
    """Insert per-customer, per-day, per-MCC totals of the rows of ``source`` that match
    ``where``, groups of at least ``k`` SIMs only (smaller groups are suppressed)."""
    day = (
        func.date(source.c.started_at)
        if connection.dialect.name == "sqlite"
        else func.date(func.timezone("UTC", source.c.started_at))
    )
    grouped = (
        select(
            sims.c.customer_id,
            day.label("day"),
            source.c.mcc,
            func.count().label("sessions"),
            func.count(func.distinct(source.c.sim_id)).label("sims"),
            func.sum(source.c.bytes_up),
            func.sum(source.c.bytes_down),
            literal(run_id).label("run_id"),
        )
        .select_from(source.join(sims, sims.c.id == source.c.sim_id))
        .where(where)
        .group_by(sims.c.customer_id, day, source.c.mcc)
        .having(func.count(func.distinct(source.c.sim_id)) >= k)
    )
    columns = ["customer_id", "day", "mcc", "sessions", "sims", "bytes_up", "bytes_down", "run_id"]
    connection.execute(insert(usage_daily_totals).from_select(columns, grouped))


def _day_of(value: datetime) -> date:
    return value.astimezone(UTC).date() if value.tzinfo else value.date()


def anonymise_days(
    connection: Connection,
    target: Target,
    groups: list[CustomerCutoff],
    ctx: SweepContext,
    batch_rows: int,
) -> list[BatchResult]:
    """Aggregate whole due days (about ``batch_rows`` rows, at least one day) into totals, then
    drop their rows. Days are never split, so k applies to whole groups. The batch starts at
    the day of the first due row by id (a short walk, not a sort of every due row) and spans
    as many days as ``batch_rows`` rows at that day's count; the days are read by the
    (sim_id, started_at) index."""
    condition = due_condition(groups)
    started = usage_records.c.started_at
    first = connection.execute(
        select(started).where(_by_id(connection, groups)).order_by(usage_records.c.id).limit(1)
    ).scalar()
    if first is None:
        return []
    day = _day_of(first)
    one_day = and_(
        condition,
        started >= start_of_day(day),
        started < start_of_day(day + timedelta(days=1)),
    )
    per_day = connection.execute(select(func.count()).where(one_day)).scalar_one()
    end = day + timedelta(days=max(1, batch_rows // max(1, int(per_day))))
    in_days = and_(condition, started >= start_of_day(day), started < start_of_day(end))
    before = connection.execute(
        select(func.coalesce(func.max(usage_daily_totals.c.id), 0))
    ).scalar_one()
    aggregate_into_totals(connection, usage_records, in_days, ctx.k, ctx.run_id)
    kept_rows, kept_groups = connection.execute(
        select(func.coalesce(func.sum(usage_daily_totals.c.sessions), 0), func.count()).where(
            usage_daily_totals.c.id > before
        )
    ).one()
    deleted = connection.execute(delete(usage_records).where(in_days)).rowcount
    details = {
        "first_day": day.isoformat(),
        "groups": int(kept_groups),
        "suppressed_rows": deleted - int(kept_rows),
        "k": ctx.k,
    }
    return [BatchResult(target.key, Action.ANONYMISE.value, deleted, 0, details)]


def _still_set(target: Target) -> ColumnElement[bool]:
    return or_(*(usage_records.c[column].is_not(None) for column in target.columns))


def clear_batch(
    connection: Connection, target: Target, groups: list[CustomerCutoff], batch_rows: int
) -> list[BatchResult]:
    """Empty the cell-level columns of due rows (R-RET-05): country and operator remain."""
    condition = and_(_by_id(connection, groups), _still_set(target))
    ids = _next_ids(connection, condition, batch_rows)
    if ids is None:
        return []
    first, last = ids
    batch = and_(condition, usage_records.c.id.between(first, last))
    changed = connection.execute(
        update(usage_records).where(batch).values(dict.fromkeys(target.columns))
    ).rowcount
    return [BatchResult(target.key, Action.CLEAR.value, changed, 0, {"last_id": last})]
