"""Rows with a clock of their own (invoices, tickets, web visits, leads, records of rights)
and evidence-vault entries past their end date: bounded, set-based batches
(``DELETE ... WHERE id <= (the last id of the next batch)``), children first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Table, and_, delete, func, select

from varna.adapters.db.retention.conditions import (
    clock_due,
    held_by,
    link_columns,
    not_held,
    not_referenced,
)
from varna.adapters.db.tables import evidence_vault, metadata
from varna.catalog.model import Catalog
from varna.domain.retention.holds import HoldScope, evidence_hold_for
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext

VaultWriter = Callable[[HoldScope, str, list[dict[str, Any]], int | None, int | None], int]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _due(catalog: Catalog, table: Table, target: Target, ctx: SweepContext) -> Any:
    cutoff = ctx.cutoffs.get(target.key)
    if cutoff is None:
        return None
    children = [child for child, _ in target.children]
    return and_(clock_due(table, target, cutoff), not_referenced(table, children))


def count_rows(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> DueCount:
    table = metadata.tables[target.table]
    due = _due(catalog, table, target, ctx)
    if due is None:
        return DueCount(target.key, 0, 0, None)
    persons, _ = link_columns(catalog, target.table)
    subject = func.count(func.distinct(table.c[persons[0]])) if persons else func.count(None)
    clock = table.c[target.clock_column or "id"]
    row = connection.execute(
        select(func.count(), subject, func.min(clock)).where(
            and_(due, not_held(catalog, table, ctx.legal))
        )
    ).one()
    held = connection.execute(
        select(func.count()).where(and_(due, held_by(catalog, table, ctx.legal)))
    ).scalar_one()
    oldest = row[2]
    if isinstance(oldest, datetime):
        oldest = oldest.date()
    return DueCount(target.key, int(row[0]), int(row[1] or 0), oldest, int(held))


def batch_key(table: Table, target: Target) -> Column[Any]:
    """The column a table's batches walk: its id, or its clock for a table without one (a
    link keyed by its token's hash)."""
    return table.c.id if "id" in table.c else table.c[target.clock_column or "id"]


def _snapshot(
    connection: Connection, table: Table, where: ColumnElement[bool]
) -> list[dict[str, Any]]:
    order = table.c.id if "id" in table.c else next(iter(table.primary_key.columns))
    rows = connection.execute(select(table).where(where).order_by(order)).mappings()
    return [{key: jsonable(value) for key, value in row.items()} for row in rows]


def _move_evidence(
    connection: Connection,
    catalog: Catalog,
    target: Target,
    ctx: SweepContext,
    batch: ColumnElement[bool],
    put: VaultWriter,
) -> int:
    """Copy the batch's rows under an evidence hold (and their children) into the vault."""
    if ctx.evidence.empty:
        return 0
    table = metadata.tables[target.table]
    rows = _snapshot(connection, table, and_(batch, held_by(catalog, table, ctx.evidence)))
    persons, organisations = link_columns(catalog, target.table)
    moved = 0
    for row in rows:
        person = next((row[c] for c in persons if row.get(c) is not None), None)
        organisation = next((row[c] for c in organisations if row.get(c) is not None), None)
        hold = evidence_hold_for(
            ctx.evidence_holds, person_id=person, organisation_id=organisation
        ) or next(h for h in ctx.evidence_holds if h.scope_table == target.table)
        payload: dict[str, Any] = {"row": row}
        for child, column in target.children:
            child_table = metadata.tables[child]
            payload[child] = _snapshot(connection, child_table, child_table.c[column] == row["id"])
        put(hold, target.table, [payload], person, organisation)
        moved += 1
    return moved


def sweep_rows(
    connection: Connection,
    catalog: Catalog,
    target: Target,
    ctx: SweepContext,
    batch_rows: int,
    put: VaultWriter,
) -> list[BatchResult]:
    table = metadata.tables[target.table]
    due = _due(catalog, table, target, ctx)
    if due is None:
        return []
    eligible = and_(due, not_held(catalog, table, ctx.legal))
    key = batch_key(table, target)
    ids = select(key.label("key")).where(eligible).order_by(key).limit(batch_rows).subquery()
    last = connection.execute(select(func.max(ids.c.key))).scalar()
    if last is None:
        return []
    batch = and_(eligible, key <= last)
    persons, _ = link_columns(catalog, target.table)
    subjects = 0
    if persons:
        subjects = int(
            connection.execute(
                select(func.count(func.distinct(table.c[persons[0]]))).where(batch)
            ).scalar_one()
        )
    moved = _move_evidence(connection, catalog, target, ctx, batch, put)
    children: dict[str, int] = {}
    for child, column in target.children:
        child_table = metadata.tables[child]
        parents = select(table.c.id).where(batch)
        result = connection.execute(delete(child_table).where(child_table.c[column].in_(parents)))
        children[child] = result.rowcount
    deleted = connection.execute(delete(table).where(batch)).rowcount
    results = [
        BatchResult(
            target.key,
            Action.DELETE.value,
            deleted - moved,
            subjects,
            {"last_id": jsonable(last), "children": children},
        )
    ]
    if moved:
        results.append(
            BatchResult(target.key, Action.MOVE.value, moved, 0, {"to": "evidence_vault"})
        )
    return results


def _vault_due(ctx: SweepContext) -> ColumnElement[bool]:
    return evidence_vault.c.end_date < ctx.as_of


def count_vault(connection: Connection, target: Target, ctx: SweepContext) -> DueCount:
    row = connection.execute(
        select(func.count(), func.min(evidence_vault.c.end_date)).where(_vault_due(ctx))
    ).one()
    return DueCount(target.key, int(row[0]), 0, row[1])


def sweep_vault(
    connection: Connection, target: Target, ctx: SweepContext, batch_rows: int
) -> list[BatchResult]:
    ids = select(evidence_vault.c.id).where(_vault_due(ctx)).order_by(evidence_vault.c.id)
    last = connection.execute(select(func.max(ids.limit(batch_rows).subquery().c.id))).scalar()
    if last is None:
        return []
    deleted = connection.execute(
        delete(evidence_vault).where(_vault_due(ctx), evidence_vault.c.id <= last)
    ).rowcount
    return [BatchResult(target.key, Action.DELETE.value, deleted, 0, {"last_id": int(last)})]
