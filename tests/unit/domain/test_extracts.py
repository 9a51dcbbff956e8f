"""What an answered access request keeps of its extract (R1, D1): once downloaded or
expired, the copy goes and a summary without personal data stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from varna.domain.requests.extracts import DOWNLOADED, EXTRACT, SUMMARY, without_extract

AT = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
EXTRACT_DATA = {
    "schema": "varna.extract/v1",
    "data": {
        "contact": [{"rows": [{"email": "anna@example.com"}, {"email": "a.s@example.com"}]}],
        "usage": [{"rows": [{"cell_id": 4711}]}, {"rows": []}, {"rows": [{"cell_id": 815}]}],
        "tickets": [],
    },
}


def test_r1_the_summary_counts_rows_per_category_and_names_no_one() -> None:
    """R1, D1: the rows of every block of a category are counted; no value of them stays."""
    outcome = {"files": 2, EXTRACT: EXTRACT_DATA}
    kept = without_extract(outcome, released=DOWNLOADED, at=AT)
    assert kept == {
        "files": 2,
        SUMMARY: {
            "released": DOWNLOADED,
            "at": "2026-06-01T08:30:00+00:00",
            "schema": "varna.extract/v1",
            "rows": {"contact": 2, "usage": 2, "tickets": 0},
        },
    }
    text = json.dumps(kept)
    assert "example.com" not in text and "4711" not in text
    assert EXTRACT in outcome  # the caller's outcome is not changed in place


def test_d1_an_outcome_without_an_extract_is_left_alone() -> None:
    assert without_extract(None, released=DOWNLOADED, at=AT) is None
    assert without_extract({}, released=DOWNLOADED, at=AT) is None
    assert without_extract({"files": 1}, released=DOWNLOADED, at=AT) is None
    assert without_extract({EXTRACT: None}, released=DOWNLOADED, at=AT) is None


def test_d1_an_extract_without_data_is_summarised_as_empty() -> None:
    kept = without_extract({EXTRACT: {"schema": "s"}}, released="link_expired", at=AT)
    assert kept is not None and kept[SUMMARY]["rows"] == {}
