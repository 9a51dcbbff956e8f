"""What an erasure decision needs to know beyond the catalogue: running contracts, active
holds, the retention clocks of the person's rows, and the controllers of their processor data."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Final

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.subjects.walker import FIRMS, PEOPLE, PERSONS, Walk
from varna.adapters.db.tables import contracts, legal_holds, metadata, people, person_roles
from varna.catalog.model import LINK_TARGETS, LinkKind, RetentionAction
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.subjects.erasure import Hold
from varna.services.subjects.ports import ErasureFacts


def _organisations(connection: Connection, walk: Walk, today: date) -> list[int]:
    """The organisations the person currently has a role at, and their own sole-trader firm."""
    firms = set(walk.scope.organisation_ids)
    if not walk.person_ids:
        return sorted(firms)
    query = select(person_roles.c.organisation_id).where(
        person_roles.c.person_id.in_(walk.person_ids),
        person_roles.c.organisation_id.is_not(None),
        or_(person_roles.c.ended_on.is_(None), person_roles.c.ended_on >= today),
    )
    return sorted(firms | {row for row in connection.execute(query).scalars() if row is not None})


def _running_contract(connection: Connection, organisations: list[int], today: date) -> bool:
    if not organisations:
        return False
    query = select(contracts.c.id).where(
        contracts.c.organisation_id.in_(organisations),
        contracts.c.terminated_on.is_(None),
        or_(contracts.c.end_date.is_(None), contracts.c.end_date >= today),
        contracts.c.start_date <= today,
    )
    return connection.execute(query.limit(1)).first() is not None


HOLDS_ON: Final = "h_today"  # the day the holds are asked for, bound with the walk's values
_HOLD_COLUMNS = (
    legal_holds.c.id,
    legal_holds.c.kind,
    legal_holds.c.review_date,
    legal_holds.c.scope,
    legal_holds.c.scope_table,
)


def _holds(connection: Connection, walk: Walk, today: date) -> tuple[Hold, ...]:
    """Holds not released and not past review (an expired hold lapses, R-RET-06)."""
    query = _holds_query(bool(walk.person_ids), bool(walk.scope.organisation_ids))
    return tuple(
        Hold(row.id, row.kind, row.review_date, row.scope, row.scope_table)
        for row in connection.execute(query, {**walk.params, HOLDS_ON: today})
    )


@cache
def _holds_query(persons: bool, firms: bool) -> Any:
    """The holds statement for a request's shape, its values bound per request."""
    return select(*_HOLD_COLUMNS).where(_holds_where(persons, firms)).order_by(legal_holds.c.id)


@cache
def holds_json(persons: bool, firms: bool) -> Any:
    """The holds ``_holds`` reads, as one JSON array of [id, kind, review_date, scope,
    scope_table] by id (PostgreSQL), to be read in the statement of the counts."""
    row = func.json_build_array(*_HOLD_COLUMNS)
    return (
        select(func.json_agg(aggregate_order_by(row, legal_holds.c.id)))
        .where(_holds_where(persons, firms))
        .scalar_subquery()
    )


def _holds_where(persons: bool, firms: bool) -> Any:
    """Active holds on a table, on the person, or on an organisation they hold a current
    role at or that is their sole-trader firm (the organisations as a subquery, not a list
    read before). Values: the walk's ``w_persons`` and ``w_firms``, and ``h_today``."""
    today = bindparam(HOLDS_ON, type_=Date)
    applies: list[Any] = [legal_holds.c.scope == "table"]
    organisations: list[Any] = []
    if persons:
        people_ids: BindParameter[Any] = bindparam(PERSONS, expanding=True)
        applies.append(
            and_(legal_holds.c.scope == "person", legal_holds.c.person_id.in_(people_ids))
        )
        roles = select(person_roles.c.organisation_id).where(
            person_roles.c.person_id.in_(people_ids),
            person_roles.c.organisation_id.is_not(None),
            or_(person_roles.c.ended_on.is_(None), person_roles.c.ended_on >= today),
        )
        organisations.append(legal_holds.c.organisation_id.in_(roles))
    if firms:
        organisations.append(legal_holds.c.organisation_id.in_(bindparam(FIRMS, expanding=True)))
    if organisations:
        applies.append(and_(legal_holds.c.scope == "organisation", or_(*organisations)))
    return and_(
        legal_holds.c.released_at.is_(None), legal_holds.c.review_date >= today, or_(*applies)
    )


