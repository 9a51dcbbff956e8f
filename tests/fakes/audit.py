"""The audit log, kept in the transaction of the use case that writes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tests.fakes.transaction import FakeStore
from varna.services.ports import AuditEvent, AuditLog


@dataclass(frozen=True, slots=True)
class AuditEntry:
    event: AuditEvent
    at: datetime

    @property
    def action(self) -> str:
        return str(self.event.action)


class FakeAuditLog(FakeStore):
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, event: AuditEvent, *, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("audit times are timezone-aware")
        self.entries.append(AuditEntry(event, at))

    def record_many(self, events: Iterable[AuditEvent], *, at: datetime) -> None:
        for event in events:
            self.record(event, at=at)

    # -- for tests ----------------------------------------------------------------------
    def actions(self) -> list[str]:
        """The actions as their string values (an enum or a string alike), oldest first."""
        return [entry.action for entry in self.entries]

    def of(self, action: str) -> list[AuditEvent]:
        return [entry.event for entry in self.entries if entry.action == action]

    def one(self, action: str) -> AuditEvent:
        found = self.of(action)
        assert len(found) == 1, f"expected one {action!r} event, found {self.actions()}"
        return found[0]


_: AuditLog = FakeAuditLog()
