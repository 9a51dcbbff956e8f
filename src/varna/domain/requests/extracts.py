"""What an answered access request keeps of its extract (R1, D1). The extract waits in the
request's outcome only for its download link: once the person has it, or the link has
expired unused, the copy goes and a summary without personal data stays (how many rows of
each category were handed over). The request record itself is kept for ten years as proof of
the answer; the traffic and location data in the extract must not be kept with it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

EXTRACT = "extract"
SUMMARY = "extract_summary"
DOWNLOADED = "downloaded"
LINK_EXPIRED = "link_expired"
DELETED = "deleted_by_person"  # the "Delete my copy now" button of the answer page


def summary(extract: Mapping[str, Any], *, released: str, at: datetime) -> dict[str, Any]:
    """The extract's schema and row counts per category: nothing that names the person."""
    data: Mapping[str, Any] = extract.get("data") or {}
    return {
        "released": released,
        "at": at.isoformat(),
        "schema": extract.get("schema"),
        "rows": {
            category: sum(len(block.get("rows", ())) for block in blocks)
            for category, blocks in data.items()
        },
    }


def without_extract(
    outcome: Mapping[str, Any] | None, *, released: str, at: datetime
) -> dict[str, Any] | None:
    """The outcome with its extract replaced by the summary; None when it holds none."""
    if not outcome or outcome.get(EXTRACT) is None:
        return None
    kept = {key: value for key, value in outcome.items() if key != EXTRACT}
    return {**kept, SUMMARY: summary(outcome[EXTRACT], released=released, at=at)}
