"""The audit log: one row per state change, written in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from varna.adapters.db.tables import audit_events
from varna.services.ports import AuditEvent


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: AuditEvent, *, at: datetime) -> None:
        self._connection.execute(_INSERT, _row(event, at))

    def record_many(self, events: Iterable[AuditEvent], *, at: datetime) -> None:
        rows = [_row(event, at) for event in events]
        if rows:  # SQLAlchemy sends them as one multi-row INSERT, compiled once
            self._connection.execute(_INSERT, rows)


# One statement, its values bound per call: a statement built with ``.values(...)`` is new
# each time, and SQLAlchemy would compile a multi-row one afresh on every erasure.
_INSERT = insert(audit_events)


def _row(event: AuditEvent, at: datetime) -> dict[str, Any]:
    return {
        "at": at,
        "actor": str(event.actor),
        "action": str(event.action),
        "target": event.target,
        "details": dict(event.details),
    }
