"""Follow the catalogue's ``subject_link`` declarations from a person to every row that links
to them, as SQL conditions built with SQLAlchemy Core from the table metadata (D1, D4).

* ``person`` links: the column holds one of the person's ids;
* ``self`` (people): the row is the person;
* ``via`` links: the column points at a row of the target table that is the person's (the
  target's ids are read first: SIMs, invoices, cases are few; the large tables are reached
  through them by index, never scanned);
* a column that declares a ``lookup`` kind matches the person's identifiers of that kind
  (a SIM by ICCID, the suppression entry by its keyed hash);
* ``named_by`` links: the row is pointed at by a row of another table that matches the
  person by its lookup columns (a SIM by its end-user reference, kept in ``sim_end_users``);
* ``organisation`` links are not followed: a contact is not the company; except for a sole
  trader (enskild firma, an organisation whose orgnr is the person's personnummer): its row
  (``self``) and the controller records that link to it (invoices, orders, cases) are the
  person's. Processor data (its SIMs' end users) stays the firm's as controller.

A row whose own person link names someone else (a colleague's message in the person's case) is
that other person's row, not this person's. Free-text columns marked ``search_text`` are
searched for mentions of the person's identifiers.

The conditions are built once per process for each shape of a request (the catalogue, the
dialect, which kinds of identifier and which links have values) with named bind parameters,
and reused: a request only binds its values (``Walk.params``, passed to every statement that
holds a condition). Building them afresh for some 25 tables cost more than a millisecond of
Python per request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    TypeDecorator,
    and_,
    any_,
    bindparam,
    false,
    func,
    or_,
    select,
)

from varna.adapters.db.subjects.batched import ids_where
from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.tables import metadata
from varna.catalog.model import LINK_TARGETS, Catalog, LinkKind, Role, TableEntry
from varna.services.subjects.ports import SubjectScope

PEOPLE = LINK_TARGETS[LinkKind.PERSON]
PERSONS: Final = "w_persons"  # bind parameter names of the walk's values
FIRMS: Final = "w_firms"

# shape -> condition with bind parameters; the catalogues they were built from stay referenced
# so that their ids are not reused
_TEMPLATES: dict[tuple[Any, ...], ColumnElement[bool] | None] = {}
_CATALOGS: dict[int, Catalog] = {}


class Walk:
    """The rows of one person in every catalogued table. Ids of ``via`` targets are read once,
    when the walk is made, so the conditions stay valid while an erasure changes links."""

    def __init__(
        self,
        connection: Connection,
        catalog: Catalog,
        scope: SubjectScope,
        *,
        also: Sequence[tuple[str, tuple[str, ...]]] = (),
    ) -> None:
        """``also``: (table, lookup columns) pairs, the rows whose columns hold one of the
        person's values of the column's lookup kind, read in the same round trip as the
        ``via`` targets' ids (the resolution's anchors); found in ``also_ids``."""
        self._connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.catalog = catalog
        self.scope = scope
        self.person_ids = list(scope.person_ids)
        self.params: dict[str, Any] = {PERSONS: self.person_ids,
                                       FIRMS: list(scope.organisation_ids)}  # fmt: skip
        for kind, values in scope.values.items():
            self._bind(f"w_{kind}", list(values))
        for index, term in enumerate(scope.mention_terms):  # LIKE's wildcards escaped
            self.params[f"w_term_{index}"] = (
                term.replace("/", "//").replace("%", "/%").replace("_", "/_")
            )
        self._kinds = tuple(sorted(kind for kind, values in scope.values.items() if values))
        _CATALOGS.setdefault(id(catalog), catalog)
        self._conditions: dict[str, ColumnElement[bool] | None] = {}
        self._ids: dict[str, list[int]] = {}
        self.owners: dict[str, dict[int, int]] = {}  # via target -> row id -> its controller
        self.via_targets = {
            link.to
            for entry in catalog.tables.values()
            for link in entry.subject_link
            if link.kind is LinkKind.VIA and link.to is not None
        }
        self.also_ids = self._read_targets(also)
        for name in self.tables():
            self.condition(name)

    def tables(self) -> list[str]:
        """Catalogued tables with personal data that exist in the schema."""
        return [
            name
            for name, entry in self.catalog.tables.items()
            if entry.personal and name in metadata.tables
        ]

    @staticmethod
    def table(name: str) -> Table:
        return metadata.tables[name]

    def entry(self, name: str) -> TableEntry:
        return self.catalog.table(name)

    def among(self, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
        """``column IN (values)``: see :func:`among`."""
        return among(column, values, postgres=self.postgres)

    def condition(self, name: str) -> ColumnElement[bool] | None:
        """The person's rows of ``name``, or None when the table cannot hold any. A ``via``
        target's rows are named by the ids read when the walk was made (primary-key lookups,
        and stable while an erasure cuts the links that found them)."""
        if name in self._conditions:
            return self._conditions[name]
        if name not in self._ids:  # ids already read need not be found again
            self._conditions[name] = None  # guards against a loop in via links
            self._conditions[name] = self._build(name)
        if name in self._ids:
            found = self._ids[name]
            self._conditions[name] = (
                self._template((name, "ids"), lambda: self._bound(key_of(self.table(name)),
                                                                  _ids_key(name)))
                if found else None
            )  # fmt: skip
        return self._conditions[name]

    def _bind(self, key: str, values: list[Any]) -> None:
        self.params[f"{key}_a"] = self.params[f"{key}_l"] = values

    def _bound(self, column: Any, key: str) -> ColumnElement[bool]:
        """``column IN (:key)``, the values bound per request: see :func:`among`."""
        kind = column.type
        plain = isinstance(kind, Integer | String) and not isinstance(kind, TypeDecorator)
        if self.postgres and plain:
            return column == any_(bindparam(f"{key}_a", type_=ARRAY(kind)))  # type: ignore[no-any-return]
        return column.in_(bindparam(f"{key}_l", expanding=True))  # type: ignore[no-any-return]

    def _template(self, shape: tuple[Any, ...], build: Any) -> ColumnElement[bool] | None:
        key = (id(self.catalog), self.postgres, *shape)
        if key not in _TEMPLATES:
            _TEMPLATES[key] = build()
        return _TEMPLATES[key]

    def count_conditions(self, mentions: bool) -> list[tuple[str, str | None, Any]]:
        """(table, searched column or None, condition) of every count a request asks: the
        person's rows of each table that can hold any and, with ``mentions``, the rows of
        each searched column that mention them."""
        asked: list[tuple[str, str | None, Any]]
        asked = [(name, None, self.condition(name)) for name in self.tables()]
        if mentions:
            asked += [(name, column, self.mention(name, column))
                      for name, column in self.mention_columns()]  # fmt: skip
        return [(name, column, where) for name, column, where in asked if where is not None]

    def _read_targets(self, also: Sequence[tuple[str, tuple[str, ...]]]) -> list[list[int]]:
        """The ids of every ``via`` target that is not itself reached through another table,
        and of ``also``, in one round trip; the other targets are read when first needed.
        An ``also`` whose condition is the target's own (SIMs by ICCID) is not asked twice."""
        names = sorted(
            name
            for name in self.via_targets
            if name in metadata.tables
            and name in self.catalog.tables
            and self.entry(name).personal
            and not any(link.kind is LinkKind.VIA for link in self.entry(name).subject_link)
        )
        wanted = [(name, c) for name, c in ((n, self._build(n)) for n in names) if c is not None]
        owners = {name: column for name, _ in wanted if (column := self.controller_column(name))}
        targets = dict(wanted)
        extra = [(name, self._lookup(name, columns)) for name, columns in also]
        same = [name in targets and _same(targets[name], where) for name, where in extra]
        asked = [pair for pair, seen in zip(extra, same, strict=True) if not seen]
        found, owned = ids_where(
            self._connection, [*wanted, *asked], owners=owners, params=self.params
        )
        self._ids.update({name: [] for name in names})
        self._ids.update({name: ids for (name, _), ids in zip(wanted, found, strict=False)})
        for name in names:
            self._bind(_ids_key(name), self._ids[name])
        self.owners = {name: owned[i] for i, (name, _) in enumerate(wanted) if name in owners}
        rest = iter(found[len(wanted) :])
        return [
            self._ids[name] if seen else next(rest)
            for (name, _), seen in zip(extra, same, strict=True)
        ]

    def _lookup(self, name: str, columns: tuple[str, ...]) -> ColumnElement[bool]:
        """Rows of ``name`` whose ``columns`` hold one of the person's values of their lookup
        kinds, with the walk's bind parameters."""

        def build() -> ColumnElement[bool]:
            table, entry = self.table(name), self.entry(name)
            parts = [
                self._bound(table.c[column], f"w_{entry.personal[column].lookup.value}")  # type: ignore[union-attr]
                for column in columns
            ]
            return or_(*parts) if len(parts) > 1 else parts[0]

        return self._template((name, "lookup", columns), build)  # type: ignore[return-value]

    def controller_column(self, name: str) -> str | None:
        """The column of a ``via`` target that names the controller of its processor data
        (a SIM's customer), or None."""
        entry = self.entry(name)
        link = next(
            (link for link in entry.subject_link if link.column == entry.controller_column),
            None,
        )
        if link is None or link.kind is not LinkKind.ORGANISATION or name not in self.via_targets:
            return None
        return link.column

    def ids(self, name: str) -> list[int]:
        if name not in self._ids:
            condition = self.condition(name)
            table = self.table(name)
            self._ids[name] = (
                []
                if condition is None
                else sorted(
                    self._connection.execute(select(key_of(table)).where(condition), self.params)
                    .scalars()
                )
            )  # fmt: skip
            self._bind(_ids_key(name), self._ids[name])
        return self._ids[name]

    def _build(self, name: str) -> ColumnElement[bool] | None:
        """The condition of ``name`` for this request's shape: which kinds of identifier have
        values, whether the person and a sole-trader firm were found, and which of the
        ``via`` targets (read first) hold rows."""
        via = tuple(
            bool(self.ids(link.to))
            for link in self.entry(name).subject_link
            if link.kind is LinkKind.VIA and link.column and link.to
        )
        shape = (name, self._kinds, bool(self.person_ids), bool(self.scope.organisation_ids), via)
        return self._template(shape, lambda: self._compose(name))

    def _compose(self, name: str) -> ColumnElement[bool] | None:
        table, entry = self.table(name), self.entry(name)
        persons: BindParameter[Any] = bindparam(PERSONS, expanding=True)
        parts: list[ColumnElement[bool]] = []
        for column, declared in entry.personal.items():
            kind = declared.lookup.value if declared.lookup else None
            if kind and self.scope.values.get(kind) and not (name == PEOPLE and self.person_ids):
                parts.append(self._bound(table.c[column], f"w_{kind}"))
        if name == PEOPLE and self.person_ids:
            parts.append(key_of(table).in_(persons))
        parts += self._sole_trader(name)
        for link in entry.subject_link:
            if link.kind is LinkKind.PERSON and link.column and self.person_ids:
                parts.append(table.c[link.column].in_(persons))
            elif link.kind is LinkKind.VIA and link.column and link.to and self.ids(link.to):
                parts.append(self._bound(table.c[link.column], _ids_key(link.to)))
            elif link.kind is LinkKind.NAMED_BY and link.to:
                parts += self._named_by(name, link.to)
        if not parts:
            return None
        condition = or_(*parts) if len(parts) > 1 else parts[0]
        for link in entry.subject_link:
            if link.kind is LinkKind.PERSON and link.column:
                linked = table.c[link.column]
                mine = linked.in_(persons) if self.person_ids else false()
                condition = and_(condition, or_(linked.is_(None), mine))
        return condition

    def _named_by(self, name: str, other: str) -> list[ColumnElement[bool]]:
        """Rows of ``name`` that rows of ``other`` matching the person point at. On
        PostgreSQL the ids are an ``ARRAY(subquery)``, computed once, so that an OR with the
        table's other conditions still reads both through their indexes (an ``IN (subquery)``
        under an OR is checked against every row of the table)."""
        entry = self.entry(other)
        columns = tuple(
            column
            for column, declared in entry.personal.items()
            if declared.lookup is not None and self.scope.values.get(declared.lookup.value)
        )
        pointer = next(
            (link.column for link in entry.subject_link
             if link.kind is LinkKind.VIA and link.to == name and link.column),
            None,
        )  # fmt: skip
        if not columns or pointer is None or other not in metadata.tables:
            return []
        ids = select(self.table(other).c[pointer]).where(self._lookup(other, columns))
        if self.postgres:
            return [key_of(self.table(name)) == any_(func.array(ids.scalar_subquery()))]
        return [key_of(self.table(name)).in_(ids)]

    def _sole_trader(self, name: str) -> list[ColumnElement[bool]]:
        """The sole trader's own row and the controller records that name it."""
        table, entry = self.table(name), self.entry(name)
        if not self.scope.organisation_ids or entry.role is not Role.CONTROLLER:
            return []
        firms: BindParameter[Any] = bindparam(FIRMS, expanding=True)
        parts: list[ColumnElement[bool]] = [
            table.c[link.column].in_(firms)
            for link in entry.subject_link
            if link.kind is LinkKind.ORGANISATION and link.column
        ]
        if name == LINK_TARGETS[LinkKind.ORGANISATION]:
            parts.append(key_of(table).in_(firms))
        return parts

    def context(self, name: str) -> ColumnElement[bool] | None:
        """Rows that hang on the person's rows through a ``via`` link, whoever wrote them (the
        other messages of the person's cases): where their names may be mentioned."""
        table = self.table(name)
        parts = [
            self.among(table.c[link.column], self.ids(link.to))
            for link in self.entry(name).subject_link
            if link.kind is LinkKind.VIA and link.column and link.to and self.ids(link.to)
        ]
        return or_(*parts) if parts else None

    def mention_columns(self) -> list[tuple[str, str]]:
        return [
            (name, column)
            for name in self.tables()
            for column, declared in self.entry(name).personal.items()
            if declared.search_text
        ]

    def mention(self, name: str, column: str) -> ColumnElement[bool] | None:
        """Rows whose ``column`` mentions the person and that are not already the person's."""
        terms = len(self.scope.mention_terms)
        if not terms:
            return None
        own = self.condition(name)

        def build() -> ColumnElement[bool]:
            table = self.table(name)
            lowered = func.lower(table.c[column])
            found = or_(*(lowered.contains(bindparam(f"w_term_{i}", type_=String), escape="/")
                          for i in range(terms)))  # fmt: skip
            if own is None:
                return found
            key = key_of(table)
            return and_(found, key.not_in(select(key).where(own)))

        return self._template((name, column, "mention", terms, own), build)


