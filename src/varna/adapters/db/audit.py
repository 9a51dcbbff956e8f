"""The audit log: one row per state change, written in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from varna.adapters.db.tables import audit_events
from varna.services.ports import AuditEvent


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: AuditEvent, *, at: datetime) -> None:
        self._connection.execute(
            insert(audit_events).values(
                at=at,
                actor=event.actor,
                action=event.action,
                target=event.target,
                details=dict(event.details),
            )
        )
