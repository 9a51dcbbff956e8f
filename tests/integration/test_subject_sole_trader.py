"""Sole traders (enskild firma): an organisation whose orgnr is a personnummer is that person.
Found by the personnummer in any form (D1), extracted with the person's data (D1), erased
with the bookkeeping exception per fiscal year (D4, R4). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.test_subject_bookkeeping import At
from tests.integration.test_subjects import SECRET, key
from tests.subject_factories import (
    CECILIA_PNR,
    NOW,
    SoleTrader,
    World,
    add_sole_trader,
    build_world,
    subject_context,
)
from varna.adapters.db.tables import invoices, organisations, support_tickets
from varna.bootstrap import Container
from varna.services.subjects.erase import EraseCommand, EraseResult, erase_subject
from varna.services.subjects.extract import build_extract
from varna.services.subjects.find import FindResult, find_subject

DEC_1_2026 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ORGNR_FORM = f"{CECILIA_PNR[2:8]}-{CECILIA_PNR[8:]}"  # how the firm's number is written


def find(container: Container, value: str, kind: str = "personnummer") -> FindResult:
    return find_subject(
        subject_context(container, clock=At(NOW), secret=SECRET), (key(kind, value),), actor="test"
    )


def erase(container: Container, value: str, at: datetime) -> EraseResult:
    command = EraseCommand((key("personnummer", value),))
    return erase_subject(
        subject_context(container, clock=At(at), secret=SECRET), command, actor="test"
    )


def linked(result: FindResult) -> dict[str, int]:
    return {c.table: c.rows for c in result.tables if c.mention_column is None}


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)  # Testbolaget AB (orgnr 556677-8899) and its contacts


@pytest.fixture
def firm(container: Container, world: World) -> SoleTrader:
    return add_sole_trader(container)


@pytest.mark.parametrize("form", [CECILIA_PNR, ORGNR_FORM, CECILIA_PNR[2:]])
def test_d1_a_sole_traders_firm_is_found_by_the_personnummer(
    container: Container, firm: SoleTrader, form: str
) -> None:
    """D1: her people row, her firm's customer record, its invoices (and their payments)
    and its case, whichever form of the number is given."""
    result = find(container, form)
    assert result.scope.person_ids == (firm.person_id,)
    assert result.scope.organisation_ids == (firm.organisation_id,)
    found = linked(result)
    assert found["organisations"] == 1 and found["invoices"] == 2 and found["payments"] == 2
    assert found["support_tickets"] == 1


def test_d1_the_org_number_alone_finds_the_firm(container: Container, world: World) -> None:
    """D1: a sole trader known only as a customer (no people row) is still the person."""
    firm = add_sole_trader(container, with_person=False)
    result = find(container, ORGNR_FORM)
    assert result.found and result.scope.person_ids == ()
    assert linked(result)["organisations"] == 1 and linked(result)["invoices"] == 2
    assert result.scope.organisation_ids == (firm.organisation_id,)


def test_d1_a_company_is_not_its_contact(
    container: Container, world: World, firm: SoleTrader
) -> None:
    """An AB's number is no personnummer: Anna's records hold neither Testbolaget's customer
    record nor Cecilia's firm; Cecilia's holds her firm and not the AB's invoices."""
    bundle: dict[str, Any] = build_extract(
        subject_context(container, clock=At(NOW), secret=SECRET),
        (key("personnummer", CECILIA_PNR),),
        actor="test",
    ).bundle
    company = [b for b in bundle["data"]["company_data"] if b["table"] == "organisations"]
    assert [list(row[1:]) for b in company for row in b["rows"]] == [
        ["Cecilia Dahl Konsult", ORGNR_FORM]
    ]
    numbers = {
        r[1]
        for b in bundle["data"]["payment_history"]
        if b["table"] == "invoices"
        for r in b["rows"]
    }
    assert numbers == {"F-2017-0900", "F-2024-0900"}
    annas = find(container, "anna.berg@example.com", "email")
    assert annas.scope.organisation_ids == () and "organisations" not in linked(annas)


def test_d4_r4_erasing_a_sole_trader_keeps_the_books_per_year(
    container: Container, firm: SoleTrader
) -> None:
    """D4, R4 on 2026-12-01: the firm's 2017 invoice (period ended 2024-12-31) is anonymised,
    2024's is kept until 2031-12-31, and so are the firm's name and orgnr (its books name it);
    its address, privacy contact and case subject go, and the case no longer names the firm."""
    result = erase(container, CECILIA_PNR, DEC_1_2026)
    company = next(
        c for c in result.categories if c.category == "company_data" and c.outcome.value == "kept"
    )
    assert company.exception == "bookkeeping" and company.until == date(2031, 12, 31)
    assert "organisations" in company.tables
    with container.engine.connect() as conn:
        row = conn.execute(
            select(organisations).where(organisations.c.id == firm.organisation_id)
        ).one()
        assert row.name == "Cecilia Dahl Konsult" and row.orgnr == ORGNR_FORM
        assert row.address is None and row.privacy_contact_email is None
        books = {
            r.fiscal_year: r
            for r in conn.execute(
                select(invoices).where(invoices.c.organisation_id == firm.organisation_id)
            )
        }
        assert books[2017].billing_address is None and books[2024].billing_address
        ticket = conn.execute(
            select(support_tickets).where(support_tickets.c.id == firm.ticket_id)
        ).one()
        assert ticket.subject == "[erased]" and ticket.organisation_id is None  # link cut
    assert find(container, CECILIA_PNR).erasable == {}


def test_r4_the_firm_goes_when_its_last_books_may_go(
    container: Container, firm: SoleTrader
) -> None:
    """R4: after 31 December 2031 nothing keeps the firm: a new erasure anonymises its name
    and number and the 2024 invoice."""
    erase(container, CECILIA_PNR, DEC_1_2026)
    later = erase(container, CECILIA_PNR, datetime(2032, 1, 2, 9, 0, tzinfo=UTC))
    assert later.changed.get("organisations") == 1 and later.changed.get("invoices") == 1
    with container.engine.connect() as conn:
        row = conn.execute(
            select(organisations).where(organisations.c.id == firm.organisation_id)
        ).one()
        assert row.name == "[erased]" and row.orgnr is None