def _ids_key(name: str) -> str:
    return f"w_ids_{name}"


_SAME: dict[tuple[int, int], bool] = {}  # (template, template) -> same SQL; both kept in _TEMPLATES


def _same(one: ColumnElement[bool], other: ColumnElement[bool]) -> bool:
    """True when two of the walk's conditions are the same SQL (compared once per pair)."""
    key = (id(one), id(other))
    if key not in _SAME:
        _SAME[key] = one.compare(other)
    return _SAME[key]


# (catalogue, tables) -> their order for an erasure; the catalogues stay in _CATALOGS
_ORDERS: dict[tuple[int, tuple[str, ...]], tuple[str, ...]] = {}


def order_for_erasure(walk: Walk, names: Sequence[str]) -> list[str]:
    """Children before the rows they point at; the people rows last (worked out once per
    catalogue and set of tables)."""
    key = (id(walk.catalog), tuple(names))
    if key not in _ORDERS:
        _ORDERS[key] = tuple(_erasure_order(walk, names))
    return list(_ORDERS[key])


def _erasure_order(walk: Walk, names: Sequence[str]) -> list[str]:
    def depth(name: str, seen: tuple[str, ...] = ()) -> int:
        children = [
            child
            for child in walk.tables()
            if child not in seen
            and any(
                link.kind is LinkKind.VIA and link.to == name
                for link in walk.entry(child).subject_link
            )
        ]
        return 1 + max((depth(child, (*seen, name)) for child in children), default=0)

    return sorted(names, key=lambda name: (name == PEOPLE, depth(name), name))


def among(column: Any, values: Iterable[Any], *, postgres: bool) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL, for integer and plain text columns,
    ``column = ANY(:array)``: one parameter however many values (a company's 50 SIMs), so
    the statement's text stays the same from one person to the next and is neither
    rendered with a placeholder per value nor parsed again. The plan is the same: PostgreSQL
    turns an IN list into ``= ANY('{...}')`` itself."""
    listed = list(values)
    kind = column.type
    plain = isinstance(kind, Integer | String) and not isinstance(kind, TypeDecorator)
    if postgres and plain and len(listed) > 1:
        return column == any_(bindparam(None, listed, type_=ARRAY(kind)))  # type: ignore[no-any-return]
    return column.in_(listed)  # type: ignore[no-any-return]
