"""R4, D4: on erasure each accounting record is judged by its own fiscal year. Invoices (and
their payments and lines) whose bookkeeping period has ended are anonymised now; the others are
kept under the bookkeeping exception, and the answer says until when and how many per date.
Fiscal year = calendar year: kept until 31 December of the seventh year after its end
(docs/legal.md R-RET-03). On SQLite and PostgreSQL; the clock is passed explicitly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.test_retention import sweep
from tests.retention_factories import add_customer, add_hold
from tests.retention_factories import add_invoice as add_retention_invoice
from tests.subject_factories import World, add_invoice, build_world, subject_context
from varna.adapters.db.tables import evidence_vault, invoices, payments
from varna.bootstrap import Container
from varna.domain.subjects.erasure import CategoryOutcome
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.subjects.erase import EraseCommand, EraseResult, erase_subject
from varna.services.subjects.find import FindResult, find_subject

SECRET = b"test-secret"
DEC_1_2026 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def person(world: World) -> SubjectKey:
    return normalise("person_id", str(world.anna_id))


def erase(container: Container, key: SubjectKey, at: datetime, **options: Any) -> EraseResult:
    return erase_subject(
        subject_context(container, clock=At(at), secret=SECRET),
        EraseCommand((key,), **options),
        actor="test",
    )


def find(container: Container, key: SubjectKey, at: datetime) -> FindResult:
    return find_subject(
        subject_context(container, clock=At(at), secret=SECRET), (key,), actor="test"
    )


@pytest.fixture
def world(container: Container) -> World:
    """Anna's company invoices of 2017, 2019 and 2024 besides the world's 2025 one."""
    built = build_world(container)
    for year in (2017, 2019, 2024):
        add_invoice(
            container,
            organisation_id=built.company_id,
            person_id=built.anna_id,
            fiscal_year=year,
            number=f"F-{year}-0001",
        )
    return built


def line(result: EraseResult, category: str, outcome: str) -> CategoryOutcome:
    return next(c for c in result.categories if (c.category, c.outcome) == (category, outcome))


def by_year(container: Container) -> dict[int, Any]:
    with container.engine.connect() as conn:
        query = select(
            invoices.c.fiscal_year,
            invoices.c.contact_person_id,
            invoices.c.billing_address,
            payments.c.card_token,
            payments.c.amount_ore,
        ).join(payments, payments.c.invoice_id == invoices.c.id)
        return {row.fiscal_year: row for row in conn.execute(query)}


def test_r4_d4_each_invoice_is_judged_by_its_own_fiscal_year(
    container: Container, world: World
) -> None:
    """On 2026-12-01: 2017's period ended 2024-12-31, so that invoice and its payment are
    anonymised; 2019's are kept until 2026-12-31, 2024's until 2031-12-31, 2025's until
    2032-12-31, and the answer lists the records per date."""
    result = erase(container, person(world), DEC_1_2026)
    kept = line(result, "payment_history", "kept")
    assert kept.exception == "bookkeeping" and kept.until == date(2032, 12, 31)
    assert [d for d, _ in kept.kept_until] == [
        date(2026, 12, 31),
        date(2031, 12, 31),
        date(2032, 12, 31),
    ]
    assert dict(kept.kept_until)[date(2026, 12, 31)] == 2  # the 2019 invoice and its payment
    gone = line(result, "payment_history", "anonymised")
    assert {"invoices", "payments"} <= set(gone.tables) and gone.records == 2
    answer = kept.as_dict()
    assert {"category", "outcome", "exception", "until", "tables"} <= set(answer)
    assert answer["kept_until"][0] == {"until": "2026-12-31", "records": 2}
    rows = by_year(container)
    assert rows[2017].contact_person_id is None and rows[2017].billing_address is None
    for year in (2019, 2024, 2025):
        assert rows[year].contact_person_id == world.anna_id  # kept for the bookkeeping
        assert rows[year].billing_address and rows[year].amount_ore
    assert all(row.card_token is None for row in rows.values())  # not needed for bookkeeping
    assert result.changed["invoices"] == 1


def test_r4_a_dry_run_and_find_say_the_same_per_year(container: Container, world: World) -> None:
    """D4: a dry run changes nothing and gives the same answer; find counts what would go."""
    before = find(container, person(world), DEC_1_2026)
    assert before.erasable["invoices"] == 1  # 2017's invoice only
    dry = erase(container, person(world), DEC_1_2026, dry_run=True)
    assert dry.run_id is None and by_year(container)[2017].contact_person_id == world.anna_id
    real = erase(container, person(world), DEC_1_2026)
    assert [c.as_dict() for c in dry.categories] == [c.as_dict() for c in real.categories]
    assert find(container, person(world), DEC_1_2026).erasable == {}


def test_r4_records_go_when_their_own_period_ends(container: Container, world: World) -> None:
    """R4: after 31 December 2026 the 2019 invoice is no longer kept; the next erasure (or a
    request on 2027-01-01) anonymises it, and only it."""
    erase(container, person(world), DEC_1_2026)
    again = erase(container, person(world), DEC_1_2026)
    assert again.changed == {}
    new_year = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    assert find(container, person(world), new_year).erasable == {"invoices": 1}
    later = erase(container, person(world), new_year)
    assert later.changed["invoices"] == 1
    rows = by_year(container)
    assert rows[2019].contact_person_id is None
    assert rows[2024].contact_person_id == world.anna_id
    kept = line(later, "payment_history", "kept")
    assert [d for d, _ in kept.kept_until] == [date(2031, 12, 31), date(2032, 12, 31)]


def test_r4_r6_the_sweep_moves_each_accounting_record_to_the_vault_once(
    container: Container,
) -> None:
    """R4, R6: a person under an evidence hold whose invoices fall in two bookkeeping periods
    (one ended, one not) has one vault entry per table, holding each record once."""
    customer = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    for year in (2016, 2024):
        add_retention_invoice(
            container,
            customer,
            number=f"R-{year}",
            fiscal_year=year,
            issued_on=date(year, 5, 1),
            paid_on=date(year, 5, 20),
        )
    add_hold(container, kind="evidence", review_date=date(2030, 1, 1), person_id=customer.person_id)
    sweep(container, date(2027, 3, 1), only={"people"})
    with container.engine.connect() as conn:
        query = select(evidence_vault.c.source_table, evidence_vault.c.record_ids)
        entries = [(row.source_table, sorted(row.record_ids)) for row in conn.execute(query)]
    tables = [table for table, _ in entries]
    assert len(tables) == len(set(tables))  # one entry per table, each record once
    assert [len(ids) for table, ids in entries if table in ("invoices", "payments")] == [2, 2]
