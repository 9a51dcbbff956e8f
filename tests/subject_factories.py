"""A small synthetic world for the subject engine: one customer company with two contacts who
share a support case, invoices, web visits, SIMs whose end-user reference names one contact,
and their usage. Fictional names, example.com addresses, test-range ICCIDs and MSISDNs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from stdnum import luhn

from tests.factories import test_iccid
from varna.adapters.db.tables import (
    contracts,
    invoice_lines,
    invoices,
    organisations,
    payments,
    people,
    person_roles,
    sim_end_users,
    sims,
    support_tickets,
    ticket_messages,
    web_visits,
)
from varna.adapters.db.uow import SqlUnitOfWork
from varna.bootstrap import Container
from varna.catalog import Catalog
from varna.domain.usage import UsageRecord

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SubjectContext:
    """The container's units of work and catalogue, with a clock and secret of the test's
    own: the context the subject use cases are given."""

    container: Container
    clock: Any
    secret: bytes

    @property
    def catalog(self) -> Catalog:
        return self.container.catalog

    def uow(self) -> SqlUnitOfWork:
        return self.container.uow()


def subject_context(
    container: Container, *, clock: Any = None, secret: bytes | None = None
) -> SubjectContext:
    """``container`` as a service context; its own clock and secret unless others are given."""
    return SubjectContext(
        container,
        container.clock if clock is None else clock,
        container.secret if secret is None else secret,
    )


def personnummer(birth: str, serial: str) -> str:
    """A valid 12-digit personnummer for ``birth`` (YYYYMMDD) and a 3-digit serial."""
    ten = birth[2:] + serial
    return birth + serial + luhn.calc_check_digit(ten)


ANNA_PNR = personnummer("19850412", "123")
BO_PNR = personnummer("19790301", "456")


@dataclass(frozen=True)
class World:
    company_id: int
    anna_id: int
    bo_id: int
    anna_ticket_id: int
    bo_ticket_id: int
    invoice_id: int
    sim_ids: tuple[int, ...]
    anna_sims: tuple[int, ...]
    anna_iccids: tuple[str, ...]
    usage_per_sim: int


def build_world(
    container: Container,
    *,
    contract_running: bool = False,
    fiscal_year: int = 2025,
    usage_per_sim: int = 5,
) -> World:
    """Anna Berg and Bo Ek, contacts at Testbolaget AB; Anna's case names Bo, Bo's case
    mentions Anna's e-mail; two of the company's three SIMs carry Anna's e-mail as end-user
    reference. The contract ended on 2025-12-31 unless ``contract_running``."""
    with container.engine.begin() as conn:

        def add(table: object, **values: object) -> int:
            return int(conn.execute(insert(table).values(**values)).inserted_primary_key[0])  # type: ignore[arg-type]

        company = add(
            organisations,
            kind="customer",
            name="Testbolaget AB",
            orgnr="556677-8899",
            source="test",
            created_at=NOW,
        )
        anna = add(
            people,
            full_name="Anna Berg",
            email="anna.berg@example.com",
            phone="+46701234567",
            address="Provgatan 1, 111 22 Stockholm",
            personnummer=ANNA_PNR,
            source="test",
            created_at=NOW,
        )
        bo = add(
            people,
            full_name="Bo Ek",
            email="bo.ek@example.com",
            phone="+46701112233",
            personnummer=BO_PNR,
            source="test",
            created_at=NOW,
        )
        for person in (anna, bo):
            add(
                person_roles,
                person_id=person,
                organisation_id=company,
                role="customer_contact",
                title="Inköpare",
                started_on=date(2023, 1, 1),
            )
        add(
            contracts,
            organisation_id=company,
            start_date=date(2023, 1, 1),
            end_date=None if contract_running else date(2025, 12, 31),
        )
        anna_ticket = add(
            support_tickets,
            organisation_id=company,
            person_id=anna,
            subject="SIM-kort utan täckning",
            status="closed",
            opened_at=NOW - timedelta(days=40),
            closed_at=NOW - timedelta(days=30),
        )
        add(
            ticket_messages,
            ticket_id=anna_ticket,
            author_person_id=anna,
            body="Hej, min kollega Bo Ek (bo.ek@example.com) ser samma fel.",
            sent_at=NOW - timedelta(days=40),
        )
        add(
            ticket_messages,
            ticket_id=anna_ticket,
            author_staff="Support Sara",
            body="Tack Anna Berg, vi felsöker.",
            sent_at=NOW - timedelta(days=39),
        )
        add(
            ticket_messages,
            ticket_id=anna_ticket,
            author_person_id=bo,
            body="Bo här: samma problem som Anna Berg beskrev.",
            sent_at=NOW - timedelta(days=38),
        )
        bo_ticket = add(
            support_tickets,
            organisation_id=company,
            person_id=bo,
            subject="Faktura",
            status="open",
            opened_at=NOW - timedelta(days=5),
        )
        add(
            ticket_messages,
            ticket_id=bo_ticket,
            author_person_id=bo,
            body="Skicka fakturan till anna.berg@example.com eller ring 070-123 45 67.",
            sent_at=NOW - timedelta(days=5),
        )
        invoice = add(
            invoices,
            organisation_id=company,
            contact_person_id=anna,
            number="F-2025-0001",
            issued_on=date(fiscal_year, 6, 30),
            due_on=date(fiscal_year, 7, 30),
            fiscal_year=fiscal_year,
            billing_address="Provgatan 1, 111 22 Stockholm",
            total_ore=125_000,
            paid_on=date(fiscal_year, 7, 20),
        )
        add(
            invoice_lines,
            invoice_id=invoice,
            description="Månadsavgift 3 SIM",
            quantity=3,
            unit_price_ore=41_667,
            amount_ore=125_000,
        )
        add(
            payments,
            invoice_id=invoice,
            paid_at=datetime(fiscal_year, 7, 20, tzinfo=UTC),
            amount_ore=125_000,
            method="card",
            card_token="tok_test_123",
            card_last4="4242",
        )
        for n in range(3):
            add(
                web_visits,
                person_id=anna,
                visited_at=NOW - timedelta(days=n),
                path="/priser",
                ip_address="192.0.2.10",
                cookie_id=f"c-anna-{n}",
                user_agent="TestBrowser/1.0",
            )
        iccids = [test_iccid(900 + n) for n in range(3)]
        sim_ids = tuple(
            add(
                sims,
                iccid=iccid,
                imsi=f"24099{900 + n:010d}",
                msisdn=f"+4670174{900 + n:04d}",
                status="activated",
                customer_id=company,
                created_at=NOW,
            )
            for n, iccid in enumerate(iccids)
        )
        for n, sim_id in enumerate(sim_ids):
            add(
                sim_end_users,
                sim_id=sim_id,
                end_user_ref="anna.berg@example.com" if n < 2 else "fleet-3",
            )
    records = [
        (
            line,
            UsageRecord(
                source_id=None,
                iccid=iccid,
                started_at=NOW - timedelta(hours=k + 1),
                ended_at=NOW - timedelta(hours=k + 1) + timedelta(minutes=5),
                bytes_up=100 * k,
                bytes_down=1000 * k,
                mcc="240",
                mnc="01",
                cell_id=1000 + k,
                lac_tac=17,
                rat="LTE",
                traffic_type="data",
            ),
        )
        for line, (iccid, k) in enumerate(
            ((iccid, k) for iccid in iccids for k in range(usage_per_sim)), start=1
        )
    ]
    with container.uow() as uow:
        uow.usage.load_records(records)
        uow.commit()
    return World(
        company,
        anna,
        bo,
        anna_ticket,
        bo_ticket,
        invoice,
        sim_ids,
        sim_ids[:2],
        tuple(iccids[:2]),
        usage_per_sim,
    )


def add_invoice(
    container: Container,
    *,
    organisation_id: int,
    person_id: int | None,
    fiscal_year: int,
    number: str,
    card_token: str | None = "tok_test_456",
) -> int:
    """An invoice of ``fiscal_year`` with one paid card payment (synthetic)."""
    with container.engine.begin() as conn:
        invoice = conn.execute(
            insert(invoices).values(
                organisation_id=organisation_id,
                contact_person_id=person_id,
                number=number,
                issued_on=date(fiscal_year, 3, 31),
                due_on=date(fiscal_year, 4, 30),
                fiscal_year=fiscal_year,
                billing_address="Provgatan 1, 111 22 Stockholm",
                total_ore=50_000,
                paid_on=date(fiscal_year, 4, 20),
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(payments).values(
                invoice_id=invoice,
                paid_at=datetime(fiscal_year, 4, 20, tzinfo=UTC),
                amount_ore=50_000,
                method="card",
                card_token=card_token,
                card_last4="4242",
            )
        )
    return int(invoice)


CECILIA_PNR = personnummer("19720815", "246")


@dataclass(frozen=True)
class SoleTrader:
    """Cecilia Dahl and her enskild firma: its orgnr is her personnummer (10 digits)."""

    organisation_id: int
    person_id: int | None
    ticket_id: int


def add_sole_trader(container: Container, *, with_person: bool = True) -> SoleTrader:
    """A customer that is a sole trader, with a case, and invoices of 2017 and 2024 naming
    no contact person (the firm is the person)."""
    with container.engine.begin() as conn:
        firm = conn.execute(
            insert(organisations).values(
                kind="customer",
                name="Cecilia Dahl Konsult",
                orgnr=f"{CECILIA_PNR[2:8]}-{CECILIA_PNR[8:]}",
                address="Provgatan 9, 111 22 Stockholm",
                privacy_contact_email="cecilia.dahl@example.com",
                source="test",
                created_at=NOW,
            )
        ).inserted_primary_key[0]
        person = None
        if with_person:
            person = conn.execute(
                insert(people).values(
                    full_name="Cecilia Dahl",
                    email="cecilia.dahl@example.com",
                    personnummer=CECILIA_PNR,
                    source="test",
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
        ticket = conn.execute(
            insert(support_tickets).values(
                organisation_id=firm,
                subject="Fakturafråga",
                status="closed",
                opened_at=NOW - timedelta(days=400),
                closed_at=NOW - timedelta(days=390),
            )
        ).inserted_primary_key[0]
    for year in (2017, 2024):
        add_invoice(
            container,
            organisation_id=int(firm),
            person_id=None,
            fiscal_year=year,
            number=f"F-{year}-0900",
        )
    return SoleTrader(int(firm), None if person is None else int(person), int(ticket))
