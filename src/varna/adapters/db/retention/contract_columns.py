"""Columns on the post-contract rule in rows that a longer rule keeps (R2): an organisation's
address and privacy contact, a payment's card token. The rows stay (bookkeeping, R4); once
every contract of the organisation has ended and the rule's period has passed, these columns
are emptied, in id batches. Organisations under a legal or evidence hold keep them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Table, and_, false, func, or_, select, update

from varna.adapters.db.retention.processor import ended_customers
from varna.adapters.db.tables import metadata
from varna.catalog.model import Catalog, LinkKind
from varna.domain.retention.targets import ORGANISATIONS, Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext


def of_organisations(catalog: Catalog, table: Table, ids: list[int]) -> ColumnElement[bool]:
    """Rows of ``table`` that belong to the organisations ``ids`` (itself, a column that
    points at one, or through a ``via`` link: a payment through its invoice)."""
    if not ids:
        return false()
    links = catalog.table(table.name).subject_link
    if table.name == ORGANISATIONS:
        return table.c.id.in_(ids)
    for link in links:
        if link.kind is LinkKind.ORGANISATION and link.column:
            return table.c[link.column].in_(ids)
    for link in links:
        if link.kind is LinkKind.VIA and link.to and link.column:
            parent = metadata.tables[link.to]
            parents = select(parent.c.id).where(of_organisations(catalog, parent, ids))
            return table.c[link.column].in_(parents)
    return false()


def _still_set(table: Table, target: Target) -> ColumnElement[bool]:
    return or_(*(table.c[column].is_not(None) for column in target.columns))


def _organisations(
    connection: Connection, target: Target, ctx: SweepContext
) -> tuple[list[int], list[int]]:
    """(due, held) organisations whose contracts all ended on or before the cut-off."""
    if ctx.legal.covers_table(target.table):
        return [], []
    ended = ended_customers(connection, ctx.cutoffs.get(target.key), {})
    held = ctx.legal.organisation_ids | ctx.evidence.organisation_ids
    return sorted(ended - held), sorted(ended & held)


def count_due(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> DueCount:
    table = metadata.tables[target.table]
    due, held = _organisations(connection, target, ctx)
    counted = select(func.count()).select_from(table)
    rows = connection.execute(
        counted.where(of_organisations(catalog, table, due), _still_set(table, target))
    ).scalar_one()
    kept = connection.execute(
        counted.where(of_organisations(catalog, table, held), _still_set(table, target))
    ).scalar_one()
    return DueCount(target.key, int(rows), len(due) if rows else 0, None, int(kept))


def clear_batch(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext, batch_rows: int
) -> list[BatchResult]:
    table = metadata.tables[target.table]
    due, _ = _organisations(connection, target, ctx)
    if not due:
        return []
    eligible = and_(of_organisations(catalog, table, due), _still_set(table, target))
    ids = select(table.c.id).where(eligible).order_by(table.c.id).limit(batch_rows).subquery()
    last = connection.execute(select(func.max(ids.c.id))).scalar()
    if last is None:
        return []
    changed = connection.execute(
        update(table).where(eligible, table.c.id <= last).values(dict.fromkeys(target.columns))
    ).rowcount
    details = {"last_id": int(last), "columns": list(target.columns)}
    return [BatchResult(target.key, Action.CLEAR.value, changed, 0, details)]
