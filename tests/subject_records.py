"""One record of every kind the catalogue declares about a person, for one synthetic person:
Dana Lund, a sole trader (her firm's orgnr is her personnummer) and a contact at a customer
company whose SIM names her as end user. ``RECORDS`` holds one factory per catalogued table
with personal data; ``tests/integration/test_subject_every_record.py`` fails when a table has
none, so a table added to the catalogue is covered the day it is added. Fictional names,
example.com addresses, test-range ICCIDs and MSISDNs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert

from tests.factories import test_iccid
from tests.subject_factories import NOW, personnummer
from varna.adapters.db.partitions import ensure_partitions
from varna.adapters.db.tables import metadata
from varna.domain.subjects.keys import keyed_hash

DANA_EMAIL = "dana.lund@example.com"
DANA_PHONE = "+46701239876"
DANA_PNR = personnummer("19810203", "135")
DANA_ICCID = test_iccid(7001)
MARKUP = '<script>alert("x")</script>'  # text that must stay text in the HTML extract


@dataclass
class Made:
    """The ids made so far: a factory finds the rows its record hangs on here."""

    secret: bytes
    ids: dict[str, Any] = field(default_factory=dict)


def _add(conn: Connection, table: str, **values: Any) -> Any:
    sql_table: Table = metadata.tables[table]
    result = conn.execute(insert(sql_table).values(**values))
    key = result.inserted_primary_key
    return key[0] if key else None


def _organisations(conn: Connection, made: Made) -> None:
    made.ids["company"] = _add(
        conn,
        "organisations",
        kind="customer",
        name="Lundqvist AB",
        orgnr="556123-4567",
        source="test",
        created_at=NOW,
    )
    made.ids["firm"] = _add(
        conn,
        "organisations",
        kind="customer",
        name="Dana Lund Konsult",
        orgnr=f"{DANA_PNR[2:8]}-{DANA_PNR[8:]}",
        address="Provgatan 5, 111 22 Stockholm",
        privacy_contact_email=DANA_EMAIL,
        source="test",
        created_at=NOW,
    )


def _people(conn: Connection, made: Made) -> None:
    made.ids["person"] = _add(
        conn,
        "people",
        full_name="Dana Lund",
        email=DANA_EMAIL,
        phone=DANA_PHONE,
        address="Provgatan 5, 111 22 Stockholm",
        personnummer=DANA_PNR,
        source="test",
        created_at=NOW,
    )


def _person_roles(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "person_roles",
        person_id=made.ids["person"],
        organisation_id=made.ids["company"],
        role="customer_contact",
        title="Inköpare",
        started_on=date(2024, 1, 1),
    )


def _quote_requests(conn: Connection, made: Made) -> None:
    made.ids["quote"] = _add(
        conn,
        "quote_requests",
        person_id=made.ids["person"],
        company_name="Lundqvist AB",
        message="Vi behöver 20 SIM-kort.",
        sim_count=20,
        received_at=NOW,
        source="web",
    )


def _orders(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "orders",
        organisation_id=made.ids["company"],
        contact_person_id=made.ids["person"],
        quote_request_id=made.ids["quote"],
        reference="O-7001",
        sim_count=20,
        ordered_at=NOW,
    )


def _sims(conn: Connection, made: Made) -> None:
    made.ids["sim"] = _add(
        conn,
        "sims",
        iccid=DANA_ICCID,
        imsi="240990000007001",
        msisdn="+46701747001",
        status="activated",
        customer_id=made.ids["company"],
        created_at=NOW,
    )


def _sim_end_users(conn: Connection, made: Made) -> None:
    _add(conn, "sim_end_users", sim_id=made.ids["sim"], end_user_ref=DANA_EMAIL)


def _devices(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "devices",
        sim_id=made.ids["sim"],
        customer_id=made.ids["company"],
        imei="490154203237518",
        name="Danas mätare",
        ip_address="192.0.2.77",
    )


def _usage_records(conn: Connection, made: Made) -> None:
    if conn.dialect.name == "postgresql":  # monthly partitions, made as data arrives
        ensure_partitions(conn, [NOW.date()])
    _add(
        conn,
        "usage_records",
        source_id=7001,
        sim_id=made.ids["sim"],
        started_at=NOW - timedelta(hours=2),
        ended_at=NOW - timedelta(hours=1),
        bytes_up=100,
        bytes_down=1000,
        mcc="240",
        mnc="01",
        cell_id=4711,
        lac_tac=17,
        rat="LTE",
        traffic_type="data",
    )


def _invoices(conn: Connection, made: Made) -> None:
    made.ids["invoice"] = _add(
        conn,
        "invoices",
        organisation_id=made.ids["firm"],
        contact_person_id=made.ids["person"],
        number="F-2016-7001",
        issued_on=date(2016, 3, 31),
        due_on=date(2016, 4, 30),
        fiscal_year=2016,  # its bookkeeping period has ended: erased now (R4)
        billing_address="Provgatan 5, 111 22 Stockholm",
        total_ore=50_000,
        currency="SEK",
        paid_on=date(2016, 4, 20),
        disputed=False,
    )


def _invoice_lines(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "invoice_lines",
        invoice_id=made.ids["invoice"],
        sim_id=made.ids["sim"],
        description="Månadsavgift",
        quantity=1,
        unit_price_ore=50_000,
        amount_ore=50_000,
    )


def _payments(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "payments",
        invoice_id=made.ids["invoice"],
        paid_at=NOW - timedelta(days=3650),
        amount_ore=50_000,
        method="card",
        card_token="tok_test_7001",
        card_last4="4242",
    )


def _support_tickets(conn: Connection, made: Made) -> None:
    made.ids["ticket"] = _add(
        conn,
        "support_tickets",
        organisation_id=made.ids["company"],
        person_id=made.ids["person"],
        subject="Ingen täckning",
        status="closed",
        opened_at=NOW - timedelta(days=9),
        closed_at=NOW - timedelta(days=8),
    )


def _ticket_messages(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "ticket_messages",
        ticket_id=made.ids["ticket"],
        author_person_id=made.ids["person"],
        body=f"Hej, mätaren når inte nätet. {MARKUP}",
        sent_at=NOW - timedelta(days=9),
    )


def _web_visits(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "web_visits",
        person_id=made.ids["person"],
        visited_at=NOW,
        path="/priser",
        ip_address="192.0.2.77",
        cookie_id="c-dana",
        user_agent="TestBrowser/1.0",
    )


def _restrictions(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "restrictions",
        person_id=made.ids["person"],
        reason="Bestrider uppgifterna",
        restricted_at=NOW - timedelta(days=20),
        lifted_at=NOW - timedelta(days=10),
        lift_reason="Rättat",
    )


def _objections(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "objections",
        person_id=made.ids["person"],
        purpose="analytics",
        objected_at=NOW - timedelta(days=20),
    )


def _marketing_suppressions(conn: Connection, made: Made) -> None:
    _add(conn, "marketing_suppressions", email_hmac=keyed_hash(DANA_EMAIL, made.secret))


def _rectifications(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "rectifications",
        person_id=made.ids["person"],
        record_table="people",
        record_column="address",
        record_id=made.ids["person"],
        old_value="Gamla vägen 1",
        statement="Flyttat",
        rectified_at=NOW - timedelta(days=10),
    )


def _legal_holds(conn: Connection, made: Made) -> None:
    made.ids["hold"] = _add(
        conn,
        "legal_holds",
        kind="legal_hold",
        reason="Tvist",
        reference="T 7001-25",
        owner="Jurist Jonsson",
        review_date=date(2026, 1, 31),
        scope="person",
        person_id=made.ids["person"],
        created_at=NOW - timedelta(days=400),
        released_at=NOW - timedelta(days=300),
    )


def _disclosures(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "disclosures",
        recipient="credit_reference_agency",
        person_id=made.ids["person"],
        categories=["name", "national_id"],
        disclosed_at=NOW - timedelta(days=700),
        reference="UC-7001",
    )


def _outbox(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "outbox",
        kind="restriction_lifted",
        person_id=made.ids["person"],
        dedupe_key="restriction_lifted:test:7001",
        details={"restriction_id": 1},
        created_at=NOW - timedelta(days=10),
        sent_at=NOW - timedelta(days=10),
        attempts=0,
    )


def _erasure_runs(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "erasure_runs",
        person_id=made.ids["person"],
        actor="test",
        ran_at=NOW - timedelta(days=30),
        outcome={"categories": [], "dry_run": True},
    )


def _controller_requests(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "controller_requests",
        organisation_id=made.ids["company"],
        person_id=made.ids["person"],
        kind="erasure",
        sim_ids=[made.ids["sim"]],
        status="routed",
        received_at=NOW - timedelta(days=30),
    )


def _consent_events(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "consent_events",
        person_id=made.ids["person"],
        purpose="newsletter",
        event="given",
        notice_version="2026-01",
        text_hash="0" * 64,
        channel="privacy_center",
        language="sv",
        at=NOW - timedelta(days=60),
    )


def _mail_outbox(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "mail_outbox",
        person_id=made.ids["person"],
        recipient=DANA_EMAIL,
        purpose="newsletter",
        mail_subject="Nyheter",
        message_body="Hej Dana!",
        unsubscribe_url="https://varna.example.com/u/abc",
        created_at=NOW - timedelta(days=5),
        sent_at=NOW - timedelta(days=5),
    )


def _unsubscribe_tokens(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "unsubscribe_tokens",
        token_hash="a" * 64,
        person_id=made.ids["person"],
        purpose="newsletter",
        created_at=NOW - timedelta(days=5),
    )


def _privacy_center_links(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "privacy_center_links",
        token_hash="b" * 64,
        person_id=made.ids["person"],
        created_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=6),
    )


def _evidence_vault(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "evidence_vault",
        hold_id=made.ids["hold"],
        person_id=made.ids["person"],
        source_table="web_visits",
        record_ids=[1, 2],
        payload={"path": "/priser"},
        moved_at=NOW - timedelta(days=350),
        end_date=date(2026, 1, 31),
    )


def _subject_requests(conn: Connection, made: Made) -> None:
    _add(
        conn,
        "subject_requests",
        reference="dana-lund-request-reference",
        kind="access",
        state="completed",
        email=DANA_EMAIL,
        email_hmac=keyed_hash(DANA_EMAIL, made.secret),
        identifiers={"iccid": [DANA_ICCID]},
        details="Vill se mina uppgifter",
        language="sv",
        received_at=NOW - timedelta(days=40),
        due_date=date(2026, 10, 22),
        extension_months=0,
        person_id=made.ids["person"],
        outcome={"files": ["extract.json"]},
        verified_at=NOW - timedelta(days=40),
        closed_at=NOW - timedelta(days=35),
    )


# Tables the catalogue declares with personal data that are not about the people a subject
# request names, and why (a test fails for any other table without a factory).
NOT_A_PERSONS: dict[str, str] = {
    "staff_accounts": "a staff member's login: found by the console, not by a person's request",
}

# table -> its factory, in the order they run (a record after the rows it hangs on)
RECORDS: dict[str, Callable[[Connection, Made], None]] = {
    "organisations": _organisations,
    "people": _people,
    "person_roles": _person_roles,
    "quote_requests": _quote_requests,
    "orders": _orders,
    "sims": _sims,
    "sim_end_users": _sim_end_users,
    "devices": _devices,
    "usage_records": _usage_records,
    "invoices": _invoices,
    "invoice_lines": _invoice_lines,
    "payments": _payments,
    "support_tickets": _support_tickets,
    "ticket_messages": _ticket_messages,
    "web_visits": _web_visits,
    "restrictions": _restrictions,
    "objections": _objections,
    "marketing_suppressions": _marketing_suppressions,
    "rectifications": _rectifications,
    "legal_holds": _legal_holds,
    "disclosures": _disclosures,
    "outbox": _outbox,
    "erasure_runs": _erasure_runs,
    "controller_requests": _controller_requests,
    "consent_events": _consent_events,
    "mail_outbox": _mail_outbox,
    "unsubscribe_tokens": _unsubscribe_tokens,
    "privacy_center_links": _privacy_center_links,
    "evidence_vault": _evidence_vault,
    "subject_requests": _subject_requests,
}


def add_every_record(conn: Connection, secret: bytes) -> Made:
    """One record of each kind in ``RECORDS`` for Dana Lund, in one transaction."""
    made = Made(secret)
    for factory in RECORDS.values():
        factory(conn, made)
    return made
