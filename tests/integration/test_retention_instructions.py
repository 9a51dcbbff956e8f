"""The controller's instruction on its usage data, on SQLite and PostgreSQL (A2, R-RET-04).

Each customer (the controller) may instruct another period and action for its usage records;
the sweep applies it per customer and falls back to the default rule set (the LEK traffic
rules: 30 days after the invoice is paid and undisputed) for the others. Instructions are
versioned, with who recorded them and when.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.contexts import by
from tests.integration.test_retention import FixedClock, _count, _line, sweep
from tests.retention_factories import (
    Customer,
    add_customer,
    add_invoice,
    add_sims,
    load_usage,
    usage_rows,
)
from varna.adapters.db.tables import audit_events, sims, usage_daily_totals, usage_records
from varna.bootstrap import Container
from varna.domain.retention.instructions import InstructionRefused
from varna.services.retention.instructions import (
    InstructCommand,
    UnknownCustomer,
    instruct_retention,
    instruction_history,
    instructions_in_force,
)


def _customer_with_usage(container: Container, n: int, *, settled: bool) -> Customer:
    """6 SIMs with 2 records a day through January and February 2026; with ``settled``, the
    invoice of January (issued 2026-02-01) was paid 2026-02-10."""
    customer = add_customer(container, n, terminated_on=None)
    sim_ids = add_sims(container, customer, 6, first=100 * n)
    load_usage(container, list(usage_rows(sim_ids, date(2026, 1, 1), 59, 2)))
    if settled:
        add_invoice(
            container,
            customer,
            number=f"F-{n}",
            fiscal_year=2026,
            issued_on=date(2026, 2, 1),
            paid_on=date(2026, 2, 10),
        )
    return customer


def _instruct(container: Container, customer: Customer, days: int, action: str) -> None:
    command = InstructCommand(customer.organisation_id, days, action, reference="DPA-2026-004")
    instruct_retention(by(container, FixedClock()), command, actor="staff:1")


def _rows_of(container: Container, customer: Customer) -> int:
    owned = select(sims.c.id).where(sims.c.customer_id == customer.organisation_id)
    return _count(container, usage_records, usage_records.c.sim_id.in_(owned))


def _earliest(container: Container, customer: Customer) -> datetime:
    owned = select(sims.c.id).where(sims.c.customer_id == customer.organisation_id)
    with container.engine.connect() as conn:
        found = conn.execute(
            select(func.min(usage_records.c.started_at)).where(usage_records.c.sim_id.in_(owned))
        ).scalar_one()
    assert found is not None
    return found.astimezone(UTC)


def test_A2_instruction_sets_the_usage_period_per_customer(container: Container) -> None:
    """Kept 10 days after each record started: a record of 2026-01-05 is still there on
    2026-01-15 and gone on 2026-01-16; a customer without an instruction keeps the default."""
    instructed = _customer_with_usage(container, 1, settled=False)
    default = _customer_with_usage(container, 2, settled=False)
    _instruct(container, instructed, 10, "delete")
    per_day = 6 * 2

    sweep(container, date(2026, 1, 15), only={"usage_records"})
    assert _earliest(container, instructed) == datetime(2026, 1, 5, 0, 1, tzinfo=UTC)
    report = sweep(container, date(2026, 1, 16), only={"usage_records"}, batch_rows=7)
    assert _earliest(container, instructed) == datetime(2026, 1, 6, 0, 1, tzinfo=UTC)
    assert _rows_of(container, instructed) == (59 - 5) * per_day
    assert _rows_of(container, default) == 59 * per_day  # no settled invoice: nothing due
    assert _line(report, "usage_records")["done"] == {"delete": per_day}


def test_A2_P6_an_instruction_to_anonymise_while_the_default_deletes(
    container: Container,
) -> None:
    """Customer 1 instructs 50 days and anonymise: January 1-21 become daily totals (a
    partial month, whole days); customer 2's settled January is deleted by the default."""
    instructed = _customer_with_usage(container, 1, settled=False)
    default = _customer_with_usage(container, 2, settled=True)
    _instruct(container, instructed, 50, "anonymise")
    report = sweep(container, date(2026, 3, 13), only={"usage_records"}, batch_rows=30)
    assert _line(report, "usage_records")["done"] == {"anonymise": 21 * 12, "delete": 31 * 12}
    assert _earliest(container, instructed) == datetime(2026, 1, 22, 0, 1, tzinfo=UTC)
    assert _earliest(container, default) == datetime(2026, 2, 1, 0, 1, tzinfo=UTC)
    with container.engine.connect() as conn:
        totals = conn.execute(
            select(usage_daily_totals.c.customer_id, usage_daily_totals.c.day)
        ).all()
    assert {customer for customer, _ in totals} == {instructed.organisation_id}
    assert sorted(day for _, day in totals) == [date(2026, 1, d) for d in range(1, 22)]
    again = sweep(container, date(2026, 3, 13), only={"usage_records"})
    assert again.total("anonymise") == again.total("delete") == 0


