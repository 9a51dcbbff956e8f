"""Synthetic data for the retention tests: fictional companies and contacts (example.com),
contracts that ended on given days, invoices per fiscal year, tickets, web visits, SIMs in the
test ICCID range and their usage. Every builder returns the ids it made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, insert

from tests.factories import test_iccid
from varna.adapters.db.tables import (
    consent_events,
    contracts,
    devices,
    invoice_lines,
    invoices,
    legal_holds,
    orders,
    organisations,
    payments,
    people,
    person_roles,
    quote_requests,
    sim_end_users,
    sims,
    support_tickets,
    ticket_messages,
    web_visits,
)
from varna.bootstrap import Container
from varna.services.ports import UsageRow

CREATED = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Customer:
    organisation_id: int
    person_id: int
    contract_id: int


def _person(conn: Connection, n: int, email: str, *, phone: str | None = None) -> int:
    return int(
        conn.execute(
            insert(people)
            .values(
                full_name=f"Testa Person {n}",
                email=email,
                phone=phone,
                source="test",
                created_at=CREATED,
            )
            .returning(people.c.id)
        ).scalar_one()
    )


def add_customer(
    container: Container, n: int, *, terminated_on: date | None, start: date = date(2023, 1, 1)
) -> Customer:
    """A customer company with one contact person and one contract (running when
    ``terminated_on`` is None)."""
    with container.engine.begin() as conn:
        org = conn.execute(
            insert(organisations)
            .values(
                kind="customer",
                name=f"Testbolag {n} AB",
                source="test",
                created_at=CREATED,
                address=f"Testgatan {n}, 111 11 Stockholm",
            )
            .returning(organisations.c.id)
        ).scalar_one()
        person = _person(conn, n, f"kontakt{n}@example.com", phone=f"+4670174{n:04d}")
        conn.execute(
            insert(person_roles).values(
                person_id=person,
                organisation_id=org,
                role="customer_contact",
                title="Inköpare",
                started_on=start,
            )
        )
        contract = conn.execute(
            insert(contracts)
            .values(organisation_id=org, start_date=start, terminated_on=terminated_on)
            .returning(contracts.c.id)
        ).scalar_one()
    return Customer(org, person, contract)


def add_invoice(
    container: Container,
    customer: Customer,
    *,
    number: str,
    fiscal_year: int,
    issued_on: date,
    paid_on: date | None,
    disputed: bool = False,
) -> int:
    with container.engine.begin() as conn:
        invoice = conn.execute(
            insert(invoices)
            .values(
                organisation_id=customer.organisation_id,
                contact_person_id=customer.person_id,
                number=number,
                issued_on=issued_on,
                due_on=issued_on + timedelta(days=30),
                fiscal_year=fiscal_year,
                billing_address="Testgatan 1, 111 11 Stockholm",
                total_ore=19_000,
                paid_on=paid_on,
                disputed=disputed,
            )
            .returning(invoices.c.id)
        ).scalar_one()
        conn.execute(
            insert(invoice_lines).values(
                invoice_id=invoice,
                description="IoT-anslutning",
                quantity=10,
                unit_price_ore=1_900,
                amount_ore=19_000,
            )
        )
        if paid_on is not None:
            conn.execute(
                insert(payments).values(
                    invoice_id=invoice,
                    paid_at=datetime(paid_on.year, paid_on.month, paid_on.day, 12, tzinfo=UTC),
                    amount_ore=19_000,
                    method="transfer",
                )
            )
    return int(invoice)


def add_ticket(container: Container, customer: Customer, *, closed_at: datetime | None) -> int:
    with container.engine.begin() as conn:
        ticket = conn.execute(
            insert(support_tickets)
            .values(
                organisation_id=customer.organisation_id,
                person_id=customer.person_id,
                subject="Modemet svarar inte",
                status="closed" if closed_at else "open",
                opened_at=CREATED,
                closed_at=closed_at,
            )
            .returning(support_tickets.c.id)
        ).scalar_one()
        conn.execute(
            insert(ticket_messages).values(
                ticket_id=ticket,
                author_person_id=customer.person_id,
                body="Hej, modemet svarar inte.",
                sent_at=CREATED,
            )
        )
    return int(ticket)


def add_visits(container: Container, days: list[date], *, person_id: int | None = None) -> None:
    """Web visits at 10:00 UTC on ``days``: anonymous, or of a known person."""
    with container.engine.begin() as conn:
        conn.execute(
            insert(web_visits),
            [
                {
                    "person_id": person_id,
                    "visited_at": datetime(d.year, d.month, d.day, 10, tzinfo=UTC),
                    "path": "/priser",
                    "ip_address": "192.0.2.10",
                    "cookie_id": f"c{i}" if person_id is None else f"p{person_id}-{i}",
                    "user_agent": "TestBrowser/1.0",
                }
                for i, d in enumerate(days)
            ],
        )


def add_hold(
    container: Container,
    *,
    kind: str = "legal_hold",
    review_date: date,
    person_id: int | None = None,
    organisation_id: int | None = None,
) -> int:
    scope = "person" if person_id is not None else "organisation"
    with container.engine.begin() as conn:
        return int(
            conn.execute(
                insert(legal_holds)
                .values(
                    kind=kind,
                    reason="Tvist om fakturering, ärende hos tingsrätten",
                    reference="T 1234-25",
                    owner="Dataskyddsombud",
                    review_date=review_date,
                    scope=scope,
                    person_id=person_id,
                    organisation_id=organisation_id,
                    created_at=CREATED,
                )
                .returning(legal_holds.c.id)
            ).scalar_one()
        )


def add_sims(container: Container, customer: Customer, count: int, first: int) -> list[int]:
    with container.engine.begin() as conn:
        return [
            int(
                conn.execute(
                    insert(sims)
                    .values(
                        iccid=test_iccid(n),
                        imsi=f"24099{n:010d}",
                        status="activated",
                        customer_id=customer.organisation_id,
                        created_at=CREATED,
                    )
                    .returning(sims.c.id)
                ).scalar_one()
            )
            for n in range(first, first + count)
        ]


def usage_rows(
    sim_ids: list[int], first_day: date, days: int, per_day: int, *, mcc: str = "240"
) -> Iterator[UsageRow]:
    """``per_day`` records per SIM and day, spread over the day, with cell-level fields."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        base = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        for sim in sim_ids:
            for i in range(per_day):
                start = base + 60 + i * (86_000 // per_day)
                yield (sim, start, start + 30, 1_000, 4_000, mcc, "01", 4711, 17, "LTE", "data")


def load_usage(container: Container, rows: list[UsageRow]) -> int:
    starts = [datetime.fromtimestamp(r[1], tz=UTC).date() for r in rows]
    with container.uow() as uow:
        count = uow.demo.load_usage(rows, first_day=min(starts), last_day=max(starts))
        uow.commit()
    return count


def add_person(
    container: Container, n: int, role: str, *, started_on: date, ended_on: date | None = None
) -> int:
    """A person with one role (lead, newsletter subscriber, web visitor) and no organisation."""
    with container.engine.begin() as conn:
        person = _person(conn, n, f"person{n}@example.com")
        conn.execute(
            insert(person_roles).values(
                person_id=person, role=role, started_on=started_on, ended_on=ended_on
            )
        )
    return int(person)


def add_role(container: Container, person_id: int, role: str, *, started_on: date) -> None:
    with container.engine.begin() as conn:
        conn.execute(
            insert(person_roles).values(person_id=person_id, role=role, started_on=started_on)
        )


def add_quote_request(
    container: Container,
    person_id: int,
    received_at: datetime,
    *,
    ordered: bool = False,
    contract_ended: date | None = None,
) -> int:
    """A quote request of a lead; ``ordered``: it became an order of a new customer, whose
    contract ended on ``contract_ended`` (given) or has none yet."""
    with container.engine.begin() as conn:
        request = conn.execute(
            insert(quote_requests)
            .values(
                person_id=person_id,
                company_name="Testbolaget Offert AB",
                message="Vi behöver 50 SIM-kort.",
                sim_count=50,
                received_at=received_at,
                source="web_form",
            )
            .returning(quote_requests.c.id)
        ).scalar_one()
        if ordered:
            org = conn.execute(
                insert(organisations)
                .values(
                    kind="customer", name="Testbolaget Offert AB", source="test", created_at=CREATED
                )
                .returning(organisations.c.id)
            ).scalar_one()
            conn.execute(
                insert(orders).values(
                    organisation_id=org,
                    quote_request_id=request,
                    reference=f"ORD-{request}",
                    sim_count=50,
                    ordered_at=received_at,
                )
            )
            if contract_ended is not None:
                conn.execute(
                    insert(contracts).values(
                        organisation_id=org,
                        start_date=received_at.date(),
                        terminated_on=contract_ended,
                    )
                )
    return int(request)


def add_consent(
    container: Container, person_id: int, events: list[tuple[str, datetime]], *, purpose: str
) -> None:
    """Consent ledger entries (given, withdrawn, ...) of a person for ``purpose``."""
    with container.engine.begin() as conn:
        conn.execute(
            insert(consent_events),
            [
                {
                    "person_id": person_id,
                    "purpose": purpose,
                    "event": event,
                    "notice_version": "2023-03-28",
                    "text_hash": "0" * 64,
                    "channel": "privacy_center",
                    "language": "sv",
                    "at": at,
                }
                for event, at in events
            ],
        )


@dataclass(frozen=True)
class ProcessorData:
    sim_ids: list[int]
    usage_rows: int


def add_processor_data(
    container: Container, customer: Customer, *, first: int, sims_count: int = 3
) -> ProcessorData:
    """A customer's processor data: SIMs (test ICCIDs) with end-user references and devices,
    usage of January and February 2026 with cell-level fields, January billed and paid
    (2026-02-10), and an invoice line that names the first SIM."""
    sim_ids = add_sims(container, customer, sims_count, first=first)
    with container.engine.begin() as conn:
        conn.execute(
            insert(sim_end_users),
            [{"sim_id": s, "end_user_ref": f"slutkund-{s}@example.com"} for s in sim_ids],
        )
        conn.execute(
            insert(devices),
            [
                {
                    "sim_id": s,
                    "customer_id": customer.organisation_id,
                    "imei": f"3569380357{s:06d}"[:15],
                    "name": f"Mätare hos Testa Person {s}",
                    "ip_address": "192.0.2.20",
                }
                for s in sim_ids
            ],
        )
    rows = load_usage(container, list(usage_rows(sim_ids, date(2026, 1, 1), 59, 1)))
    invoice = add_invoice(
        container,
        customer,
        number=f"F-{customer.organisation_id}-2026-1",
        fiscal_year=2026,
        issued_on=date(2026, 2, 1),
        paid_on=date(2026, 2, 10),
    )
    with container.engine.begin() as conn:
        conn.execute(
            insert(invoice_lines).values(
                invoice_id=invoice,
                sim_id=sim_ids[0],
                description="Dataabonnemang, 1 SIM",
                quantity=1,
                unit_price_ore=1_900,
                amount_ore=1_900,
            )
        )
    return ProcessorData(sim_ids, rows)
