"""Reads of the subject walk that ask many tables at once, in one round trip each: the ids a
lookup column matches in every table (UNION ALL), and the row counts of many conditions (one
row of scalar subqueries). The fixed cost of a request is then a handful of statements, not
one per catalogued table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, func, literal, null, select, union_all

from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.tables import metadata

# the conditions (the walk's, built once per shape) -> their count statement, their ids query
_COUNTS: dict[tuple[Any, ...], Any] = {}
_IDS: dict[tuple[Any, ...], Any] = {}


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


def count_where(
    connection: Connection,
    conditions: Sequence[tuple[str, Any]],
    params: Mapping[str, Any] | None = None,
    *,
    also: Any = None,
) -> tuple[list[int], Any]:
    """``count(*)`` of each (table, condition), as the columns of one row; ``params``: the
    values of the conditions' bind parameters. ``also``: one more scalar subquery read in
    the same row, its value returned second (None without it). The statement is kept for
    the next request with the same conditions: they must be the walk's, built once per
    shape, and ``also`` too."""
    if not conditions and also is None:
        return [], None
    key = (tuple(conditions), also)
    query = _COUNTS.get(key)
    if query is None:
        query = _COUNTS[key] = _counts(conditions, also)
    row = connection.execute(query, dict(params or {})).one()
    counts = [int(value) for value in row[: len(conditions)]]
    return counts, (row[-1] if also is not None else None)


def _ids(conditions: Sequence[tuple[str, ColumnElement[bool]]], owners: Mapping[str, str]) -> Any:
    parts = [
        select(
            literal(index).label("k"),
            key_of(metadata.tables[name]),
            (metadata.tables[name].c[owners[name]] if name in owners
             else null().cast(Integer)).label("owner"),
        ).where(condition)
        for index, (name, condition) in enumerate(conditions)
    ]  # fmt: skip
    return union_all(*parts) if len(parts) > 1 else parts[0]


def _counts(conditions: Sequence[tuple[str, Any]], also: Any) -> Any:
    columns = [
        select(func.count())
        .select_from(metadata.tables[name])
        .where(condition)
        .scalar_subquery()
        .label(f"c{index}")
        for index, (name, condition) in enumerate(conditions)
    ]
    return select(*columns, *([also.label("also")] if also is not None else []))


__all__ = ["count_where", "ids_where"]
