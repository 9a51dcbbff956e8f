"""The person's rows of one table, for an extract: the query, and a re-iterable stream of it
that reads through a server-side cursor in batches (``yield_per``), so that a subject with a
million usage records is written to the files without all of them in memory.

On PostgreSQL the server writes the timestamps as the ISO 8601 text the extract holds
(``2026-10-01T08:30:00+00:00``, the form ``datetime.isoformat`` gives for UTC): parsing them
into Python objects only to format them again was most of the cost of a large extract. A
whole second goes through the timestamp's own text output, faster than ``to_char``, which
writes only the rare fraction, with the six digits ``isoformat`` gives."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, Select, String, case, cast, func, select

from varna.adapters.db.subjects.plan import SubjectPlan
from varna.adapters.db.tables import metadata
from varna.adapters.db.types import UTCDateTime

BATCH = 10_000  # rows per fetch from the server-side cursor
ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US'


def rows_query(
    plan: SubjectPlan, connection: Connection, table: str, columns: Sequence[str]
) -> tuple[tuple[str, ...], Select[Any] | None]:
    """The selected columns (``id`` first: the record's key, the table's primary key, whatever
    its name) and the query of the person's rows, in the plan's order for the table; None
    when the table cannot hold any."""
    selected = ("id", *(c for c in columns if c != "id"))
    sql = plan.tables.get(table)
    if sql is None or sql.condition is None:
        return selected, None
    postgres = connection.dialect.name == "postgresql"
    values = [_value(sql.table.c[c], postgres) for c in selected[1:]]
    query = select(sql.key.label("id"), *values).where(sql.condition).order_by(*sql.order)
    return selected, query


def date_columns(connection: Connection, table: str, columns: Sequence[str]) -> frozenset[str]:
    """The columns among ``columns`` whose values a query of ``rows_query`` gives as dates or
    times: date columns, and timestamps except on PostgreSQL (which writes them as text).
    ``id``, the record's key, is not one."""
    postgres = connection.dialect.name == "postgresql"
    sql_table = metadata.tables[table]
    kinds: tuple[type, ...] = (Date, DateTime) if postgres else (Date, DateTime, UTCDateTime)
    return frozenset(c for c in columns if c != "id" and isinstance(sql_table.c[c].type, kinds))


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
    wrapping each in a ``Row`` would give back the same values at a cost."""
    result = connection.execute(query, params)
    dialect = connection.dialect
    plain = all(
        column.type.dialect_impl(dialect).result_processor(dialect, None) is None
        for column in query.selected_columns
    )
    if not plain:
        return list(result.all())
    try:  # a client-side cursor: SQLAlchemy holds back none of its rows
        return list(result.cursor.fetchall())
    finally:
        result.close()


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
