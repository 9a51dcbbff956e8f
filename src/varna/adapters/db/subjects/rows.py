"""The person's rows of one table, for an extract: the query, and a re-iterable stream of it
that reads through a server-side cursor in batches (``yield_per``), so that a subject with a
million usage records is written to the files without all of them in memory.

On PostgreSQL the server writes the timestamps as the ISO 8601 text the extract holds
(``2026-10-01T08:30:00+00:00``, the form ``datetime.isoformat`` gives for UTC): parsing them
into Python objects only to format them again was most of the cost of a large extract. A
whole second (every usage record's) goes through the timestamp's own text output, which is
about three times as fast as ``to_char``; ``to_char`` writes only the rare fraction, with the
six digits ``isoformat`` gives."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Select,
    String,
    case,
    cast,
    func,
    select,
)

from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.subjects.walker import Walk
from varna.adapters.db.tables import metadata
from varna.adapters.db.types import UTCDateTime
from varna.catalog.model import LinkKind

BATCH = 10_000  # rows per fetch from the server-side cursor
ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US'

# (table, columns, dialect, the walk's condition, built once per shape) -> the query
_QUERIES: dict[tuple[Any, ...], Select[Any]] = {}
# (dialect, query) -> True when no selected column needs SQLAlchemy's result processing
_PLAIN: dict[tuple[str, Select[Any]], bool] = {}


def rows_query(
    connection: Connection, walk: Walk, table: str, columns: Sequence[str]
) -> tuple[tuple[str, ...], Select[Any] | None]:
    """The selected columns (``id`` first: the record's key, the table's primary key, whatever
    its name) and the query of the person's rows (ordered as ``_order`` says); None when the
    table cannot hold any."""
    selected = ("id", *(c for c in columns if c != "id"))
    condition = walk.condition(table)
    if condition is None:
        return selected, None
    postgres = connection.dialect.name == "postgresql"
    key = (table, selected, postgres, condition)
    if key not in _QUERIES:
        sql_table = metadata.tables[table]
        record = key_of(sql_table)
        values = [_value(sql_table.c[c], postgres) for c in selected[1:]]
        query = select(record.label("id"), *values).where(condition)
        _QUERIES[key] = query.order_by(*_order(walk, table))
    return selected, _QUERIES[key]


def date_columns(connection: Connection, table: str, columns: Sequence[str]) -> frozenset[str]:
    """The columns among ``columns`` whose values a query of ``rows_query`` gives as dates or
    times: date columns, and timestamps except on PostgreSQL (which writes them as text).
    ``id``, the record's key, is not one."""
    postgres = connection.dialect.name == "postgresql"
    sql_table = metadata.tables[table]
    kinds: tuple[type, ...] = (Date, DateTime) if postgres else (Date, DateTime, UTCDateTime)
    return frozenset(c for c in columns if c != "id" and isinstance(sql_table.c[c].type, kinds))


def _order(walk: Walk, table: str) -> tuple[Column[Any], ...]:
    """Rows reached through a ``via`` link come grouped by the row they hang on (a SIM's usage
    together), in the order of the index that finds them: by an index that leads with the
    link and has more columns (usage by SIM and start), the rows come in its order and the
    server sorts nothing, not even a million of them (ordering a SIM's usage by id as well
    doubled the server's work for 2,500 rows); otherwise by the link, then by id. Other rows
    come by id."""
    sql_table = metadata.tables[table]
    via = next(
        (link.column for link in walk.entry(table).subject_link
         if link.kind is LinkKind.VIA and link.column),
        None,
    )  # fmt: skip
    key = key_of(sql_table)
    if via is None:
        return (key,)
    for index in sorted(sql_table.indexes, key=lambda index: index.name or ""):
        columns = [c for c in index.columns if isinstance(c, Column)]
        if len(columns) > 1 and columns[0].name == via:
            return tuple(columns)
    return (sql_table.c[via], key)


def _value(column: Column[Any], postgres: bool) -> Any:
    if not (postgres and isinstance(column.type, UTCDateTime)):
        return column
    utc = func.timezone("UTC", column)
    whole = func.replace(cast(utc, String), " ", "T", type_=String)
    fraction = func.to_char(utc, ISO_UTC, type_=String)
    text = case((func.date_trunc("second", utc) == utc, whole), else_=fraction)
    return (text + "+00:00").label(column.name)


def fetch_rows(connection: Connection, query: Select[Any], params: dict[str, Any]) -> list[Any]:
    """Every row of ``query``, fetched in one go (row-by-row iteration costs a driver call
    per row). Where no selected column needs SQLAlchemy's result processing (integers, text,
    the timestamps the server already wrote as text), the rows are the driver's own tuples:
    wrapping each in a ``Row`` gave back the same values and cost a third of the fetch."""
    result = connection.execute(query, params)
    if not _plain(connection, query):
        return list(result.all())
    try:  # a client-side cursor: SQLAlchemy holds back none of its rows
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _plain(connection: Connection, query: Select[Any]) -> bool:
    dialect = connection.dialect
    key = (dialect.name, query)
    if key not in _PLAIN:
        _PLAIN[key] = all(
            column.type.dialect_impl(dialect).result_processor(dialect, None) is None
            for column in query.selected_columns
        )
    return _PLAIN[key]


class StreamedQuery:
    """Runs the query each time it is iterated and yields its rows batch by batch; the
    cursor is closed when the iteration ends or is abandoned."""

    def __init__(
        self, connection: Connection, query: Select[Any], params: dict[str, Any] | None = None
    ) -> None:
        self._connection = connection
        self._query = query.execution_options(yield_per=BATCH)
        self._params = params or {}

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        result = self._connection.execute(self._query, self._params)
        try:
            for batch in result.partitions():
                yield from batch
        finally:
            result.close()


__all__ = ["BATCH", "StreamedQuery", "date_columns", "fetch_rows", "rows_query"]
