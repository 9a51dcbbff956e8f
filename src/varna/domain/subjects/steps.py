"""What an erasure does to the rows of each table, as data the storage adapter executes (D4).

The decision (:mod:`varna.domain.subjects.erasure`) says per table whether the person's rows
are deleted, anonymised, only some columns cleared, or kept. This module says what that means
row by row:

* ``delete``: the rows go;
* ``anonymise``: the rows stay; the declared ``clear`` columns are emptied, every link to the
  person is cut (set to NULL), and a link that may be empty is cut where it names the person's
  sole-trader firm (another company's link stays);
* ``clear``: only the columns the decision names are emptied (the rows stay under an
  exception);
* an emptied column holds NULL, or :data:`ERASED_MARKER` where the schema requires a value
  and the column holds text; a required column of another type cannot be emptied.

The steps run children before the rows they hang on (a SIM's usage before the SIM) and the
person's own row last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from varna.catalog.model import LINK_TARGETS, Catalog, LinkKind
from varna.domain.subjects.erasure import ALL_ROWS, TableAction, TablePlan

ERASED_MARKER = "[erased]"  # what a required text column holds once its content is erased
PEOPLE = LINK_TARGETS[LinkKind.PERSON]


@dataclass(frozen=True, slots=True)
class ColumnShape:
    """What the schema says of a column, as far as emptying it goes."""

    nullable: bool
    text: bool


@dataclass(frozen=True, slots=True)
class TableErasure:
    """What erasing rows of one table can change, fixed for a catalogue and a schema.

    ``empty``: each ``clear`` column that can be emptied -> the value it then holds (None for
    NULL); ``person_links``: the links to the person that anonymising cuts; ``firm_links``:
    the organisation links that may be empty, cut where they name the sole-trader firm;
    ``rank``: the table's place in the order of the steps."""

    table: str
    rank: int
    empty: Mapping[str, str | None]
    person_links: tuple[str, ...]
    firm_links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErasureStep:
    """One statement of an erasure: delete the person's rows of ``table`` (those ``rows``
    says, against ``cutoff``), or set ``values`` on them and cut ``firm_links`` where they
    name the person's sole-trader firm."""

    table: str
    delete: bool
    values: tuple[tuple[str, str | None], ...] = ()
    firm_links: tuple[str, ...] = ()
    rows: str = ALL_ROWS
    cutoff: date | None = None


def table_erasures(
    catalog: Catalog, schema: Mapping[str, Mapping[str, ColumnShape]]
) -> dict[str, TableErasure]:
    """For every catalogued table with personal data in ``schema`` (table -> column -> shape)."""
    names = [n for n, e in catalog.tables.items() if e.personal and n in schema]
    order = {name: rank for rank, name in enumerate(erasure_order(catalog, names))}
    found: dict[str, TableErasure] = {}
    for name in names:
        entry, columns = catalog.table(name), schema[name]
        clear = entry.erasure.clear if entry.erasure else ()
        empty = {c: _empty(columns[c]) for c in clear if _emptiable(columns[c])}
        person = tuple(
            link.column
            for link in entry.subject_link
            if link.kind is LinkKind.PERSON and link.column
        )
        firm = tuple(
            link.column
            for link in entry.subject_link
            if link.kind is LinkKind.ORGANISATION and link.column and columns[link.column].nullable
        )
        found[name] = TableErasure(name, order[name], empty, person, firm)
    return found


def erasure_order(catalog: Catalog, names: Sequence[str]) -> list[str]:
    """Children before the rows they point at (their ``via`` links); the people rows last."""

    def depth(name: str, seen: tuple[str, ...] = ()) -> int:
        children = [
            child
            for child in names
            if child not in seen
            and any(
                link.kind is LinkKind.VIA and link.to == name
                for link in catalog.table(child).subject_link
            )
        ]
        return 1 + max((depth(child, (*seen, name)) for child in children), default=0)

    return sorted(names, key=lambda name: (name == PEOPLE, depth(name), name))


def erasure_steps(
    plans: Iterable[TablePlan], tables: Mapping[str, TableErasure], *, sole_trader: bool
) -> tuple[ErasureStep, ...]:
    """The steps that apply ``plans``, in their order; ``sole_trader``: the person has a
    sole-trader firm whose links anonymising cuts."""
    steps: list[ErasureStep] = []
    for plan in sorted(plans, key=lambda plan: tables[plan.table].rank):
        step = _step(plan, tables[plan.table], sole_trader=sole_trader)
        if step is not None:
            steps.append(step)
    return tuple(steps)


def _step(plan: TablePlan, table: TableErasure, *, sole_trader: bool) -> ErasureStep | None:
    if plan.action is TableAction.NONE:
        return None
    if plan.action is TableAction.DELETE:
        return ErasureStep(plan.table, True, rows=plan.rows, cutoff=plan.cutoff)
    values: dict[str, str | None] = {}
    for column in plan.clear:
        if column not in table.empty:
            name = f"{plan.table}.{column}"
            raise ValueError(f"{name} is required and not text: it cannot be cleared")
        values[column] = table.empty[column]
    firms: tuple[str, ...] = ()
    if plan.action is TableAction.ANONYMISE:
        values.update(dict.fromkeys(table.person_links))
        firms = table.firm_links if sole_trader else ()
        values = {c: v for c, v in values.items() if c not in firms}
    if not values and not firms:
        return None
    return ErasureStep(plan.table, False, tuple(values.items()), firms, plan.rows, plan.cutoff)


def _emptiable(shape: ColumnShape) -> bool:
    return shape.nullable or shape.text


def _empty(shape: ColumnShape) -> str | None:
    return None if shape.nullable else ERASED_MARKER


__all__ = [
    "ERASED_MARKER",
    "ColumnShape",
    "ErasureStep",
    "TableErasure",
    "erasure_order",
    "erasure_steps",
    "table_erasures",
]