def holds_of(value: Any) -> tuple[Hold, ...]:
    """The holds of ``holds_json``'s array (None when there are none)."""
    return tuple(
        Hold(int(hold_id), kind, date.fromisoformat(review), scope, table)
        for hold_id, kind, review, scope, table in value or ()
    )


def _clock(value: Any) -> date | None:
    if isinstance(value, int):
        return date(value, 12, 31)  # a fiscal year that is the calendar year: its last day
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def clock_source(walk: Walk, name: str) -> tuple[str, str, str | None] | None:
    """(table, clock column, link column) of the clock ``name``'s rows run on: their own, or
    that of the row a ``via`` link points at (a payment runs on its invoice's fiscal year)."""
    entry = walk.entry(name)
    if entry.clock_column:
        return name, entry.clock_column, None
    for link in entry.subject_link:
        if link.kind is LinkKind.VIA and link.to and link.column:
            target = walk.entry(link.to).clock_column
            if target:
                return link.to, target, link.column
    return None


def started_by(column: Column[Any], cutoff: date) -> ColumnElement[bool]:
    """Rows whose clock started on or before ``cutoff`` (a fiscal year: its 31 December)."""
    if isinstance(column.type, Integer):
        return column <= (cutoff.year if cutoff >= date(cutoff.year, 12, 31) else cutoff.year - 1)
    if isinstance(column.type, Date):
        return column <= cutoff
    return column < start_of_day(day_after(cutoff))


def _kept_on_own_clock(walk: Walk, name: str) -> bool:
    """True when a column of ``name`` is kept through an erasure until a date on its clock."""
    return any(
        rule.exception is not None and rule.action is not RetentionAction.KEEP
        for entry in walk.entry(name).personal.values()
        for rule in map(walk.catalog.effective_retention, entry.retention_rules)
    )


def _clock_rows(connection: Connection, walk: Walk) -> dict[str, dict[date | None, int]]:
    """Clock start -> the person's rows, for tables kept under an exception on their clock."""
    found: dict[str, dict[date | None, int]] = {}
    for name in walk.tables():
        condition, source = walk.condition(name), clock_source(walk, name)
        if condition is None or source is None or not _kept_on_own_clock(walk, name):
            continue
        target, column, link = source
        table, clock = metadata.tables[name], metadata.tables[target].c[column]
        query = select(clock, func.count()).select_from(table)
        if link is not None:
            query = query.join(metadata.tables[target], table.c[link] == key_of(clock.table))
        query = query.where(condition).group_by(clock)
        starts: dict[date | None, int] = {}
        for value, rows in connection.execute(query, walk.params):
            starts[_clock(value)] = starts.get(_clock(value), 0) + int(rows)
        if starts:
            found[name] = starts
    firm = _firm_clock(connection, walk)
    if firm is not None:
        found[LINK_TARGETS[LinkKind.ORGANISATION]] = {firm: len(walk.scope.organisation_ids)}
    return found


def _firm_clock(connection: Connection, walk: Walk) -> date | None:
    """A sole trader's own row (name, orgnr) is kept as long as the latest of its accounting
    records that name it (R4): the latest clock start among them."""
    firms = list(walk.scope.organisation_ids)
    latest: list[date] = []
    for name in walk.tables() if firms else ():
        entry = walk.entry(name)
        if not entry.clock_column or not _kept_on_own_clock(walk, name):
            continue
        table = metadata.tables[name]
        for link in entry.subject_link:
            if link.kind is LinkKind.ORGANISATION and link.column:
                query = select(func.max(table.c[entry.clock_column]))
                start = _clock(connection.execute(query.where(table.c[link.column].in_(firms))
                                                  ).scalar_one())  # fmt: skip
                if start is not None:
                    latest.append(start)
    return max(latest, default=None)


