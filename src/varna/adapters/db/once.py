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
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table).values(dict(values)).on_conflict_do_nothing(index_elements=[key])
    )
    # RETURNING says whether a row went in (the row count is not reliable with it)
    return connection.execute(statement.returning(*table.primary_key)).first() is not None


__all__ = ["insert_once"]
