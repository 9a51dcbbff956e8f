"""Every person role is swept on its own rule, on SQLite and PostgreSQL (R1, R2, D6).

Leads go 12 months after their last quote request unless it became an order; newsletter
subscribers the day after their consent was withdrawn; web visitors 13 months after their
last visit. A person with several roles goes when every role is due. Each test checks the
exact day with an explicit as-of date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tests.integration.test_retention import FixedClock, _line, sweep
from tests.retention_factories import (
    add_consent,
    add_customer,
    add_person,
    add_quote_request,
    add_role,
    add_visits,
)
from varna.adapters.db.tables import audit_events, erasure_runs, people, retention_batches
from varna.bootstrap import Container

__all__ = ["FixedClock"]


def _name(container: Container, person_id: int) -> str:
    with container.engine.connect() as conn:
        return str(
            conn.execute(select(people.c.full_name).where(people.c.id == person_id)).scalar_one()
        )


def _erased(container: Container, person_id: int) -> bool:
    return _name(container, person_id) == "[erased]"


def test_R1_lead_without_order_goes_12_months_after_its_last_request(
    container: Container,
) -> None:
    lead = add_person(container, 1, "lead", started_on=date(2025, 1, 5))
    add_quote_request(container, lead, datetime(2025, 1, 5, 9, tzinfo=UTC))
    add_quote_request(container, lead, datetime(2025, 3, 10, 16, tzinfo=UTC))  # the last one
    ordered = add_person(container, 2, "lead", started_on=date(2025, 1, 5))
    add_quote_request(container, ordered, datetime(2025, 1, 5, 9, tzinfo=UTC), ordered=True)

    plan = sweep(container, date(2026, 3, 10), dry_run=True)
    assert _line(plan, "people.lead_no_order")["due_rows"] == 0
    sweep(container, date(2026, 3, 10))
    assert not _erased(container, lead)

    plan = sweep(container, date(2026, 3, 11), dry_run=True)
    line = _line(plan, "people.lead_no_order")
    assert (line["rule"], line["due_rows"]) == ("lead_no_order", 1)
    report = sweep(container, date(2026, 3, 11))
    assert _erased(container, lead)
    assert not _erased(container, ordered)  # a lead that ordered is not a lead without order
    assert _line(report, "people.lead_no_order")["done"]["anonymise"] > 0


def test_R2_a_lead_that_ordered_goes_a_year_after_the_customers_contract_ended(
    container: Container,
) -> None:
    """A lead whose request became an order is that customer's contact from then on: the
    contract terminated 2025-01-15, so the person is kept on 2026-01-15, erased on 2026-01-16."""
    converted = add_person(container, 1, "lead", started_on=date(2024, 3, 1))
    add_quote_request(
        container,
        converted,
        datetime(2024, 3, 1, 9, tzinfo=UTC),
        ordered=True,
        contract_ended=date(2025, 1, 15),
    )
    running = add_person(container, 2, "lead", started_on=date(2024, 3, 1))
    add_quote_request(container, running, datetime(2024, 3, 1, 9, tzinfo=UTC), ordered=True)
    sweep(container, date(2026, 1, 15))
    assert not _erased(container, converted)
    sweep(container, date(2026, 1, 16))
    assert _erased(container, converted)
    assert not _erased(container, running)  # its customer has no ended contract


def test_D6_R1_newsletter_subscriber_goes_the_day_after_withdrawing_consent(
    container: Container,
) -> None:
    withdrew = add_person(container, 1, "newsletter_subscriber", started_on=date(2024, 5, 1))
    add_consent(
        container,
        withdrew,
        [
            ("given", datetime(2024, 5, 1, 8, tzinfo=UTC)),
            ("withdrawn", datetime(2026, 2, 3, 21, tzinfo=UTC)),
        ],
        purpose="newsletter",
    )
    standing = add_person(container, 2, "newsletter_subscriber", started_on=date(2024, 5, 1))
    add_consent(
        container, standing, [("given", datetime(2024, 5, 1, 8, tzinfo=UTC))], purpose="newsletter"
    )
    again = add_person(container, 3, "newsletter_subscriber", started_on=date(2024, 5, 1))
    add_consent(
        container,
        again,
        [
            ("given", datetime(2024, 5, 1, 8, tzinfo=UTC)),
            ("withdrawn", datetime(2025, 2, 1, 8, tzinfo=UTC)),
            ("given", datetime(2025, 6, 1, 8, tzinfo=UTC)),  # subscribed again
        ],
        purpose="newsletter",
    )

    sweep(container, date(2026, 2, 3))
    assert not _erased(container, withdrew)
    report = sweep(container, date(2026, 2, 4))
    assert _erased(container, withdrew)
    assert not _erased(container, standing)
    assert not _erased(container, again)
    line = _line(report, "people.newsletter")
    assert (line["rule"], line["subjects"]) == ("newsletter", 1)


def test_R1_web_visitor_goes_13_months_after_the_last_visit(container: Container) -> None:
    visitor = add_person(container, 1, "web_visitor", started_on=date(2024, 11, 2))
    add_visits(container, [date(2024, 11, 2), date(2025, 1, 10)], person_id=visitor)
    sweep(container, date(2026, 2, 10), only={"people.web_visit"})
    assert not _erased(container, visitor)
    sweep(container, date(2026, 2, 11), only={"people.web_visit"})
    assert _erased(container, visitor)


def test_R2_D6_a_person_with_two_roles_goes_when_both_are_due(container: Container) -> None:
    """A customer contact (terminated 2025-01-15) who also takes the newsletter: erased only
    once the consent is withdrawn too, and by the contacts' target (R2)."""
    customer = add_customer(container, 1, terminated_on=date(2025, 1, 15))
    add_role(container, customer.person_id, "newsletter_subscriber", started_on=date(2024, 1, 1))
    add_consent(
        container,
        customer.person_id,
        [
            ("given", datetime(2024, 1, 1, tzinfo=UTC)),
            ("withdrawn", datetime(2026, 5, 1, tzinfo=UTC)),
        ],
        purpose="newsletter",
    )
    sweep(container, date(2026, 1, 16))
    assert not _erased(container, customer.person_id)
    sweep(container, date(2026, 5, 1))
    assert not _erased(container, customer.person_id)
    report = sweep(container, date(2026, 5, 2))
    assert _erased(container, customer.person_id)
    assert _line(report, "people")["subjects"] == 1
    assert _line(report, "people.newsletter")["due_rows"] == 0


def test_R2_people_of_every_role_go_in_audited_batches_counted_once(container: Container) -> None:
    for n in range(5):
        lead = add_person(container, n, "lead", started_on=date(2024, 1, 1))
        add_quote_request(container, lead, datetime(2024, 1, 1, 9, tzinfo=UTC))
    report = sweep(container, date(2026, 1, 1), batch_rows=200)  # two people per batch
    with container.engine.connect() as conn:
        batches = (
            conn.execute(
                select(retention_batches.c.subjects).where(
                    retention_batches.c.run_id == report.run_id,
                    retention_batches.c.target == "people.lead_no_order",
                )
            )
            .scalars()
            .all()
        )
        runs = conn.execute(
            select(func.count()).where(erasure_runs.c.actor == f"retention:{report.run_id}")
        ).scalar_one()
        audited = conn.execute(
            select(func.count()).where(audit_events.c.action == "retention.anonymise")
        ).scalar_one()
    assert batches == [2, 2, 1]
    assert runs == 5 and audited == 3
    again = sweep(container, date(2026, 1, 1))
    assert again.total("anonymise") == 0
