"""The consent fold, notice versions and the age rule, without a database
(promises C4, C7, D6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from varna.domain.consent import (
    AgeNotConfirmed,
    Channel,
    ChildConsentRefused,
    ConsentEvent,
    ConsentSubject,
    EventKind,
    InvalidConsentSubject,
    Notice,
    NoticeItem,
    Status,
    check_age,
    current_state,
    fold,
)
from varna.domain.consent.expiry import ValidityPolicy, add_months
from varna.domain.errors import InputRefused

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
PERSON = ConsentSubject.person(7)


def event(
    kind: EventKind, at: datetime = T0, purpose: str = "newsletter", version: str = "v1"
) -> ConsentEvent:
    return ConsentEvent(PERSON, purpose, kind, version, "0" * 64, Channel.API, "sv", at)


def test_c7_nothing_is_granted_without_an_event() -> None:
    assert current_state(fold([]), "newsletter").status is Status.NEVER_ASKED


def test_d6_the_last_event_decides_and_a_withdrawal_stops_at_once() -> None:
    events = [event(EventKind.GIVEN), event(EventKind.WITHDRAWN, T0 + timedelta(seconds=1))]
    assert fold(events)["newsletter"].status is Status.WITHDRAWN
    assert fold(events, at=T0)["newsletter"].granted
    regiven = [*events, event(EventKind.GIVEN, T0 + timedelta(days=1))]
    state = fold(regiven)["newsletter"]
    assert state.granted and state.given_at == T0 + timedelta(days=1)


def test_c7_events_fold_by_time_then_ledger_order() -> None:
    late_import = [event(EventKind.GIVEN, T0 + timedelta(hours=1)), event(EventKind.REFUSED, T0)]
    assert fold(late_import)["newsletter"].granted
    same_time = [event(EventKind.GIVEN), event(EventKind.EXPIRED)]
    assert fold(same_time)["newsletter"].status is Status.EXPIRED


def test_c7_consent_under_a_changed_notice_counts_as_outdated() -> None:
    states = fold(
        [event(EventKind.GIVEN), event(EventKind.GIVEN, purpose="customer_surveys")],
        still_current=lambda version, purpose: purpose != "newsletter",
    )
    assert states["newsletter"].status is Status.OUTDATED and not states["newsletter"].granted
    assert states["customer_surveys"].granted


def notice(newsletter_en: str = "Newsletter: monthly.") -> Notice:
    return Notice(
        items=(
            NoticeItem("newsletter", {"sv": "Nyhetsbrev: varje månad.", "en": newsletter_en}),
            NoticeItem("customer_surveys", {"sv": "Kundundersökningar.", "en": "Surveys."}),
        ),
        preamble={"sv": "Samtycke per ändamål.", "en": "Consent per purpose."},
    )


def test_c7_notice_versions_follow_the_text_and_item_hashes_each_purpose() -> None:
    first, second = notice(), notice("Newsletter: weekly.")
    assert first.version == notice().version and first.version != second.version
    assert first.text_hash("sv") == second.text_hash("sv")
    assert first.text_hash("en") != second.text_hash("en")
    published = first.published()
    assert second.still_covers(published, "customer_surveys")
    assert not second.still_covers(published, "newsletter")
    assert not second.still_covers(published, "direct_marketing")


def test_subjects_are_a_person_or_a_well_formed_browser_id() -> None:
    assert ConsentSubject.browser("a" * 22).reference == "browser"
    for bad in ({}, {"person_id": 1, "browser_id": "a" * 22}, {"browser_id": "short"}):
        with pytest.raises(InvalidConsentSubject):
            ConsentSubject(**bad)  # type: ignore[arg-type]


TODAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("birth", "ok"),
    [(date(2013, 11, 1), True), (date(2013, 11, 2), False), (date(1980, 1, 1), True)],
)
def test_c4_thirteen_is_the_age_of_consent(birth: date, ok: bool) -> None:
    """C4 (R-CH-01): 13 on the day counts; a day younger is refused."""
    if ok:
        check_age(today=TODAY, confirmed=True, birth_date=birth)
    else:
        with pytest.raises(ChildConsentRefused):
            check_age(today=TODAY, confirmed=True, birth_date=birth)


def test_c4_a_personnummer_under_13_refuses_even_with_the_box_ticked() -> None:
    with pytest.raises(ChildConsentRefused) as refused:
        check_age(today=TODAY, confirmed=True, personnummer="20170515-2385")
    assert "2017" not in str(refused.value)  # no personal data in the message
    with pytest.raises(AgeNotConfirmed):
        check_age(today=TODAY, confirmed=False)
    check_age(today=TODAY, confirmed=True, personnummer="19800101-0001")


def test_C7_validity_periods_count_calendar_months_and_refuse_bad_settings() -> None:
    given = datetime(2024, 2, 29, 10, 0, tzinfo=UTC)
    policy = ValidityPolicy.of({"cookies.marketing": 3}, keys=("newsletter", "cookies.marketing"))
    assert policy.lapses_at("newsletter", given) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert policy.lapses_at("cookies.statistics", given) == datetime(2025, 2, 28, 10, 0, tzinfo=UTC)
    assert policy.lapses_at("cookies.marketing", given) == datetime(2024, 5, 29, 10, 0, tzinfo=UTC)
    assert add_months(datetime(2026, 3, 31, tzinfo=UTC), -1) == datetime(2026, 2, 28, tzinfo=UTC)
    day_before = datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert not policy.lapsed("newsletter", given, day_before)
    assert policy.lapsed("newsletter", given, datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    first_lapsed = {
        "newsletter": datetime(2026, 3, 1, tzinfo=UTC),
        "cookies.marketing": datetime(2024, 5, 29, 10, 0, tzinfo=UTC),
    }
    for key, as_of in first_lapsed.items():
        assert policy.lapsed(key, given, as_of) and policy.lapses_at(key, given) <= as_of
    events = [
        ConsentEvent(
            ConsentSubject.person(1),
            "newsletter",
            EventKind.GIVEN,
            "n-1",
            "h",
            Channel.API,
            "sv",
            given,
        )
    ]
    assert fold(events, at=day_before, lapsed=policy.lapsed)["newsletter"].granted
    later = fold(events, at=datetime(2026, 3, 2, tzinfo=UTC), lapsed=policy.lapsed)
    assert later["newsletter"].status is Status.EXPIRED  # before any sweep has run
    with pytest.raises(InputRefused, match="'contract'"):
        ValidityPolicy.of({"contract": 12}, keys=("newsletter",))
