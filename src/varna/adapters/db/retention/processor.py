"""A customer's processor data after its contract (R2, A2, GDPR Art. 28(3)(g)): once every
contract of the customer has ended and the processor rule's period has passed (or the period
of the customer's instruction), its SIMs, their end-user references and its devices go, and
its usage records are due on the usage target whatever their own clock says.

The rows of a customer are found through the table's controller column (the customer, or the
SIM that belongs to it). A SIM goes only once nothing of its own is left: its end-user
reference and devices (their targets run first) and its usage records (the usage target runs
first; a SIM whose usage is held stays with it, so that usage never loses its customer).
Bookkeeping records that name a SIM (invoice lines) stay; only their link to the SIM is cut.
Customers under a legal or evidence hold keep everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Table,
    and_,
    delete,
    exists,
    false,
    func,
    select,
    true,
    update,
)

from varna.adapters.db.tables import contracts, metadata, sims, usage_records
from varna.catalog.model import Catalog, Role
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext


def contract_overrides(ctx: SweepContext) -> dict[int, date | None]:
    """Customer -> the last contract end whose processor data is due, by its instruction."""
    return {c: i.after_contract for c, i in ctx.instructions.items() if i.after_contract}


def ended_customers(
    connection: Connection, threshold: date | None, overrides: Mapping[int, date | None]
) -> set[int]:
    """Customers whose every contract ended on or before ``threshold`` (or the customer's
    own day in ``overrides``, from its instruction)."""
    ended = func.coalesce(contracts.c.terminated_on, contracts.c.end_date)
    query = (
        select(contracts.c.organisation_id, func.max(ended))
        .group_by(contracts.c.organisation_id)
        .having(func.count() == func.count(ended))
    )
    found = set()
    for organisation, last_end in connection.execute(query):
        limit = overrides.get(int(organisation)) or threshold
        if limit is not None and last_end is not None and last_end <= limit:
            found.add(int(organisation))
    return found


def _held(ctx: SweepContext) -> frozenset[int]:
    return ctx.legal.organisation_ids | ctx.evidence.organisation_ids


def _of_customers(catalog: Catalog, table: Table, customers: list[int]) -> ColumnElement[bool]:
    """Rows of ``table`` that belong to ``customers`` (through its controller column)."""
    if not customers:
        return false()
    column = table.c[catalog.table(table.name).controller_column or "customer_id"]
    points_at = {fk.column.table.name for fk in column.foreign_keys}
    if sims.name in points_at:
        return column.in_(select(sims.c.id).where(sims.c.customer_id.in_(customers)))
    return column.in_(customers)


def _links(catalog: Catalog, table: Table) -> tuple[list[Column[Any]], list[Column[Any]]]:
    """(processor, other) columns of other tables that point at ``table``'s rows: the
    processor rows go first (their targets run before), the others' links are cut."""
    processor: list[Column[Any]] = []
    others: list[Column[Any]] = []
    for other in metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.parent.table is other and other is not table:
                entry = catalog.tables.get(other.name)
                kept = entry is not None and entry.role is Role.PROCESSOR
                (processor if kept or not fk.parent.nullable else others).append(fk.parent)
    return processor, others


def _nothing_left(catalog: Catalog, table: Table) -> ColumnElement[bool]:
    """No processor row points at the row any more; for SIMs, no usage record either (a SIM
    whose usage is held stays with it, so that the usage keeps its customer)."""
    processor, _ = _links(catalog, table)
    parts = [~exists(select(1).where(column == table.c.id)) for column in processor]
    if table is sims:
        parts.append(~exists(select(1).where(usage_records.c.sim_id == sims.c.id)))
    return and_(true(), *parts)


def _customers(
    connection: Connection, target: Target, ctx: SweepContext
) -> tuple[list[int], list[int]]:
    """(due, held) customers of ``target`` on this sweep day."""
    if ctx.legal.covers_table(target.table):
        return [], []
    ended = ended_customers(connection, ctx.cutoffs.get(target.key), contract_overrides(ctx))
    held = _held(ctx)
    return sorted(ended - held), sorted(ended & held)


def count_due(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> DueCount:
    table = metadata.tables[target.table]
    due, held = _customers(connection, target, ctx)
    counted = select(func.count()).select_from(table)
    rows = connection.execute(counted.where(_of_customers(catalog, table, due))).scalar_one()
    kept = connection.execute(counted.where(_of_customers(catalog, table, held))).scalar_one()
    return DueCount(target.key, int(rows), len(due) if rows else 0, None, int(kept))


def sweep_batch(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext, batch_rows: int
) -> list[BatchResult]:
    table = metadata.tables[target.table]
    due, _ = _customers(connection, target, ctx)
    if not due:
        return []
    eligible = and_(_of_customers(catalog, table, due), _nothing_left(catalog, table))
    ids = select(table.c.id).where(eligible).order_by(table.c.id).limit(batch_rows).subquery()
    last = connection.execute(select(func.max(ids.c.id))).scalar()
    if last is None:
        return []
    batch = and_(eligible, table.c.id <= last)
    cut = 0
    for column in _links(catalog, table)[1]:  # bookkeeping rows that name it stay, unlinked
        parents = select(table.c.id).where(batch)
        changed = update(column.table).where(column.in_(parents)).values({column.name: None})
        cut += connection.execute(changed).rowcount
    deleted = connection.execute(delete(table).where(batch)).rowcount
    details: dict[str, object] = {"last_id": int(last), "customers": len(due)}
    if cut:
        details["links_cut"] = cut
    return [BatchResult(target.key, Action.DELETE.value, deleted, 0, details)]
