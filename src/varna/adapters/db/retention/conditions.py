"""SQL conditions shared by the sweeps: a target's clock against its cut-off, and what active
holds exclude."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Column, ColumnElement, Date, Table, and_, exists, false, or_, select, true

from varna.adapters.db.tables import metadata
from varna.catalog.model import Catalog, LinkKind
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.retention.holds import HeldScopes
from varna.domain.retention.targets import Target


def clock_due(table: Table, target: Target, cutoff: date) -> ColumnElement[bool]:
    """Rows whose clock started on or before ``cutoff``; an empty clock never runs."""
    assert target.clock_column is not None
    column = table.c[target.clock_column]
    if isinstance(column.type, Date):
        return column <= cutoff
    return column < start_of_day(day_after(cutoff))


def _not_in(column: Column[int], ids: Iterable[int]) -> ColumnElement[bool]:
    chosen = sorted(ids)
    if not chosen:
        return true()
    return or_(column.is_(None), column.not_in(chosen))


def _in(column: Column[int], ids: Iterable[int]) -> ColumnElement[bool]:
    chosen = sorted(ids)
    return column.in_(chosen) if chosen else false()


def link_columns(catalog: Catalog, table: str) -> tuple[list[str], list[str]]:
    """(person columns, organisation columns) of a table's subject links."""
    persons, organisations = [], []
    for link in catalog.table(table).subject_link:
        if link.column is None:
            continue
        if link.kind is LinkKind.PERSON:
            persons.append(link.column)
        elif link.kind is LinkKind.ORGANISATION:
            organisations.append(link.column)
    return persons, organisations


def not_held(
    catalog: Catalog, table: Table, held: HeldScopes, *, also: HeldScopes | None = None
) -> ColumnElement[bool]:
    """Rows that no hold in ``held`` (and ``also``) covers."""
    if held.covers_table(table.name):
        return false()
    persons, organisations = link_columns(catalog, table.name)
    parts = [_not_in(table.c[c], held.person_ids) for c in persons]
    parts += [_not_in(table.c[c], held.organisation_ids) for c in organisations]
    condition = and_(true(), *parts)
    if also is not None:
        condition = and_(condition, not_held(catalog, table, also))
    return condition


def held_by(catalog: Catalog, table: Table, held: HeldScopes) -> ColumnElement[bool]:
    """Rows that a hold in ``held`` covers."""
    if held.covers_table(table.name):
        return true()
    persons, organisations = link_columns(catalog, table.name)
    parts = [_in(table.c[c], held.person_ids) for c in persons]
    parts += [_in(table.c[c], held.organisation_ids) for c in organisations]
    return or_(false(), *parts)


def not_referenced(table: Table, children: Iterable[str]) -> ColumnElement[bool]:
    """Rows no other table points at (outside the children deleted with them): a lead that
    became an order stays."""
    skip = set(children)
    parts = []
    for other in metadata.tables.values():
        if other.name in skip or other.name == table.name:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.parent.table is other:
                parts.append(~exists(select(1).where(fk.parent == table.c.id)))
    return and_(true(), *parts)
