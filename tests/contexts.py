"""Service contexts for the integration tests: the test's container read at a fixed time or
by a clock of the test's own, so a use case runs as of the moment the test says."""

from __future__ import annotations

from datetime import datetime

from varna.bootstrap import Container
from varna.services.ports import Clock


class At:
    """A clock that always says ``moment``."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def at(container: Container, moment: datetime) -> Container:
    """``container`` (its database, catalogue and secret) with the clock stopped at ``moment``."""
    return container.with_clock(At(moment))


def by(container: Container, clock: Clock) -> Container:
    """``container`` read by ``clock``."""
    return container.with_clock(clock)
