"""The evidence vault's own end date and its one reader (R6)."""

from __future__ import annotations

from datetime import date

import pytest

from varna.domain.retention.vault import PRIVACY_OFFICER, may_read_vault, vault_end_date


def test_r6_ten_years_from_a_leap_day_end_on_the_last_day_of_february() -> None:
    assert vault_end_date(date(2028, 2, 29)) == date(2038, 2, 28)
    assert vault_end_date(date(2028, 2, 29), date(2038, 3, 1)) == date(2038, 2, 28)
    assert vault_end_date(date(2028, 2, 29), date(2038, 2, 28)) == date(2038, 2, 28)


@pytest.mark.parametrize("role", ["admin", "PRIVACY_OFFICER", "privacy_officer ", "", "support"])
def test_r6_only_the_privacy_officer_role_reads_the_vault(role: str) -> None:
    assert not may_read_vault(role)
    assert may_read_vault(PRIVACY_OFFICER)
