"""The subject engine's SQL, built once at start-up from the catalogue for one dialect.

Each catalogued table with personal data gets one condition that names a person's rows for
every request: it ORs all of the table's ways to reach a person, each against a named bind
parameter that holds a list (empty when the request has no such value), so a request only
binds its values (:func:`bind`) and every request sends the same statements. The ways:

* ``person`` links: the column holds one of the person's ids (``self``: the row is them);
* ``via`` links: the column points at a row of the target table that is the person's (the
  targets' ids are read when the person is resolved: SIMs, invoices, cases are few, and the
  large tables are reached through them by index, never scanned);
* a column that declares a ``lookup`` kind holds one of the person's identifiers of it (a
  SIM by ICCID, the suppression entry by its keyed hash);
* ``named_by`` links: the row is pointed at by rows of another table that match the person
  by their lookup columns (a SIM by its end-user reference, kept in ``sim_end_users``);
* ``organisation`` links are followed only to a sole trader's firm (an organisation whose
  orgnr is the person's personnummer): its own row and the controller records that name it.

A row whose own person link names someone else (a colleague's message in the person's case)
is that other person's row, not this one's. Every column a condition reads is indexed, so the
empty lists cost an index probe each. Free-text columns marked ``search_text`` are searched
for mentions of the person's identifiers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    String,
    Table,
    Text,
    any_,
    bindparam,
    exists,
    func,
    literal,
    select,
)

from varna.catalog.model import (
    LINK_TARGETS,
    LOOKUP_KINDS,
    Catalog,
    LinkKind,
)
from varna.domain.subjects.steps import TableErasure
from varna.services.subjects.ports import SubjectScope

PEOPLE = LINK_TARGETS[LinkKind.PERSON]
ORGANISATIONS = LINK_TARGETS[LinkKind.ORGANISATION]
# bind parameter names (``s_``: the subject engine's)
PERSONS: Final = "s_persons"
FIRMS: Final = "s_firms"
GIVEN_IDS: Final = "s_given_ids"  # person ids given as identifiers, for resolving
TERMS: Final = "s_terms"  # the mention search's terms
TODAY: Final = "s_today"
ORGNR: Final = "s_orgnr"


def values_of(kind: str) -> str:
    """The person's values of identifier ``kind``."""
    return f"s_v_{kind}"


def given_of(kind: str) -> str:
    """The values of ``kind`` given in the request (not found): what anchors are read by."""
    return f"s_g_{kind}"


def ids_of(table: str) -> str:
    """The ids of the person's rows of a ``via`` target."""
    return f"s_ids_{table}"


@dataclass(frozen=True, slots=True)
class ClockSource:
    """The clock a table's rows run on: their own column, or that of the row a ``via`` link
    points at (``link``; a payment runs on its invoice's fiscal year)."""

    table: str
    column: str
    link: str | None


@dataclass(frozen=True, slots=True)
class TableSql:
    """One catalogued table's part of the plan."""

    name: str
    table: Table
    key: Column[Any]
    condition: ColumnElement[bool] | None  # the person's rows; None: it cannot hold any
    context: ColumnElement[bool] | None  # rows on the person's via targets, whoever wrote them
    mentions: Mapping[str, ColumnElement[bool]]  # searched column -> rows mentioning them
    via: tuple[str, ...]  # the targets its ``via`` links point at
    clock: ClockSource | None
    kept_on_own_clock: bool  # a column is kept through an erasure until a date on its clock
    order: tuple[Column[Any], ...]  # how its rows come in an extract


@dataclass(frozen=True, slots=True)
class Layer:
    """``via`` targets whose ids one statement reads (with the owner of each row where the
    target names its controller); in the first, a second statement reads the anchors of the
    given identifiers with them, for a request that found no person."""

    targets: tuple[str, ...]
    owners: tuple[str | None, ...]
    anchors: tuple[str, ...]
    statement: Any
    with_anchors: Any


@dataclass(frozen=True, slots=True)
class SubjectPlan:
    """Every statement of the subject engine for one catalogue and dialect; immutable."""

    catalog: Catalog
    postgres: bool
    tables: Mapping[str, TableSql]
    erasures: Mapping[str, TableErasure]
    people: Any  # people by lookup values and given ids, with their lookup columns
    firms: Any  # organisations by orgnr (:data:`ORGNR`): sole traders
    people_lookups: Mapping[str, str]  # column -> identifier kind
    layers: tuple[Layer, ...]
    counts: Any  # every table's rows, whether a contract runs, how many holds apply
    counts_and_mentions: Any  # and the mentions of the person in every searched column
    holds: Any  # the holds themselves, read when ``counts`` found some
    clocks: Mapping[str, Any]  # table -> the latest start of its own clock (a scalar)
    clock_rows: Mapping[str, Any]  # table -> its rows per clock start
    firm_clocks: tuple[Any, ...]  # latest clock starts of the records naming the firm
    other_names: Any

    def among(self, column: Any, parameter: str) -> ColumnElement[bool]:
        return among(column, parameter, postgres=self.postgres)


def among(column: Any, parameter: str, *, postgres: bool) -> ColumnElement[bool]:
    """``column IN (:parameter)`` for a list that may be empty. On PostgreSQL an array
    (``= ANY``): one parameter however many values, an index probe when empty, and the same
    statement text for every request."""
    if postgres:
        return column == any_(bindparam(parameter, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(bindparam(parameter, expanding=True))  # type: ignore[no-any-return]


def contains_any(column: Any, *, postgres: bool) -> ColumnElement[bool]:
    """``lower(column)`` contains one of the terms (:data:`TERMS`, bound by :func:`bind`).
    No portable SQL matches a list of patterns: PostgreSQL's ``LIKE ANY`` reads the trigram
    index; SQLite looks for each term of a JSON array."""
    lowered = func.lower(column)
    if postgres:
        return lowered.like(any_(bindparam(TERMS, type_=ARRAY(Text))))
    term = func.json_each(bindparam(TERMS, type_=String)).table_valued("value")
    return exists(select(literal(1)).select_from(term).where(func.instr(lowered, term.c.value) > 0))


def bind(plan: SubjectPlan, scope: SubjectScope) -> dict[str, Any]:
    """The values of every bind parameter of the plan's statements, for ``scope``."""
    params: dict[str, Any] = {
        PERSONS: list(scope.person_ids),
        FIRMS: list(scope.organisation_ids),
        TERMS: _terms(scope.mention_terms, postgres=plan.postgres),
    }
    for kind in LOOKUP_KINDS:
        params[values_of(kind)] = list(scope.values.get(kind, ()))
    for name in plan.tables:
        params[ids_of(name)] = list(scope.targets.get(name, ()))
    return params


def _terms(terms: Sequence[str], *, postgres: bool) -> Any:
    if not postgres:
        return json.dumps(list(terms))
    escaped = (t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms)
    return [f"%{term}%" for term in escaped]


__all__ = [
    "FIRMS",
    "ORGNR",
    "PEOPLE",
    "PERSONS",
    "TODAY",
    "ClockSource",
    "Layer",
    "SubjectPlan",
    "TableSql",
    "among",
    "bind",
    "given_of",
    "ids_of",
    "values_of",
]
