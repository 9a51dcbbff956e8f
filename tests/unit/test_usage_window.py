"""The fast path of the usage CSV reader takes a line only when its timestamps lie in the
window, exactly as the careful path does (P3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from varna.domain.errors import InputRefused
from varna.domain.usage import CSV_COLUMNS, UsageWindow
from varna.domain.usage_csv import UsageCsvReader

ICCID = "89469900000000000017"


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 12, 7, 15, 40, 3), datetime(2026, 12, 31, 23, 30), datetime(2030, 2, 28, 9)],  # noqa: DTZ001
)
def test_p3_fast_and_careful_paths_agree_at_the_edges_of_the_window(now: datetime) -> None:
    """P3: every second-ish step from two days before to two days after each bound."""
    window = UsageWindow.at(now)
    reader = UsageCsvReader(",".join(CSV_COLUMNS), {ICCID: "1"}, window)
    for bound in (window.earliest, window.latest):
        for step in range(-2 * 86_400, 2 * 86_400, 61):
            stamp = (bound + timedelta(seconds=step)).isoformat(sep=" ")
            line = f"1,{ICCID},{stamp},{stamp},1,1,240,01,,,,data"
            try:
                next(iter(reader.rows([line])))
                careful = True
            except InputRefused:
                careful = False
            fast = reader.canonical_block(line + "\n")
            assert (
                fast
                == careful
                == (window.earliest <= bound + timedelta(seconds=step) <= window.latest)
            ), stamp
