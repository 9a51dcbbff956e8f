"""Organisations and what they buy: customers (most), suppliers and partners with their
contacts, quote requests, orders, contracts (some running, some ended at various times so
that retention has work), SIMs per customer (skewed) and devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from varna.services.demo import identifiers as ids
from varna.services.demo.context import DemoContext, Row, slug
from varna.services.demo.people import CONTACT_TITLES, PeopleFactory, Person

# Share of SIMs per device class (a typical IoT fleet) and the test TAC model code of each.
DEVICE_CLASSES = {"meter": 0.50, "tracker": 0.30, "terminal": 0.15, "router": 0.05}
TAC_MODELS = {"meter": 101, "tracker": 201, "terminal": 301, "router": 401}
DEVICE_NAMES = {
    "meter": "Elmätare",
    "tracker": "Spårare",
    "terminal": "Kortterminal",
    "router": "Router",
}
# Every third customer has ended its contract, this many days ago (plus a little).
TERMINATED_DAYS_AGO = (30, 200, 400, 1_100)
# Every this many customers, one is a sole trader (enskild firma): its organisationsnummer is
# its owner's personnummer, so the firm's records are the owner's personal data.
SOLE_TRADER_EVERY = 12
CREDIT_AGENCY = "credit_reference_agency"  # the catalogue's recipient of the credit checks


@dataclass
class Sim:
    id: int
    iccid: str
    msisdn: str
    customer_id: int
    status: str
    device_class: str


@dataclass
class Organisation:
    id: int
    kind: str
    name: str
    domain: str
    address: str
    contacts: list[Person] = field(default_factory=list)
    start: date | None = None
    terminated_on: date | None = None
    contract_id: int | None = None
    sims: list[Sim] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.kind == "customer" and self.terminated_on is None


@dataclass
class BusinessRows:
    organisations: list[Row] = field(default_factory=list)
    quote_requests: list[Row] = field(default_factory=list)
    orders: list[Row] = field(default_factory=list)
    contracts: list[Row] = field(default_factory=list)
    sims: list[Row] = field(default_factory=list)
    sim_end_users: list[Row] = field(default_factory=list)
    devices: list[Row] = field(default_factory=list)


def _organisation(ctx: DemoContext, kind: str, names: set[str], orgnrs: set[str]) -> Row:
    name = ctx.fake.company()
    while name in names:
        name = f"{ctx.fake.company()} {ctx.fake.city()}"
    names.add(name)
    domain = f"{slug(name)}.test"
    return {
        "id": ctx.new_id("organisations"),
        "kind": kind,
        "name": name,
        "orgnr": ids.orgnr(ctx.rng, orgnrs),
        "country": "SE",
        "address": ctx.fake.address().replace("\n", ", "),
        "privacy_contact_email": f"dataskydd@{domain}" if kind == "customer" else None,
        "source": "crm",
        "created_at": ctx.past_moment(2_000, min_days_ago=400),
    }


def organisations(
    ctx: DemoContext, people: PeopleFactory, rows: BusinessRows
) -> list[Organisation]:
    """Customers, suppliers and partners, each with one to four contacts."""
    names: set[str] = set()
    orgnrs: set[str] = set()
    kinds = (
        ["customer"] * ctx.size.customers
        + ["supplier"] * ctx.size.suppliers
        + ["partner"] * ctx.size.partners
    )
    made: list[Organisation] = []
    for index, kind in enumerate(kinds):
        row = _organisation(ctx, kind, names, orgnrs)
        rows.organisations.append(row)
        domain = f"{slug(row['name'])}.test"
        org = Organisation(row["id"], kind, row["name"], domain, row["address"])
        sole = kind == "customer" and index % SOLE_TRADER_EVERY == 1
        for n in range(1 if sole else ctx.rng.randint(1, 4 if kind == "customer" else 2)):
            person = people.new(source="crm", domain=org.domain, pnr_chance=1.0 if sole else 0.05)
            if sole and person.personnummer:  # the owner: the firm's number is theirs
                pnr = person.personnummer[2:]
                row["orgnr"] = f"{pnr[:6]}-{pnr[6:]}"
                orgnrs.add(row["orgnr"])
                row["name"] = org.name = f"{person.full_name.split()[-1]} Konsult (enskild firma)"
            org.contacts.append(person)
            left = n > 0 and ctx.chance(0.2)
            started = ctx.day(ctx.rng.randint(400, 2_500))
            people.role(
                person,
                f"{kind}_contact",
                organisation_id=org.id,
                title=ctx.rng.choice(CONTACT_TITLES),
                started_on=started,
                ended_on=ctx.day(ctx.rng.randint(20, 380)) if left else None,
            )
        made.append(org)
    return made


def credit_checks(customers: list[Organisation]) -> list[Row]:
    """The credit check made when each contract was signed: a disclosure of the first
    contact's name and the company's data to the credit reference agency (the disclosure log
    that Art. 19 notices and the register extract's recipients come from)."""
    return [
        {
            "recipient": CREDIT_AGENCY,
            "person_id": org.contacts[0].id,
            "categories": ["name", "company_data"],
            "disclosed_at": datetime.combine(org.start, time(9), tzinfo=UTC),
            "reference": f"KREDIT-{org.id:05d}",
        }
        for org in customers
        if org.contacts and org.start is not None
    ]


def contracts_and_orders(
    ctx: DemoContext, customers: list[Organisation], rows: BusinessRows, sim_counts: list[int]
) -> None:
    """One contract per customer, the order behind it (some after a quote request) and a
    later top-up order for customers with more than ten SIMs."""
    for index, (org, sim_count) in enumerate(zip(customers, sim_counts, strict=True)):
        if index % 3 == 2:
            ago = TERMINATED_DAYS_AGO[(index // 3) % len(TERMINATED_DAYS_AGO)]
            org.terminated_on = ctx.day(ago + ctx.rng.randint(0, 20))
            org.start = org.terminated_on - timedelta(days=ctx.rng.randint(365, 1_500))
        else:
            org.start = ctx.day(ctx.rng.randint(90, 1_800))
        contact = org.contacts[0]
        quote_id = None
        if ctx.chance(0.5):
            quote_id = ctx.new_id("quote_requests")
            rows.quote_requests.append(
                {
                    "id": quote_id,
                    "person_id": contact.id,
                    "organisation_id": org.id,
                    "company_name": org.name,
                    "message": f"Vi behöver cirka {sim_count} SIM-kort för våra enheter.",
                    "sim_count": sim_count,
                    "received_at": ctx.moment(org.start - timedelta(days=ctx.rng.randint(30, 60))),
                    "source": "web_form",
                }
            )
        first = sim_count if sim_count <= 10 else max(1, sim_count * 6 // 10)
        order_id = _order(ctx, rows, org, contact, quote_id, first, org.start - timedelta(days=10))
        org.contract_id = ctx.new_id("contracts")
        rows.contracts.append(
            {
                "id": org.contract_id,
                "organisation_id": org.id,
                "order_id": order_id,
                "start_date": org.start,
                "end_date": org.terminated_on,
                "terminated_on": org.terminated_on,
            }
        )
        if sim_count > first:
            last = org.terminated_on or ctx.as_of
            span = max(0, (last - org.start).days - 1)
            later = org.start + timedelta(days=ctx.rng.randint(0, span))
            _order(ctx, rows, org, contact, None, sim_count - first, later)


def _order(
    ctx: DemoContext,
    rows: BusinessRows,
    org: Organisation,
    contact: Person,
    quote_id: int | None,
    sim_count: int,
    on: date,
) -> int:
    order_id = ctx.new_id("orders")
    rows.orders.append(
        {
            "id": order_id,
            "organisation_id": org.id,
            "contact_person_id": contact.id,
            "quote_request_id": quote_id,
            "reference": f"ORD-{on.year}-{order_id:06d}",
            "sim_count": sim_count,
            "ordered_at": ctx.moment(on),
        }
    )
    return order_id


def sim_counts(ctx: DemoContext, customers: int, total: int) -> list[int]:
    """Split ``total`` SIMs over the customers, skewed: most have tens, a few hundreds."""
    weights = [ctx.rng.paretovariate(1.16) for _ in range(customers)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    counts[counts.index(max(counts))] += total - sum(counts)
    return counts
