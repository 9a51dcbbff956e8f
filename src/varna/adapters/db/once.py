"""Rows written once per key: ``INSERT ... ON CONFLICT (key) DO NOTHING`` on the key's unique
index, one round trip instead of a read and a write. Two transactions queueing the same key at
once: the second waits for the first and then inserts nothing (a read first would let both
try, and the second fail on the unique index)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_once(
    connection: Connection, table: Table, key: Column[Any], values: Mapping[str, Any]
) -> bool:
    """Insert ``values`` unless a row with the same ``key`` exists; True when inserted."""
    name = connection.dialect.name
    statement = _STATEMENTS.get((name, table.name, key.name, tuple(values)))
    if statement is None:
        dialect = postgresql if name == "postgresql" else sqlite
        # RETURNING says whether a row went in (the row count is not reliable with it)
        statement = (
            dialect.insert(table)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(*table.primary_key)
        )
        _STATEMENTS[(name, table.name, key.name, tuple(values))] = statement
    return connection.execute(statement, dict(values)).first() is not None


# (dialect, table, key, columns given) -> the statement, built once and its values bound per
# call: SQLAlchemy finds the compiled form without building a new statement each time
_STATEMENTS: dict[tuple[str, str, str, tuple[str, ...]], Any] = {}


__all__ = ["insert_once"]
