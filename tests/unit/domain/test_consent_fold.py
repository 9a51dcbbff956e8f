"""The consent state as a fold over the ledger (C7, D6): ordering, the moment it is read at,
lapsed consents, and changed notices."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from varna.domain.consent import (
    Channel,
    ConsentEvent,
    ConsentSubject,
    EventKind,
    Status,
    current_state,
    fold,
)

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
PERSON = ConsentSubject.person(7)


def event(kind: EventKind, at: datetime = T0, purpose: str = "newsletter") -> ConsentEvent:
    return ConsentEvent(PERSON, purpose, kind, "n-1", "0" * 64, Channel.API, "sv", at)


def never_current(_version: str, _purpose: str) -> bool:
    return False


def lapsed_after_a_day(_purpose: str, given_at: datetime, as_of: datetime) -> bool:
    return as_of - given_at >= timedelta(days=1)


def test_d6_a_withdrawal_at_the_same_moment_as_the_consent_wins_when_recorded_later() -> None:
    """D6: two events at one instant fold in ledger order; the later decision counts."""
    assert fold([event(EventKind.GIVEN), event(EventKind.WITHDRAWN)])["newsletter"].status is (
        Status.WITHDRAWN
    )
    assert fold([event(EventKind.WITHDRAWN), event(EventKind.GIVEN)])["newsletter"].granted


def test_c7_reading_at_a_moment_ignores_later_events_but_not_ones_at_that_moment() -> None:
    events = [event(EventKind.GIVEN), event(EventKind.WITHDRAWN, T0 + timedelta(hours=1))]
    assert fold(events, at=T0)["newsletter"].granted
    assert fold(events, at=T0 + timedelta(hours=1))["newsletter"].status is Status.WITHDRAWN
    assert fold(events, at=T0 - timedelta(seconds=1)) == {}


def test_c7_after_a_withdrawal_no_consent_is_in_force() -> None:
    state = fold([event(EventKind.GIVEN), event(EventKind.WITHDRAWN, T0 + timedelta(1))])
    assert state["newsletter"].given_at is None
    assert state["newsletter"].last_event == event(EventKind.WITHDRAWN, T0 + timedelta(1))


def test_c7_a_lapsed_consent_counts_as_expired_only_when_read_at_a_moment() -> None:
    """C7: the validity is judged at ``at``; without a moment the ledger's events decide."""
    events = [event(EventKind.GIVEN)]
    assert fold(events, lapsed=lapsed_after_a_day)["newsletter"].granted
    read_later = fold(events, at=T0 + timedelta(days=1), lapsed=lapsed_after_a_day)
    assert read_later["newsletter"].status is Status.EXPIRED
    assert read_later["newsletter"].given_at == T0
    still = fold(events, at=T0 + timedelta(hours=23), lapsed=lapsed_after_a_day)
    assert still["newsletter"].granted


def test_c7_a_lapsed_consent_under_a_changed_notice_is_outdated_not_granted() -> None:
    """C7: neither status grants; a refusal or withdrawal is never turned into another."""
    events = [event(EventKind.GIVEN), event(EventKind.REFUSED, purpose="customer_surveys")]
    states = fold(events, at=T0, still_current=never_current)
    assert states["newsletter"].status is Status.OUTDATED
    assert states["customer_surveys"].status is Status.REFUSED
    lapsed = fold(
        events, at=T0 + timedelta(days=2), still_current=never_current, lapsed=lapsed_after_a_day
    )
    assert lapsed["newsletter"].status is Status.EXPIRED


def test_c7_purposes_fold_independently() -> None:
    states = fold([event(EventKind.GIVEN), event(EventKind.WITHDRAWN, purpose="surveys")])
    assert states["newsletter"].granted
    assert states["surveys"].status is Status.WITHDRAWN
    assert current_state(states, "profiling").status is Status.NEVER_ASKED
    assert current_state(states, "profiling").last_event is None


KINDS = st.sampled_from(list(EventKind))


@given(
    history=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), KINDS),
        min_size=1,
        max_size=8,
        unique_by=lambda item: item[0],
    ),
    order=st.randoms(use_true_random=False),
)
def test_c7_the_state_does_not_depend_on_the_order_the_ledger_returns_events(
    history: list[tuple[int, EventKind]], order: random.Random
) -> None:
    """C7: with distinct times the latest event decides, however the rows were read."""
    events = [event(kind, T0 + timedelta(minutes=minute)) for minute, kind in history]
    shuffled = list(events)
    order.shuffle(shuffled)
    latest = max(history)[1]
    assert fold(shuffled) == fold(events)
    assert fold(shuffled)["newsletter"].last_event == event(
        latest, T0 + timedelta(minutes=max(history)[0])
    )
