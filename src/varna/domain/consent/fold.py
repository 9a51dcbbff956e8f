"""The current consent state is a fold over the ledger's events (C7, D6).

A purpose is granted only when its last event is ``given`` and the notice version it was
given under still says the same about that purpose; consent under a notice whose text for the
purpose changed later counts as missing (R-POL-01)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from varna.domain.consent.events import ConsentEvent, EventKind


class Status(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    NEVER_ASKED = "never_asked"
    OUTDATED = "outdated_notice"  # given under a notice whose text has changed since


_STATUS = {
    EventKind.GIVEN: Status.GRANTED,
    EventKind.REFUSED: Status.REFUSED,
    EventKind.WITHDRAWN: Status.WITHDRAWN,
    EventKind.EXPIRED: Status.EXPIRED,
}


@dataclass(frozen=True, slots=True)
class ConsentState:
    purpose: str
    status: Status
    last_event: ConsentEvent | None
    given_at: datetime | None  # when the consent in force was given

    @property
    def granted(self) -> bool:
        return self.status is Status.GRANTED


# Whether consent given under ``notice_version`` still covers ``purpose`` in the current notice.
StillCurrent = Callable[[str, str], bool]
# Whether a consent to ``purpose`` given at the first time has lapsed by the second.
Lapsed = Callable[[str, datetime, datetime], bool]


def _always_current(_version: str, _purpose: str) -> bool:
    return True


def fold(
    events: Iterable[ConsentEvent],
    *,
    at: datetime | None = None,
    still_current: StillCurrent = _always_current,
    lapsed: Lapsed | None = None,
) -> dict[str, ConsentState]:
    """The state per purpose after ``events`` (ordered by time, then by ledger order); events
    later than ``at`` are ignored. With ``lapsed`` and ``at``, a consent older than its
    validity counts as expired even before the sweep has written its ``expired`` event."""
    ordered = sorted(enumerate(events), key=lambda item: (item[1].at, item[0]))
    last: dict[str, ConsentEvent] = {}
    given_at: dict[str, datetime | None] = {}
    for _, event in ordered:
        if at is not None and event.at > at:
            continue
        last[event.purpose] = event
        given_at[event.purpose] = event.at if event.kind is EventKind.GIVEN else None
    states: dict[str, ConsentState] = {}
    for purpose, event in last.items():
        status = _STATUS[event.kind]
        if status is Status.GRANTED and lapsed and at and lapsed(purpose, event.at, at):
            status = Status.EXPIRED
        if status is Status.GRANTED and not still_current(event.notice_version, purpose):
            status = Status.OUTDATED
        states[purpose] = ConsentState(purpose, status, event, given_at[purpose])
    return states


def current_state(states: Mapping[str, ConsentState], purpose: str) -> ConsentState:
    """The state of ``purpose``; never asked when the ledger holds nothing about it."""
    return states.get(purpose) or ConsentState(purpose, Status.NEVER_ASKED, None, None)
