"""Retention sweeps with time travel, on SQLite and PostgreSQL (R1, R2, R3, R4, R5, R6, P6).

Every sweep takes an explicit as-of date; the tests build contracts, invoices and tickets that
ended on given days and check the exact day their data becomes due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, insert, select, update

from tests.contexts import by
from tests.retention_factories import (
    Customer,
    add_consent,
    add_customer,
    add_hold,
    add_invoice,
    add_sims,
    add_ticket,
    add_visits,
    load_usage,
    usage_rows,
)
from varna.adapters.db.tables import (
    audit_events,
    consent_events,
    evidence_vault,
    evidence_vault_reads,
    invoice_lines,
    invoices,
    legal_holds,
    organisations,
    payments,
    people,
    privacy_center_links,
    retention_batches,
    support_tickets,
    ticket_messages,
    unsubscribe_tokens,
    usage_daily_totals,
    usage_records,
    web_visits,
)
from varna.bootstrap import Container, build
from varna.config import Settings
from varna.domain.retention.interest import DecisionRefused
from varna.domain.retention.vault import PRIVACY_OFFICER, VaultAccessRefused
from varna.services.retention.interest import decide_legitimate_interest
from varna.services.retention.sweep import SweepCommand, SweepReport, run_sweep
from varna.services.retention.vault import read_vault_entry


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def sweep(
    container: Container,
    as_of: date,
    *,
    dry_run: bool = False,
    only: set[str] | None = None,
    batch_rows: int = 1_000,
    k: int = 5,
    usage_totals: bool = False,
) -> SweepReport:
    command = SweepCommand(
        as_of=as_of,
        dry_run=dry_run,
        batch_rows=batch_rows,
        k=k,
        usage_totals=usage_totals,
        only=frozenset(only) if only else None,
    )
    return run_sweep(
        by(container, FixedClock()),
        command,
        actor="test",
    )


def _count(container: Container, table: object, *where: object) -> int:
    with container.engine.connect() as conn:
        query = select(func.count()).select_from(table)  # type: ignore[arg-type]
        return int(conn.execute(query.where(*where)).scalar_one())  # type: ignore[arg-type]


def _person(container: Container, customer: Customer) -> tuple[str, str | None]:
    with container.engine.connect() as conn:
        row = conn.execute(
            select(people.c.full_name, people.c.email).where(people.c.id == customer.person_id)
        ).one()
    return row[0], row[1]


def _line(report: SweepReport, target: str) -> dict[str, object]:
    return next(line.as_dict() for line in report.lines if line.target == target)


def test_R2_terminated_contract_kept_365_days_then_erased(container: Container) -> None:
    """R2: terminated 2025-01-15, still kept on 2026-01-15, erased on 2026-01-16."""
    ended = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    running = add_customer(container, 2, terminated_on=None)

    plan = sweep(container, date(2026, 1, 15), dry_run=True, only={"people"})
    assert _line(plan, "people")["due_rows"] == 0
    sweep(container, date(2026, 1, 15), only={"people"})
    assert _person(container, ended) == ("Testa Person 1", "kontakt1@example.com")

    plan = sweep(container, date(2026, 1, 16), dry_run=True, only={"people"})
    assert _line(plan, "people")["due_rows"] == 1
    assert _person(container, ended)[0] == "Testa Person 1"  # a dry run changes nothing
    report = sweep(container, date(2026, 1, 16), only={"people"})
    assert _person(container, ended) == ("[erased]", None)
    assert _person(container, running) == ("Testa Person 2", "kontakt2@example.com")
    assert report.total("anonymise") > 0
    # A second run on the same day finds nothing left and counts nothing twice.
    again = sweep(container, date(2026, 1, 16), only={"people"})
    assert again.total("anonymise") == 0


def test_R4_P5_fiscal_year_2025_kept_until_2032_12_31(container: Container) -> None:
    """R4: invoices, lines and payments of fiscal year 2025 stay through 2032-12-31."""
    customer = add_customer(container, 1, terminated_on=date(2025, 6, 30))
    add_invoice(
        container,
        customer,
        number="F-2025-1",
        fiscal_year=2025,
        issued_on=date(2025, 4, 1),
        paid_on=date(2025, 4, 20),
    )
    add_invoice(
        container,
        customer,
        number="F-2026-1",
        fiscal_year=2026,
        issued_on=date(2026, 1, 2),
        paid_on=date(2026, 1, 20),
    )
    sweep(container, date(2032, 12, 31), only={"invoices"})
    assert _count(container, invoices) == 2
    report = sweep(container, date(2033, 1, 1), only={"invoices"})
    assert _count(container, invoices) == 1
    assert _count(container, invoice_lines) == 1
    assert _count(container, payments) == 1
    assert _line(report, "invoices")["done"] == {"delete": 1}


def test_R4_broken_fiscal_year_keeps_invoices_to_the_end_of_its_seventh_year(
    container: Container, settings: Settings
) -> None:
    """R4: with VARNA_FISCAL_YEAR_END=06-30 an invoice issued 2025-09-01 (fiscal year
    2025-07-01..2026-06-30) stays through 2033-12-31; one issued 2025-05-01 (the fiscal year
    that ended 2025-06-30) goes on 2033-01-01. The invoice's own fiscal-year label is not
    what counts."""
    june = build(settings.model_copy(update={"fiscal_year_end": "06-30"}))
    try:
        customer = add_customer(june, 1, terminated_on=date(2026, 6, 30))
        for number, issued in (("F-1", date(2025, 5, 1)), ("F-2", date(2025, 9, 1))):
            add_invoice(
                june, customer, number=number, fiscal_year=2025, issued_on=issued, paid_on=issued
            )
        sweep(june, date(2032, 12, 31), only={"invoices"})
        assert _count(june, invoices) == 2
        sweep(june, date(2033, 1, 1), only={"invoices"})
        assert _count(june, invoices) == 1
        sweep(june, date(2033, 12, 31), only={"invoices"})
        assert _count(june, invoices) == 1
        report = sweep(june, date(2034, 1, 1), only={"invoices"})
        assert _count(june, invoices) == 0
        assert _line(report, "invoices")["done"] == {"delete": 1}
    finally:
        june.close()


def test_R2_after_the_contract_an_organisations_address_and_card_tokens_go(
    container: Container,
) -> None:
    """R2: a customer terminated 2025-01-15 keeps its address, privacy contact and card
    tokens through 2026-01-15; on 2026-01-16 they are emptied while its name, invoices and
    payments stay for bookkeeping (R4). A running customer keeps them."""
    ended = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    running = add_customer(container, 2, terminated_on=None)
    for customer in (ended, running):
        add_invoice(
            container,
            customer,
            number=f"F-{customer.organisation_id}",
            fiscal_year=2024,
            issued_on=date(2024, 11, 1),
            paid_on=date(2024, 11, 20),
        )
    with container.engine.begin() as conn:
        conn.execute(update(organisations).values(privacy_contact_email="dataskydd@example.com"))
        conn.execute(update(payments).values(card_token="tok_test_4242", card_last4="4242"))

    def kept(customer: Customer) -> tuple[object, ...]:
        with container.engine.connect() as conn:
            org = conn.execute(
                select(
                    organisations.c.name,
                    organisations.c.address,
                    organisations.c.privacy_contact_email,
                ).where(organisations.c.id == customer.organisation_id)
            ).one()
            token = conn.execute(
                select(payments.c.card_token, payments.c.card_last4)
                .join(invoices, invoices.c.id == payments.c.invoice_id)
                .where(invoices.c.organisation_id == customer.organisation_id)
            ).one()
        return (*org, *token)

    sweep(container, date(2026, 1, 15))
    assert kept(ended)[1:4] == (
        "Testgatan 1, 111 11 Stockholm",
        "dataskydd@example.com",
        "tok_test_4242",
    )
    plan = sweep(container, date(2026, 1, 16), dry_run=True)
    sweep(container, date(2026, 1, 16))
    assert kept(ended) == ("Testbolag 1 AB", None, None, None, "4242")
    assert _line(plan, "organisations.after_contract")["due_rows"] == 1
    assert kept(running)[1:4] == (
        "Testgatan 2, 111 11 Stockholm",
        "dataskydd@example.com",
        "tok_test_4242",
    )
    assert _count(container, invoices) == 2 and _count(container, payments) == 2


def test_R1_consent_proof_goes_three_years_after_the_consent_ended(container: Container) -> None:
    """R1 (C7's proof rule): a chain of consent events (one subject, one purpose) whose latest
    event withdrew or refused the consent is kept three years, then deleted whole, with the
    person's unsubscribe link for that purpose; a consent that stands keeps its proof and
    link, however old."""
    withdrawn = add_customer(container, 1, terminated_on=None)
    standing = add_customer(container, 2, terminated_on=None)
    t = lambda y, m, d: datetime(y, m, d, 10, tzinfo=UTC)  # noqa: E731
    add_consent(
        container,
        withdrawn.person_id,
        [("given", t(2021, 5, 1)), ("withdrawn", t(2023, 2, 1))],
        purpose="newsletter",
    )
    add_consent(
        container,
        standing.person_id,
        [("given", t(2020, 1, 1)), ("withdrawn", t(2021, 1, 1)), ("given", t(2021, 6, 1))],
        purpose="newsletter",
    )
    with container.engine.begin() as conn:
        for browser, event in (("b" * 20, "refused"), ("c" * 20, "given")):
            conn.execute(
                insert(consent_events).values(
                    browser_id=browser,
                    purpose="statistics",
                    event=event,
                    notice_version="2023-03-28",
                    text_hash="0" * 64,
                    channel="banner",
                    language="sv",
                    at=t(2023, 2, 1),
                )
            )
        conn.execute(
            insert(unsubscribe_tokens),
            [
                {
                    "token_hash": f"{p}" * 64,
                    "person_id": p,
                    "purpose": "newsletter",
                    "created_at": t(2022, 6, 1),
                }
                for p in (withdrawn.person_id, standing.person_id)
            ],
        )
    swept = {"consent_events", "unsubscribe_tokens"}
    sweep(container, date(2026, 2, 1), only=swept)
    assert _count(container, consent_events) == 7
    assert _count(container, unsubscribe_tokens) == 2
    report = sweep(container, date(2026, 2, 2), only=swept)
    assert _count(container, consent_events) == 4
    assert _count(container, unsubscribe_tokens) == 1  # the standing consent's link stays
    assert _count(container, consent_events, consent_events.c.person_id == withdrawn.person_id) == 0
    assert _count(container, consent_events, consent_events.c.browser_id == "b" * 20) == 0
    assert _count(container, consent_events, consent_events.c.person_id == standing.person_id) == 3
    assert _line(report, "consent_events")["done"] == {"delete": 3}


def test_R1_privacy_center_links_go_90_days_after_they_were_made(container: Container) -> None:
    """R1: a privacy-center link (a token's hash, keyed by it: the table has no id) made
    2026-01-01 10:00 is kept through 2026-04-01 and deleted on 2026-04-02."""
    customer = add_customer(container, 1, terminated_on=None)
    with container.engine.begin() as conn:
        conn.execute(
            insert(privacy_center_links),
            [
                {
                    "token_hash": f"{n}" * 64,
                    "person_id": customer.person_id,
                    "created_at": datetime(2026, 1, day, 10, tzinfo=UTC),
                    "expires_at": datetime(2026, 1, day, 11, tzinfo=UTC),
                }
                for n, day in ((1, 1), (2, 1), (3, 20))
            ],
        )
    sweep(container, date(2026, 4, 1), only={"privacy_center_links"})
    assert _count(container, privacy_center_links) == 3
    report = sweep(container, date(2026, 4, 2), only={"privacy_center_links"}, batch_rows=1)
    assert _count(container, privacy_center_links) == 1
    assert _line(report, "privacy_center_links")["done"] == {"delete": 2}


def test_R1_a_released_holds_record_goes_ten_years_after_its_release(
    container: Container,
) -> None:
    """R1 (rights_record): the record of a legal hold released 2020-01-10 is kept through
    2030-01-10 and deleted on 2030-01-11; a hold in force stays, however old."""
    customer = add_customer(container, 1, terminated_on=None)
    other = add_customer(container, 2, terminated_on=None)  # a hold keeps its person's data
    released = add_hold(container, review_date=date(2031, 1, 1), person_id=customer.person_id)
    active = add_hold(container, review_date=date(2031, 1, 1), person_id=other.person_id)
    with container.engine.begin() as conn:
        conn.execute(
            update(legal_holds)
            .where(legal_holds.c.id == released)
            .values(released_at=datetime(2020, 1, 10, 12, tzinfo=UTC))
        )
    sweep(container, date(2030, 1, 10), only={"legal_holds"})
    assert _count(container, legal_holds) == 2
    report = sweep(container, date(2030, 1, 11), only={"legal_holds"})
    assert _count(container, legal_holds, legal_holds.c.id == released) == 0
    assert _count(container, legal_holds, legal_holds.c.id == active) == 1
    assert _line(report, "legal_holds")["done"] == {"delete": 1}


def test_R5_P6_closed_ticket_kept_24_months(container: Container) -> None:
    """R5, P6: a case closed 2025-03-01 stays through 2027-03-01; open cases stay."""
    customer = add_customer(container, 1, terminated_on=None)
    add_ticket(container, customer, closed_at=datetime(2025, 3, 1, 15, tzinfo=UTC))
    add_ticket(container, customer, closed_at=None)
    sweep(container, date(2027, 3, 1), only={"support_tickets"})
    assert _count(container, support_tickets) == 2
    sweep(container, date(2027, 3, 2), only={"support_tickets"})
    assert _count(container, support_tickets) == 1
    assert _count(container, ticket_messages) == 1


def test_R1_web_visits_go_13_months_after_the_visit(container: Container) -> None:
    add_visits(container, [date(2025, 1, 10), date(2025, 6, 1)])
    sweep(container, date(2026, 2, 10), only={"web_visits"})
    assert _count(container, web_visits) == 2
    report = sweep(container, date(2026, 2, 11), only={"web_visits"})
    assert _count(container, web_visits) == 1
    assert _line(report, "web_visits")["done"] == {"delete": 1}


def test_R2_legal_hold_skips_the_person(container: Container) -> None:
    """R2, R-RET-06: a held person is skipped, and the report says it was held."""
    held = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    add_hold(container, review_date=date(2030, 1, 1), person_id=held.person_id)
    report = sweep(container, date(2026, 1, 16), only={"people"})
    assert _person(container, held)[0] == "Testa Person 1"
    assert _line(report, "people")["held_rows"] == 1


def test_R2_hold_past_review_is_released_and_its_data_becomes_due(container: Container) -> None:
    """R-RET-06: a hold past its review date without re-approval lapses."""
    customer = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    hold_id = add_hold(
        container, review_date=date(2026, 1, 10), organisation_id=customer.organisation_id
    )
    report = sweep(container, date(2026, 1, 16), only={"people"})
    assert report.released_holds == [hold_id]
    assert _count(container, legal_holds, legal_holds.c.released_at.is_not(None)) == 1
    assert _person(container, customer)[0] == "[erased]"
    assert _count(container, audit_events, audit_events.c.action == "retention.hold_released") == 1


def test_R6_evidence_hold_moves_data_to_the_vault_read_by_privacy_officer_only(
    container: Container,
) -> None:
    """R6: evidence leaves the operational tables for the vault; a read without the
    privacy-officer role is refused and logged; every read is logged."""
    customer = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    add_ticket(container, customer, closed_at=datetime(2025, 1, 20, tzinfo=UTC))
    add_hold(container, kind="evidence", review_date=date(2030, 1, 1), person_id=customer.person_id)
    report = sweep(container, date(2027, 3, 1), only={"people", "support_tickets"})
    assert _person(container, customer)[0] == "[erased]"
    assert _count(container, support_tickets) == 0
    assert report.total("move") >= 1
    with container.engine.connect() as conn:
        entry_id = conn.execute(select(func.min(evidence_vault.c.id))).scalar_one()
        end = conn.execute(select(func.max(evidence_vault.c.end_date))).scalar_one()
    assert end <= date(2037, 3, 1)  # at most the 10-year limitation period

    with pytest.raises(VaultAccessRefused):
        read_vault_entry(by(container, FixedClock()), entry_id, actor="staff:7", role="support")
    payload = read_vault_entry(
        by(container, FixedClock()), entry_id, actor="staff:1", role=PRIVACY_OFFICER
    )
    assert "Testa Person 1" in str(payload) or "Modemet" in str(payload)
    assert _count(container, evidence_vault_reads) == 2
    assert _count(container, evidence_vault_reads, evidence_vault_reads.c.allowed.is_(False)) == 1
    refused = audit_events.c.action == "retention.vault_read_refused"
    assert _count(container, audit_events, refused) == 1


def test_R3_legitimate_interest_keeps_only_with_a_recorded_decision(container: Container) -> None:
    """R3: a category keeps data on legitimate interest only with a decision (reason, end)."""
    add_visits(container, [date(2024, 1, 10)])
    with pytest.raises(DecisionRefused):
        decide_legitimate_interest(
            by(container, FixedClock()),
            category="ip_address",
            reason="Bedrägeriutredning",
            end_date=None,
            actor="test",
        )
    decide_legitimate_interest(
        by(container, FixedClock()),
        category="ip_address",
        reason="Security: investigating a series of fraudulent sign-ups",
        end_date=date(2027, 6, 30),
        actor="test",
    )
    report = sweep(container, date(2026, 11, 1), only={"web_visits"})
    assert _count(container, web_visits) == 1
    assert str(_line(report, "web_visits")["held_reason"]).startswith("legitimate_interest")
    sweep(container, date(2027, 7, 1), only={"web_visits"})
    assert _count(container, web_visits) == 0


def _usage_world(container: Container) -> tuple[Customer, list[int]]:
    customer = add_customer(container, 1, terminated_on=None)
    sim_ids = add_sims(container, customer, 6, first=100)
    rows = list(usage_rows(sim_ids, date(2026, 1, 1), 60, 2))  # Jan and Feb 2026
    rows += list(usage_rows(sim_ids[:1], date(2026, 1, 5), 1, 3, mcc="238"))  # 1 SIM in DK
    load_usage(container, rows)
    # Q1 invoice issued 2026-02-01, paid 2026-02-10: January's usage is settled.
    add_invoice(
        container,
        customer,
        number="F-2026-1",
        fiscal_year=2026,
        issued_on=date(2026, 2, 1),
        paid_on=date(2026, 2, 10),
    )
    return customer, sim_ids


def test_P3_R2_usage_is_deleted_once_its_invoice_is_settled(container: Container) -> None:
    """R-RET-04: usage billed by a paid, undisputed invoice goes 30 days after payment."""
    _usage_world(container)
    total = _count(container, usage_records)
    sweep(container, date(2026, 3, 12), only={"usage_records"})
    assert _count(container, usage_records) == total
    report = sweep(container, date(2026, 3, 13), only={"usage_records"}, batch_rows=50)
    january = 6 * 31 * 2 + 3
    assert _count(container, usage_records) == total - january
    assert _line(report, "usage_records")["done"] == {"delete": january}
    with container.engine.connect() as conn:
        earliest = conn.execute(select(func.min(usage_records.c.started_at))).scalar_one()
    assert earliest >= datetime(2026, 2, 1, tzinfo=UTC)


def test_P6_usage_anonymised_into_daily_totals_with_k_suppression(container: Container) -> None:
    """Anonymising usage: per customer, day and country, no SIM or cell; groups under k go."""
    customer, _ = _usage_world(container)
    report = sweep(container, date(2026, 3, 13), only={"usage_records"}, usage_totals=True, k=5)
    assert _line(report, "usage_records")["done"] == {"anonymise": 6 * 31 * 2 + 3}
    with container.engine.connect() as conn:
        totals = conn.execute(
            select(
                usage_daily_totals.c.day,
                usage_daily_totals.c.mcc,
                usage_daily_totals.c.sims,
                usage_daily_totals.c.sessions,
                usage_daily_totals.c.customer_id,
            )
        ).all()
    assert len(totals) == 31  # one SE group per January day; the DK SIM alone is suppressed
    assert {t.mcc for t in totals} == {"240"}
    assert all(t.sims == 6 and t.sessions == 12 for t in totals)
    assert {t.customer_id for t in totals} == {customer.organisation_id}


def test_R1_cell_level_columns_are_emptied_after_90_days(container: Container) -> None:
    """R-RET-05: cell id and LAC/TAC go after 90 days; country and operator remain."""
    _usage_world(container)
    sweep(container, date(2026, 4, 2), only={"usage_records.cell_level"})
    cleared = usage_records.c.cell_id.is_(None)
    # Records of 2026-01-01 are kept through day 90 (2026-04-01) and cleared on 2026-04-02.
    assert _count(container, usage_records, cleared) == 6 * 2
    assert _count(container, usage_records, usage_records.c.mcc.is_(None)) == 0


def test_R2_batches_are_recorded_with_audit_events(container: Container) -> None:
    add_visits(container, [date(2024, 1, d) for d in range(1, 21)])
    report = sweep(container, date(2026, 1, 1), only={"web_visits"}, batch_rows=7)
    with container.engine.connect() as conn:
        batches = (
            conn.execute(
                select(retention_batches.c.rows).where(retention_batches.c.run_id == report.run_id)
            )
            .scalars()
            .all()
        )
    assert batches == [7, 7, 6]
    assert _count(container, audit_events, audit_events.c.action == "retention.delete") == 3
