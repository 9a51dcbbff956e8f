"""How the subject engine names one row of a table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table


def key_of(table: Table) -> Column[Any]:
    """The column that names one row of ``table``: its primary key (``id`` in most tables;
    the token's hash in ``privacy_center_links`` and ``unsubscribe_tokens``). The engine
    reads, orders and names a record by it, never by a column it assumes is there."""
    columns = list(table.primary_key.columns)
    if len(columns) != 1:
        raise ValueError(f"{table.name}: the subject engine needs a one-column primary key")
    return columns[0]


__all__ = ["key_of"]
