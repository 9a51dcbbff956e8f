"""Building the subject engine's plan (:class:`~varna.adapters.db.subjects.plan.SubjectPlan`)
from the catalogue and the table metadata, once per dialect: each table's condition, the
walk's layers, and the statements of the inventory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Integer,
    String,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.subjects.plan import (
    FIRMS,
    GIVEN_IDS,
    ORGANISATIONS,
    ORGNR,
    PEOPLE,
    PERSONS,
    TODAY,
    ClockSource,
    Layer,
    SubjectPlan,
    TableSql,
    among,
    contains_any,
    given_of,
    ids_of,
    values_of,
)
from varna.adapters.db.tables import (
    contracts,
    legal_holds,
    metadata,
    organisations,
    people,
    person_roles,
)
from varna.catalog.model import (
    Catalog,
    LinkKind,
    RetentionAction,
    Role,
)
from varna.domain.subjects.steps import ColumnShape, table_erasures


def build_plan(catalog: Catalog, dialect: str) -> SubjectPlan:
    """The plan for ``catalog`` on ``dialect`` (``postgresql`` or ``sqlite``)."""
    postgres = dialect == "postgresql"
    names = [n for n, e in catalog.tables.items() if e.personal and n in metadata.tables]
    targets = {
        link.to
        for name in names
        for link in catalog.table(name).subject_link
        if link.kind is LinkKind.VIA and link.to in names
    }
    build = _Builder(catalog, postgres, names, targets)
    tables = {name: build.table(name) for name in names}
    schema = {
        name: {
            column.name: ColumnShape(column.nullable is True, _is_text(column))
            for column in metadata.tables[name].columns
        }
        for name in names
    }
    lookups = {
        column: declared.lookup.value
        for column, declared in catalog.table(PEOPLE).personal.items()
        if declared.lookup is not None
    }
    # a person is looked up by the keyed blind index of a value (field encryption), never by
    # the value's ciphertext; the store binds the indexes of the values given
    matches = [among(indexed(c), values_of(k), postgres=postgres) for c, k in lookups.items()]
    matched = select(
        people.c.id, people.c.full_name, people.c.key_id, *(people.c[c] for c in lookups)
    ).where(or_(*matches, among(people.c.id, GIVEN_IDS, postgres=postgres)))
    counted = [t for t in tables.values() if t.condition is not None]
    return SubjectPlan(
        catalog=catalog,
        postgres=postgres,
        tables=tables,
        erasures=table_erasures(catalog, schema),
        people=matched.order_by(people.c.id),
        firms=select(organisations.c.id)
        .where(among(organisations.c.orgnr, ORGNR, postgres=postgres))
        .order_by(organisations.c.id),
        people_lookups=lookups,
        layers=build.layers(tables),
        counts=_counts(counted, postgres, mentions=False),
        counts_and_mentions=_counts(counted, postgres, mentions=True),
        holds=select(*_HOLD_COLUMNS).where(_holds(postgres)).order_by(legal_holds.c.id),
        clocks={
            t.name: _scalar(t.table, func.max(t.table.c[t.clock.column]), t.condition, t.name)
            for t in counted
            if t.clock is not None and t.clock.link is None
        },
        clock_rows={
            t.name: _clock_rows(t) for t in counted if t.kept_on_own_clock and t.clock is not None
        },
        firm_clocks=build.firm_clocks(tables),
        other_names=build.other_names(tables),
    )


def indexed(column: str) -> Column[Any]:
    """The column a lookup of ``people.<column>`` compares: its blind index when it has one."""
    return people.c.get(f"{column}_bidx", people.c[column])


def _is_text(column: Column[Any]) -> bool:
    return isinstance(column.type, String | Text) or hasattr(column.type, "impl")


class _Builder:
    def __init__(
        self, catalog: Catalog, postgres: bool, names: Sequence[str], targets: set[str]
    ) -> None:
        self.catalog = catalog
        self.postgres = postgres
        self.names = names
        self.targets = targets

    def among(self, column: Any, parameter: str) -> ColumnElement[bool]:
        return among(column, parameter, postgres=self.postgres)

    def table(self, name: str) -> TableSql:
        table = metadata.tables[name]
        condition = self.condition(name)
        return TableSql(
            name=name,
            table=table,
            key=key_of(table),
            condition=condition,
            context=self.context(name),
            mentions={
                column: self.mention(table, column, condition)
                for column, declared in self.catalog.table(name).personal.items()
                if declared.search_text
            },
            via=tuple(
                link.to
                for link in self.catalog.table(name).subject_link
                if link.kind is LinkKind.VIA and link.column and link.to in self.targets
            ),
            clock=self.clock(name),
            kept_on_own_clock=self.kept_on_own_clock(name),
            order=self.order(name),
        )

    def condition(self, name: str) -> ColumnElement[bool] | None:
        table, entry = metadata.tables[name], self.catalog.table(name)
        key = key_of(table)
        parts: list[ColumnElement[bool]] = []
        if name == PEOPLE:  # resolving found every person the lookup columns match
            parts.append(self.among(key, PERSONS))
        else:
            parts += [
                self.among(table.c[column], values_of(declared.lookup.value))
                for column, declared in entry.personal.items()
                if declared.lookup is not None
            ]
        if entry.role is Role.CONTROLLER:  # a sole trader's firm and what names it
            parts += [
                self.among(table.c[link.column], FIRMS)
                for link in entry.subject_link
                if link.kind is LinkKind.ORGANISATION and link.column
            ]
            if name == ORGANISATIONS:
                parts.append(self.among(key, FIRMS))
        for link in entry.subject_link:
            if link.kind is LinkKind.PERSON and link.column:
                parts.append(self.among(table.c[link.column], PERSONS))
            elif link.kind is LinkKind.VIA and link.column and link.to in self.targets:
                parts.append(self.among(table.c[link.column], ids_of(link.to)))
            elif link.kind is LinkKind.NAMED_BY and link.to:
                parts += self.named_by(name, link.to)
        if not parts:
            return None
        condition = or_(*parts) if len(parts) > 1 else parts[0]
        mine = [
            or_(table.c[link.column].is_(None), self.among(table.c[link.column], PERSONS))
            for link in entry.subject_link
            if link.kind is LinkKind.PERSON and link.column
        ]
        return and_(condition, *mine) if mine else condition

    def named_by(self, name: str, other: str) -> list[ColumnElement[bool]]:
        """Rows of ``name`` that rows of ``other`` matching the person point at. On
        PostgreSQL the ids are an ``ARRAY(subquery)``, computed once, so that an OR with the
        table's other conditions still reads both through their indexes (an ``IN
        (subquery)`` under an OR is checked against every row of the table)."""
        if other not in metadata.tables:
            return []
        table, entry = metadata.tables[other], self.catalog.table(other)
        lookups = [
            self.among(table.c[column], values_of(declared.lookup.value))
            for column, declared in entry.personal.items()
            if declared.lookup is not None
        ]
        pointer = next(
            (
                link.column
                for link in entry.subject_link
                if link.kind is LinkKind.VIA and link.to == name and link.column
            ),
            None,
        )
        if not lookups or pointer is None:
            return []
        ids = select(table.c[pointer]).where(or_(*lookups))
        key = key_of(metadata.tables[name])
        if self.postgres:
            return [key == any_(func.array(ids.scalar_subquery()))]
        return [key.in_(ids)]

    def context(self, name: str) -> ColumnElement[bool] | None:
        """Rows that hang on the person's rows through a ``via`` link, whoever wrote them
        (the other messages of the person's cases): where their names may be mentioned."""
        table = metadata.tables[name]
        parts = [
            self.among(table.c[link.column], ids_of(link.to))
            for link in self.catalog.table(name).subject_link
            if link.kind is LinkKind.VIA and link.column and link.to in self.targets
        ]
        return or_(*parts) if parts else None

    def mention(
        self, table: Table, column: str, own: ColumnElement[bool] | None
    ) -> ColumnElement[bool]:
        """Rows whose ``column`` mentions the person and that are not already theirs."""
        found = contains_any(table.c[column], postgres=self.postgres)
        if own is None:
            return found
        key = key_of(table)
        return and_(found, key.not_in(select(key).where(own)))

    def clock(self, name: str) -> ClockSource | None:
        entry = self.catalog.table(name)
        if entry.clock_column:
            return ClockSource(name, entry.clock_column, None)
        for link in entry.subject_link:
            if link.kind is LinkKind.VIA and link.to and link.column:
                target = self.catalog.table(link.to).clock_column
                if target:
                    return ClockSource(link.to, target, link.column)
        return None

    def kept_on_own_clock(self, name: str) -> bool:
        return any(
            rule.exception is not None and rule.action is not RetentionAction.KEEP
            for entry in self.catalog.table(name).personal.values()
            for rule in map(self.catalog.effective_retention, entry.retention_rules)
        )

    def order(self, name: str) -> tuple[Column[Any], ...]:
        """Rows reached through a ``via`` link come grouped by the row they hang on (a SIM's
        usage together), in the order of an index that leads with the link and has more
        columns (usage by SIM and start): the server then sorts nothing, even for a million
        rows. Otherwise by the link, then by id; other rows by id."""
        table = metadata.tables[name]
        via = next(
            (
                link.column
                for link in self.catalog.table(name).subject_link
                if link.kind is LinkKind.VIA and link.column
            ),
            None,
        )
        key = key_of(table)
        if via is None:
            return (key,)
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            columns = [c for c in index.columns if isinstance(c, Column)]
            if len(columns) > 1 and columns[0].name == via:
                return tuple(columns)
        return (table.c[via], key)

    def layers(self, tables: Mapping[str, TableSql]) -> tuple[Layer, ...]:
        """The ``via`` targets in the order their ids can be read: a target reached through
        another target comes after it. The first also reads the anchors."""
        left, read = set(self.targets), set[str]()
        layers: list[Layer] = []
        while left:
            ready = sorted(
                name
                for name in left
                if all(
                    link.to in read or link.to not in self.targets
                    for link in self.catalog.table(name).subject_link
                    if link.kind is LinkKind.VIA
                )
            )
            if not ready:
                raise ValueError(f"via links between {sorted(left)} form a loop")
            layers.append(self.layer(tables, ready, anchors=not layers))
            read |= set(ready)
            left -= set(ready)
        if not layers:
            layers.append(self.layer(tables, [], anchors=True))
        return tuple(layers)

    def layer(self, tables: Mapping[str, TableSql], names: list[str], *, anchors: bool) -> Layer:
        owners = tuple(self.owner(name) for name in names)
        anchored = self.anchor_tables() if anchors else ()
        reads: list[Any] = []
        for index, (name, owner) in enumerate(zip(names, owners, strict=True)):
            table, condition = tables[name].table, tables[name].condition
            if condition is None:  # no way to a person: none of its rows is theirs
                continue
            owned = table.c[owner] if owner else null().cast(Integer)
            row = select(literal(index).label("k"), tables[name].key, owned.label("owner"))
            reads.append(row.where(condition))
        found: list[Any] = []
        for index, name in enumerate(anchored, start=len(names)):
            table, entry = metadata.tables[name], self.catalog.table(name)
            given = [
                self.among(table.c[column], given_of(declared.lookup.value))
                for column, declared in entry.personal.items()
                if declared.lookup is not None
            ]
            row = select(literal(index).label("k"), key_of(table), null().cast(Integer))
            found.append(row.where(or_(*given)))
        return Layer(tuple(names), owners, anchored, _union(reads), _union([*reads, *found]))

    def anchor_tables(self) -> tuple[str, ...]:
        """Tables outside ``people`` with lookup columns: the rows a given identifier names
        tell whether it names anything at all."""
        return tuple(
            name
            for name in self.names
            if name != PEOPLE
            and any(d.lookup is not None for d in self.catalog.table(name).personal.values())
        )

    def owner(self, name: str) -> str | None:
        """The column of a ``via`` target that names the controller of its processor data
        (a SIM's customer), or None."""
        entry = self.catalog.table(name)
        link = next(
            (link for link in entry.subject_link if link.column == entry.controller_column),
            None,
        )
        if link is None or link.kind is not LinkKind.ORGANISATION:
            return None
        return link.column

    def firm_clocks(self, tables: Mapping[str, TableSql]) -> tuple[Any, ...]:
        """A sole trader's own row (name, orgnr) is kept as long as the latest of its
        accounting records that name it (R4): their latest clock starts."""
        found = []
        for name, sql in tables.items():
            entry = self.catalog.table(name)
            if not entry.clock_column or not sql.kept_on_own_clock:
                continue
            for link in entry.subject_link:
                if link.kind is LinkKind.ORGANISATION and link.column:
                    column = sql.table.c[entry.clock_column]
                    found.append(
                        select(func.max(column)).where(self.among(sql.table.c[link.column], FIRMS))
                    )
        return tuple(found)

    def other_names(self, tables: Mapping[str, TableSql]) -> Any:
        """Names of the other people at the person's organisations and in the person's
        cases (and on the rows other tables hang on)."""
        persons = self.among(person_roles.c.person_id, PERSONS)
        colleagues = select(person_roles.c.person_id).where(
            person_roles.c.organisation_id.in_(
                select(person_roles.c.organisation_id).where(persons)
            )
        )
        related = [people.c.id.in_(colleagues)]
        for name, sql in tables.items():
            for where in (sql.context, sql.condition if name in self.targets else None):
                if where is None:
                    continue
                for link in self.catalog.table(name).subject_link:
                    if link.kind is LinkKind.PERSON and link.column:
                        linked = select(sql.table.c[link.column]).where(where)
                        related.append(people.c.id.in_(linked))
        others = and_(or_(*related), ~self.among(people.c.id, PERSONS))
        return select(people.c.full_name).where(others)


def _union(parts: Sequence[Any]) -> Any:
    return union_all(*parts) if len(parts) > 1 else (parts[0] if parts else None)


def _counts(tables: Sequence[TableSql], postgres: bool, *, mentions: bool) -> Any:
    """One row: ``c:<table>`` the person's rows of each table, ``m:<table>:<column>`` the rows
    mentioning them; ``running``: whether a contract with their organisations runs;
    ``holds``: how many holds apply (rarely any). The clocks are asked apart, only of the
    tables that hold rows: each table's clock here cost PostgreSQL as much planning again."""
    columns: list[Any] = []
    for sql in tables:
        columns.append(_scalar(sql.table, func.count(), sql.condition, f"c:{sql.name}"))
        if mentions:
            columns += [
                _scalar(sql.table, func.count(), where, f"m:{sql.name}:{column}")
                for column, where in sql.mentions.items()
            ]
    columns.append(exists(_running_contract(postgres)).label("running"))
    columns.append(_scalar(legal_holds, func.count(), _holds(postgres), "holds"))
    return select(*columns)


def _scalar(table: Table, value: Any, where: Any, label: str) -> Any:
    return select(value).select_from(table).where(where).scalar_subquery().label(label)


def _clock_rows(sql: TableSql) -> Any:
    """The person's rows per clock start, for a table kept on its own clock (R4)."""
    assert sql.clock is not None and sql.condition is not None
    target = metadata.tables[sql.clock.table]
    clock = target.c[sql.clock.column]
    query = select(clock, func.count()).select_from(sql.table)
    if sql.clock.link is not None:
        query = query.join(target, sql.table.c[sql.clock.link] == key_of(target))
    return query.where(sql.condition).group_by(clock)


_HOLD_COLUMNS = (
    legal_holds.c.id,
    legal_holds.c.kind,
    legal_holds.c.review_date,
    legal_holds.c.scope,
    legal_holds.c.scope_table,
)


def _organisations(postgres: bool) -> ColumnElement[bool]:
    """The organisations the person currently has a role at (a subquery)."""
    today = bindparam(TODAY, type_=Date)
    return select(person_roles.c.organisation_id).where(
        among(person_roles.c.person_id, PERSONS, postgres=postgres),
        person_roles.c.organisation_id.is_not(None),
        or_(person_roles.c.ended_on.is_(None), person_roles.c.ended_on >= today),
    )  # type: ignore[return-value]


def _holds(postgres: bool) -> ColumnElement[bool]:
    """Holds not released and not past review (an expired hold lapses, R-RET-06), on a
    table, on the person, or on an organisation they hold a current role at or that is
    their sole-trader firm."""
    today = bindparam(TODAY, type_=Date)
    applies = or_(
        legal_holds.c.scope == "table",
        and_(
            legal_holds.c.scope == "person",
            among(legal_holds.c.person_id, PERSONS, postgres=postgres),
        ),
        and_(
            legal_holds.c.scope == "organisation",
            or_(
                legal_holds.c.organisation_id.in_(_organisations(postgres)),
                among(legal_holds.c.organisation_id, FIRMS, postgres=postgres),
            ),
        ),
    )
    return and_(legal_holds.c.released_at.is_(None), legal_holds.c.review_date >= today, applies)


def _running_contract(postgres: bool) -> Any:
    """A contract still running with an organisation the person has a role at or with
    their sole-trader firm."""
    today = bindparam(TODAY, type_=Date)
    return select(contracts.c.id).where(
        or_(
            contracts.c.organisation_id.in_(_organisations(postgres)),
            among(contracts.c.organisation_id, FIRMS, postgres=postgres),
        ),
        contracts.c.terminated_on.is_(None),
        or_(contracts.c.end_date.is_(None), contracts.c.end_date >= today),
        contracts.c.start_date <= today,
    )


__all__ = ["build_plan"]
