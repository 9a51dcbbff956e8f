"""The events of the consent ledger (C7): whose consent, when, and in which language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from varna.domain.consent import Channel, ConsentEvent, ConsentSubject, EventKind
from varna.domain.consent.events import InvalidConsentSubject


@pytest.mark.parametrize("browser_id", ["a" * 16, "A-z_09" * 10 + "abcd", "0" * 64])
def test_c7_a_browser_id_of_16_to_64_url_safe_characters(browser_id: str) -> None:
    assert ConsentSubject.browser(browser_id).reference == "browser"


@pytest.mark.parametrize(
    "browser_id", ["a" * 15, "a" * 65, "a" * 15 + "!", "a" * 15 + "\n", "å" * 16, "a" * 16 + "\n"]
)
def test_c7_any_other_browser_id_is_refused_without_repeating_it(browser_id: str) -> None:
    with pytest.raises(InvalidConsentSubject) as refused:
        ConsentSubject.browser(browser_id)
    assert browser_id.strip() not in str(refused.value)


def test_c7_the_audit_log_names_a_person_by_id_only() -> None:
    assert ConsentSubject.person(42).reference == "person:42"


@pytest.mark.parametrize(
    ("at", "language", "message"),
    [
        (datetime(2026, 3, 1, 12), "sv", "timezone-aware"),  # noqa: DTZ001
        (datetime(2026, 3, 1, 12, tzinfo=UTC), "de", "sv, en"),
    ],
)
def test_c7_an_event_carries_an_aware_time_and_a_language_shown(
    at: datetime, language: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ConsentEvent(
            ConsentSubject.person(1),
            "newsletter",
            EventKind.GIVEN,
            "n-1",
            "0" * 64,
            Channel.BANNER,
            language,
            at,
        )
