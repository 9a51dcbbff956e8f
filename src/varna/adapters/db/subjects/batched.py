"""Reads of the subject walk that ask many tables at once, in one round trip each: the ids a
lookup column matches in every table (UNION ALL), and the row counts of many conditions (one
row of scalar subqueries). The fixed cost of a request is then a handful of statements, not
one per catalogued table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.visitors import ExternallyTraversible, replacement_traverse

from varna.adapters.db.tables import metadata

# the conditions (the walk's, built once per shape) -> their count statement, their ids query
_COUNTS: dict[tuple[tuple[str, Any], ...], Any] = {}
_IDS: dict[tuple[Any, ...], Any] = {}
_IDS_COUNTS: dict[tuple[Any, ...], Any] = {}
_NO_OPTIONS: dict[str, Any] = {}


def ids_where(
    connection: Connection,
    conditions: Sequence[tuple[str, ColumnElement[bool]]],
    *,
    owners: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[list[list[int]], list[dict[int, Any]]]:
    """The sorted ids of the rows matching each (table, condition), in the same order, and
    for tables named in ``owners`` (table -> an integer column) that column of each row:
    a SIM's customer read with the SIM. The statement is kept for the next request with the
    same conditions (the walk's, built once per shape), as ``count_where``'s is."""
    owners = owners or {}
    found: list[list[int]] = [[] for _ in conditions]
    owned: list[dict[int, Any]] = [{} for _ in conditions]
    if not conditions:
        return found, owned
    key = (tuple(conditions), tuple(sorted(owners.items())))
    query = _IDS.get(key)
    if query is None:
        query = _IDS[key] = _ids(conditions, owners)
    for index, row_id, owner in connection.execute(query, dict(params or {})):
        found[index].append(row_id)
        owned[index][row_id] = owner
    for ids in found:
        ids.sort()
    return found, owned


def ids_and_counts(
    connection: Connection,
    targets: Sequence[tuple[str, ColumnElement[bool]]],
    counts: Sequence[tuple[str, ColumnElement[bool]]],
    *,
    owners: Mapping[str, str],
    also: Sequence[tuple[str, ColumnElement[bool]]],
    keys: Mapping[str, str],
    params: Mapping[str, Any],
) -> tuple[list[list[int]], list[dict[int, Any]], list[int]]:
    """``ids_where`` of ``targets`` and ``also``, and ``count_where`` of ``counts``, in one
    statement (PostgreSQL). The counts' conditions name a target's rows by the array bound
    as ``keys[target]``; here that array is the target's rows themselves, a CTE read once.
    Kept per shape, as the others are."""
    key = (
        tuple((name, id(where)) for name, where in targets),
        tuple((name, id(where)) for name, where in counts),
        tuple((name, id(where)) for name, where in also),
        tuple(sorted(owners.items())),
    )
    query = _IDS_COUNTS.get(key)
    if query is None:
        query = _IDS_COUNTS[key] = _ids_counts(targets, counts, owners, also, keys)
    rows = list(connection.execute(query, dict(params)))
    found: list[list[int]] = [[] for _ in (*targets, *also)]
    owned: list[dict[int, Any]] = [{} for _ in (*targets, *also)]
    counted = [0] * len(counts)
    for index, value, owner in rows:
        if index < 0:
            counted[-1 - index] = int(value)
        else:
            found[index].append(value)
            owned[index][value] = owner
    for ids in found:
        ids.sort()
    return found, owned, counted


def _ids_counts(
    targets: Sequence[tuple[str, ColumnElement[bool]]],
    counts: Sequence[tuple[str, ColumnElement[bool]]],
    owners: Mapping[str, str],
    also: Sequence[tuple[str, ColumnElement[bool]]],
    keys: Mapping[str, str],
) -> Any:
    ctes: dict[str, Any] = {}
    for name, condition in targets:
        table = metadata.tables[name]
        owner = table.c[owners[name]] if name in owners else null().cast(Integer)
        ctes[name] = (
            select(table.c.id.label("id"), owner.label("owner")).where(condition).cte(f"t_{name}")
        )
    arrays = {keys[name]: func.array(select(cte.c.id).scalar_subquery())
              for name, cte in ctes.items()}  # fmt: skip

    def by_rows(element: ExternallyTraversible, **_: Any) -> ExternallyTraversible | None:
        if isinstance(element, BindParameter) and element.key in arrays:
            return arrays[element.key]
        return None

    parts: list[Any] = [select(literal(i).label("k"), cte.c.id, cte.c.owner)
                        for i, cte in enumerate(ctes.values())]  # fmt: skip
    parts += [
        select(literal(len(ctes) + i), metadata.tables[name].c.id, null().cast(Integer)).where(
            condition
        )
        for i, (name, condition) in enumerate(also)
    ]
    parts += [
        select(
            literal(-1 - i),
            select(func.count()).select_from(metadata.tables[name])
            .where(replacement_traverse(condition, _NO_OPTIONS, by_rows)).scalar_subquery(),
            null().cast(Integer),
        )
        for i, (name, condition) in enumerate(counts)
    ]  # fmt: skip
    return union_all(*parts) if len(parts) > 1 else parts[0]


def count_where(
    connection: Connection,
    conditions: Sequence[tuple[str, Any]],
    params: Mapping[str, Any] | None = None,
) -> list[int]:
    """``count(*)`` of each (table, condition), as the columns of one row; ``params``: the
    values of the conditions' bind parameters. The statement is kept for the next request
    with the same conditions: they must be the walk's, built once per shape."""
    if not conditions:
        return []
    key = tuple(conditions)
    query = _COUNTS.get(key)
    if query is None:
        query = _COUNTS[key] = _counts(conditions)
    return [int(value) for value in connection.execute(query, dict(params or {})).one()]


def _ids(conditions: Sequence[tuple[str, ColumnElement[bool]]], owners: Mapping[str, str]) -> Any:
    parts = [
        select(
            literal(index).label("k"),
            metadata.tables[name].c.id,
            (metadata.tables[name].c[owners[name]] if name in owners
             else null().cast(Integer)).label("owner"),
        ).where(condition)
        for index, (name, condition) in enumerate(conditions)
    ]  # fmt: skip
    return union_all(*parts) if len(parts) > 1 else parts[0]


def _counts(conditions: Sequence[tuple[str, Any]]) -> Any:
    return select(
        *(
            select(func.count())
            .select_from(metadata.tables[name])
            .where(condition)
            .scalar_subquery()
            .label(f"c{index}")
            for index, (name, condition) in enumerate(conditions)
        )
    )


__all__ = ["count_where", "ids_and_counts", "ids_where"]
