"""Row counts per table, for the start page, the demo summary and health checks."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from varna.adapters.db.tables import metadata


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for name, table in metadata.tables.items()
    }
