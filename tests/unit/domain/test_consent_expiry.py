"""How long a consent lasts (C7): calendar months clamped to month ends, the cut-off the gate
and the sweep share, and the settings that change a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from varna.domain.consent.expiry import COOKIE_MONTHS, PURPOSE_MONTHS, ValidityPolicy, add_months
from varna.domain.errors import InputRefused

KEYS = ("newsletter", "customer_surveys", "cookies.marketing", "cookies.statistics")
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 1, 31, 23, 59, tzinfo=UTC), 1, datetime(2026, 2, 28, 23, 59, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), -1, datetime(2025, 12, 15, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), -13, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2026, 12, 31, tzinfo=UTC), 2, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2027, 2, 28, tzinfo=UTC), 12, datetime(2028, 2, 28, tzinfo=UTC)),
    ],
)
def test_c7_months_are_calendar_months_across_years(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert add_months(moment, months) == expected


def test_c7_the_defaults_two_years_for_purposes_one_for_cookies() -> None:
    policy = ValidityPolicy()
    assert policy.months_for("newsletter") == PURPOSE_MONTHS == 24
    assert policy.months_for("cookies.marketing") == COOKIE_MONTHS == 12
    assert policy.months_for("cookiesmarketing") == PURPOSE_MONTHS  # only the prefix counts


@given(given_at=MOMENTS, key=st.sampled_from(KEYS))
def test_c7_a_consent_has_lapsed_from_the_moment_it_lapses(given_at: datetime, key: str) -> None:
    """C7: the gate's cut-off and the sweep's ``expired`` event agree: not lapsed a second
    before ``lapses_at``, lapsed from it on."""
    policy = ValidityPolicy.of({"cookies.marketing": 6}, keys=KEYS)
    lapses = policy.lapses_at(key, given_at)
    assert policy.lapsed(key, given_at, lapses + timedelta(days=3))
    assert not policy.lapsed(key, given_at, lapses - timedelta(days=4))


def test_c7_a_consent_given_on_31_january_lapses_at_the_month_end() -> None:
    policy = ValidityPolicy.of({"newsletter": 1}, keys=KEYS)
    given_at = datetime(2026, 1, 31, 9, tzinfo=UTC)
    assert policy.lapses_at("newsletter", given_at) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert not policy.lapsed("newsletter", given_at, datetime(2026, 2, 28, 8, 59, tzinfo=UTC))
    assert policy.lapsed("newsletter", given_at, datetime(2026, 3, 31, 9, tzinfo=UTC))


@pytest.mark.parametrize("months", [0, -1, 1.5, "12"])
def test_c7_a_period_must_be_whole_months_and_the_error_names_the_key(months: object) -> None:
    with pytest.raises(InputRefused, match="'newsletter'") as refused:
        ValidityPolicy.of({"newsletter": months}, keys=KEYS)  # type: ignore[dict-item]
    assert refused.value.field == "consent_validity_months"


def test_c7_overrides_do_not_leak_between_policies() -> None:
    overrides = {"newsletter": 3}
    policy = ValidityPolicy.of(overrides, keys=KEYS)
    overrides["newsletter"] = 48
    assert policy.months_for("newsletter") == 3
    assert ValidityPolicy().months_for("newsletter") == PURPOSE_MONTHS