def test_A2_a_month_due_for_everyone_goes_whole_each_customer_by_its_action(
    container: Container,
) -> None:
    """January is due for both customers: on PostgreSQL its partition is aggregated for the
    anonymising customer and dropped; February 1-20 follows by whole days."""
    instructed = _customer_with_usage(container, 1, settled=False)
    default = _customer_with_usage(container, 2, settled=True)
    _instruct(container, instructed, 20, "anonymise")
    plan = sweep(container, date(2026, 3, 13), dry_run=True, only={"usage_records"})
    assert _line(plan, "usage_records")["due_rows"] == (31 * 2 + 20) * 12
    assert (_line(plan, "usage_records")["oldest"], _line(plan, "usage_records")["subjects"]) == (
        "2026-01-01",
        2,
    )
    report = sweep(container, date(2026, 3, 13), only={"usage_records"}, usage_totals=False)
    assert _line(report, "usage_records")["done"] == {"anonymise": 51 * 12, "delete": 31 * 12}
    assert _earliest(container, instructed) == datetime(2026, 2, 21, 0, 1, tzinfo=UTC)
    assert _rows_of(container, default) == 28 * 12
    assert _count(container, usage_daily_totals) == 51


def test_A2_instructions_are_versioned_and_bad_ones_change_nothing(container: Container) -> None:
    customer = add_customer(container, 1, terminated_on=None)
    _instruct(container, customer, 90, "delete")
    _instruct(container, customer, 30, "anonymise")
    history = instruction_history(container.uow(), customer.organisation_id)
    assert [(i.version, i.usage_days, i.action) for i in history] == [
        (1, 90, "delete"),
        (2, 30, "anonymise"),
    ]
    assert history[1].recorded_by == "staff:1"
    assert history[1].recorded_at == FixedClock().now()
    assert [i.version for i in instructions_in_force(container.uow())] == [2]
    recorded = audit_events.c.action == "retention.instruction_recorded"
    assert _count(container, audit_events, recorded) == 2

    with pytest.raises(InstructionRefused, match="--usage-days"):
        _instruct(container, customer, 0, "delete")
    with pytest.raises(InstructionRefused, match="--action"):
        _instruct(container, customer, 30, "shred")
    with pytest.raises(InstructionRefused, match="--location-days"):
        instruct_retention(
            by(container, FixedClock()),
            InstructCommand(customer.organisation_id, 30, "delete", location_days=60),
            actor="staff:1",
        )
    with pytest.raises(UnknownCustomer, match="--customer 999"):
        instruct_retention(by(container, FixedClock()), InstructCommand(999, 30), actor="staff:1")
    assert len(instruction_history(container.uow(), customer.organisation_id)) == 2
    assert _count(container, audit_events, recorded) == 2


def test_A2_R1_instructed_location_period_empties_cell_level_columns(
    container: Container,
) -> None:
    """An instruction of 30 days for cell id and LAC/TAC replaces the default 90 days."""
    customer = _customer_with_usage(container, 1, settled=False)
    instruct_retention(
        by(container, FixedClock()),
        InstructCommand(customer.organisation_id, 365, "delete", location_days=30),
        actor="staff:1",
    )
    sweep(container, date(2026, 2, 1), only={"usage_records.cell_level"})
    assert _count(container, usage_records, usage_records.c.cell_id.is_(None)) == 12  # Jan 1
    assert _count(container, usage_records) == 59 * 12