def _clocks(
    connection: Connection, walk: Walk, known: dict[str, dict[date | None, int]]
) -> dict[str, date | None]:
    clocks: dict[str, date | None] = {
        name: max((s for s in starts if s is not None), default=None)
        for name, starts in known.items()
    }
    for name in walk.tables():
        entry, condition = walk.entry(name), walk.condition(name)
        if name not in clocks and entry.clock_column and condition is not None:
            table = metadata.tables[name]
            query = select(func.max(table.c[entry.clock_column])).where(condition)
            clocks[name] = _clock(connection.execute(query, walk.params).scalar_one())
    for name in walk.tables():  # rows reached through another table run on its clock
        if name not in clocks:
            for link in walk.entry(name).subject_link:
                if link.kind is LinkKind.VIA and link.to in clocks:
                    clocks[name] = clocks[link.to]
    return clocks


def _controllers(connection: Connection, walk: Walk) -> dict[int, tuple[int, ...]]:
    """Organisation id -> ids of the person's rows in the processor table that names it
    directly and that other processor tables hang on (the SIMs)."""
    found: dict[int, list[int]] = {}
    for name in walk.tables():
        column, condition = walk.controller_column(name), walk.condition(name)
        if column is None or condition is None:
            continue
        if name in walk.owners:  # read with the SIMs themselves
            pairs: Any = ((owner, row_id) for row_id, owner in walk.owners[name].items())
        else:
            table = metadata.tables[name]
            query = select(table.c[column], key_of(table)).where(condition)
            pairs = connection.execute(query, walk.params)
        for organisation_id, row_id in pairs:
            found.setdefault(organisation_id, []).append(row_id)
    return {org: tuple(sorted(ids)) for org, ids in sorted(found.items())}


def erasure_facts(
    connection: Connection, walk: Walk, today: date, *, holds: tuple[Hold, ...] | None = None
) -> ErasureFacts:
    """``holds``: the holds already read for ``today`` (with the counts), or None."""
    organisations = _organisations(connection, walk, today)
    clock_rows = _clock_rows(connection, walk)
    return ErasureFacts(
        running_contract=_running_contract(connection, organisations, today),
        holds=_holds(connection, walk, today) if holds is None else holds,
        clocks=_clocks(connection, walk, clock_rows),
        controllers=_controllers(connection, walk),
        clock_rows=clock_rows,
    )


def other_names(connection: Connection, walk: Walk) -> set[str]:
    """Names of the other people at the person's organisations and in the person's cases."""
    if not walk.person_ids:
        return set()
    colleagues = select(person_roles.c.person_id).where(
        person_roles.c.organisation_id.in_(
            select(person_roles.c.organisation_id).where(
                person_roles.c.person_id.in_(walk.person_ids)
            )
        )
    )
    related = [people.c.id.in_(colleagues)]
    for name in walk.tables():
        context = walk.context(name)
        if context is None:
            continue
        table = metadata.tables[name]
        for link in walk.entry(name).subject_link:
            if link.kind is LinkKind.PERSON and link.column:
                related.append(people.c.id.in_(select(table.c[link.column]).where(context)))
    for name in walk.via_targets:
        condition = walk.condition(name) if name in walk.tables() else None
        if condition is None:
            continue
        table = metadata.tables[name]
        for link in walk.entry(name).subject_link:
            if link.kind is LinkKind.PERSON and link.column:
                related.append(people.c.id.in_(select(table.c[link.column]).where(condition)))
    query = select(people.c.full_name).where(or_(*related), people.c.id.not_in(walk.person_ids))
    return {name for name in connection.execute(query, walk.params).scalars() if name}


__all__ = [
    "HOLDS_ON",
    "PEOPLE",
    "clock_source",
    "erasure_facts",
    "holds_json",
    "holds_of",
    "other_names",
    "started_by",
]
