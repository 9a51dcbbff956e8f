"""A clock a test sets and moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from varna.services.ports import Clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, Stockholm time 10:00


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock keeps timezone-aware times")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock keeps timezone-aware times")
        self._now = now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move on by ``delta`` or by ``timedelta(**parts)``; the new time."""
        self._now += delta if delta is not None else timedelta(**parts)
        return self._now


_: Clock = FakeClock()
