"""Pure rules: an erasure plan per bookkeeping period (R4) and the texts of the notices
(Art. 19, Art. 18(3), A3), without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from varna.catalog import load_catalog
from varna.domain.notices import (
    Disclosure,
    Notice,
    Sender,
    controller_message,
    person_message,
    recipient_message,
)
from varna.domain.subjects.erasure import ENDED, RUNNING, ErasureContext, by_category, plan_table

CATALOG = load_catalog()
SENDER = Sender(
    "Exempelbolaget AB", "dpo@example.com", "Integritetsskyddsmyndigheten", "https://www.imy.se"
)
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def context(today: date, starts: dict[date | None, int]) -> ErasureContext:
    return ErasureContext(
        today=today,
        running_contract=False,
        holds=(),
        clocks={"invoices": max(s for s in starts if s)},
        clock_rows={"invoices": starts},
    )


def test_r4_rows_whose_own_period_ended_get_their_own_plan() -> None:
    """R4: on 2026-12-01 the 2017 invoice (kept until 2024-12-31) is anonymised; 2019's
    (until 2026-12-31) and 2024's (until 2031-12-31) stay, counted per date."""
    starts: dict[date | None, int] = {
        date(2017, 12, 31): 1,
        date(2019, 12, 31): 2,
        date(2024, 12, 31): 1,
    }
    ended, running = plan_table(
        CATALOG, CATALOG.table("invoices"), context(date(2026, 12, 1), starts)
    )
    assert (ended.rows, ended.cutoff, ended.action, ended.records) == (
        ENDED,
        date(2017, 12, 31),
        "anonymise",
        1,
    )
    assert running.rows == RUNNING and running.action in ("clear", "none")
    assert running.kept_until == ((date(2026, 12, 31), 2), (date(2031, 12, 31), 1))
    kept = [c for c in by_category((ended, running)) if c.outcome.value == "kept"]
    assert kept and all(c.until == date(2031, 12, 31) and c.records == 3 for c in kept)


def test_r4_one_plan_when_every_row_is_on_the_same_side() -> None:
    """All kept (2024, 2025 on 2026-12-01): one plan, the latest date, records per date."""
    starts: dict[date | None, int] = {date(2024, 12, 31): 1, date(2025, 12, 31): 2}
    (only,) = plan_table(CATALOG, CATALOG.table("invoices"), context(date(2026, 12, 1), starts))
    assert only.rows == "all" and only.records == 3
    assert only.kept_until == ((date(2031, 12, 31), 1), (date(2032, 12, 31), 2))
    assert all(d.until == date(2032, 12, 31) for d in only.decisions if d.outcome.value == "kept")


def notice(kind: str, **details: object) -> Notice:
    return Notice(7, kind, "credit_reference_agency", 1, 2, details, AT)


def test_d4_an_art19_notice_names_the_disclosure_and_not_the_person() -> None:
    sent = [Disclosure(AT, "KU-2026-0042", ("name", "national_id"))]
    message = recipient_message(notice("art19_erasure"), sent, SENDER)
    assert "VARNA-N-7" in message.subject and "KU-2026-0042" in message.body
    assert "2026-12-01" in message.body and "national_id" in message.body
    rectified = recipient_message(notice("art19_rectification", column="phone"), sent, SENDER)
    assert "Corrected field: phone" in rectified.body


def test_d3_the_person_is_told_with_imy_and_the_controller_by_iccid() -> None:
    lifted = person_message(notice("restriction_lifted"), SENDER)
    assert "Integritetsskyddsmyndigheten" in lifted.body and "https://www.imy.se" in lifted.body
    routed = controller_message(
        notice("controller_erasure_request"), ["8946999000000009000"], SENDER
    )
    assert "8946999000000009000" in routed.body and "(A3)" in routed.subject
