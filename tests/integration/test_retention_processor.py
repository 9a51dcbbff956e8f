"""A terminated customer's processor data after its contract (R2, A2; GDPR Art. 28(3)(g)), on
SQLite and PostgreSQL: SIMs, end-user references, devices, usage and cell-level data are gone
once the contract has ended and the period has passed (the catalogue's 365 days, or the
customer's instruction), unless a legal hold keeps them. Bookkeeping stays, unlinked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tests.contexts import by
from tests.retention_factories import Customer, add_customer, add_hold, add_processor_data
from varna.adapters.db.tables import (
    devices,
    invoice_lines,
    invoices,
    sim_end_users,
    sims,
    usage_records,
)
from varna.bootstrap import Container
from varna.services.retention.instructions import InstructCommand, instruct_retention
from varna.services.retention.sweep import SweepCommand, SweepReport, run_sweep


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def sweep(container: Container, as_of: date, *, dry_run: bool = False) -> SweepReport:
    command = SweepCommand(as_of=as_of, dry_run=dry_run, batch_rows=50, usage_totals=False)
    return run_sweep(
        by(container, FixedClock()),
        command,
        actor="test",
    )


def processor_rows(container: Container, customer: Customer) -> dict[str, int]:
    """How many rows of the customer's processor data each table still holds."""
    own_sims = select(sims.c.id).where(sims.c.customer_id == customer.organisation_id)
    queries = {
        "sims": select(func.count()).select_from(sims).where(sims.c.id.in_(own_sims)),
        "sim_end_users": select(func.count()).where(sim_end_users.c.sim_id.in_(own_sims)),
        "devices": select(func.count()).where(devices.c.customer_id == customer.organisation_id),
        "usage_records": select(func.count()).where(usage_records.c.sim_id.in_(own_sims)),
    }
    with container.engine.connect() as conn:
        return {name: int(conn.execute(query).scalar_one()) for name, query in queries.items()}


def usage_of(container: Container, sim_ids: list[int]) -> int:
    with container.engine.connect() as conn:
        query = select(func.count()).where(usage_records.c.sim_id.in_(sim_ids))
        return int(conn.execute(query).scalar_one())


def _line(report: SweepReport, target: str) -> dict[str, object]:
    return next(line.as_dict() for line in report.lines if line.target == target)


NOTHING = {"sims": 0, "sim_end_users": 0, "devices": 0, "usage_records": 0}


def test_R2_A2_terminated_customer_processor_data_gone_a_year_after_the_contract(
    container: Container,
) -> None:
    """R2, A2: contract terminated 2026-02-28: its SIMs, end-user references, devices and
    usage (also the usage no invoice billed) stay through 2027-02-28 and are gone on
    2027-03-01; the invoice stays, its line no longer points at a SIM. A running
    customer's data stays."""
    ended = add_customer(container, 1, terminated_on=date(2026, 2, 28))
    running = add_customer(container, 2, terminated_on=None)
    ended_data = add_processor_data(container, ended, first=100)
    running_data = add_processor_data(container, running, first=200)

    sweep(container, date(2027, 2, 28))
    kept = processor_rows(container, ended)
    assert kept["sims"] == 3 and kept["sim_end_users"] == 3 and kept["devices"] == 3
    assert kept["usage_records"] == 3 * 28  # February: never billed, still kept

    plan = sweep(container, date(2027, 3, 1), dry_run=True)
    report = sweep(container, date(2027, 3, 1))
    assert processor_rows(container, ended) == NOTHING
    assert _line(plan, "sims")["due_rows"] == 3
    assert _line(report, "sims")["done"] == {"delete": 3}
    assert _line(report, "usage_records")["done"] == {"delete": 3 * 28}

    with container.engine.connect() as conn:
        lines = conn.execute(
            select(invoice_lines.c.sim_id)
            .join(invoices, invoices.c.id == invoice_lines.c.invoice_id)
            .where(invoices.c.organisation_id == ended.organisation_id)
        ).scalars()
        assert sorted(lines, key=repr) == [None, None]  # kept for bookkeeping (R4), unlinked
    still = processor_rows(container, running)
    assert (still["sims"], still["sim_end_users"], still["devices"]) == (3, 3, 3)
    assert usage_of(container, running_data.sim_ids) == 3 * 28  # February, not yet billed
    assert ended_data.usage_rows == running_data.usage_rows == 3 * 59
    again = sweep(container, date(2027, 3, 1), dry_run=True)
    assert {line.target: line.due_rows for line in again.lines if line.due_rows} == {}


def test_R2_legal_hold_keeps_a_terminated_customers_processor_data(container: Container) -> None:
    """R2, R-RET-06: a legal hold on the customer keeps its processor data, reported as
    held; released (review date passed), the data goes in that run."""
    ended = add_customer(container, 1, terminated_on=date(2026, 2, 28))
    add_processor_data(container, ended, first=100)
    add_hold(container, review_date=date(2027, 6, 30), organisation_id=ended.organisation_id)

    report = sweep(container, date(2027, 3, 1))
    kept = processor_rows(container, ended)
    assert (kept["sims"], kept["sim_end_users"], kept["devices"]) == (3, 3, 3)
    assert kept["usage_records"] == 3 * 59  # January's billed usage is held too
    assert _line(report, "sims")["held_rows"] == 3
    assert _line(report, "devices")["held_rows"] == 3

    sweep(container, date(2027, 7, 1))
    assert processor_rows(container, ended) == NOTHING


def test_A2_the_customers_instruction_sets_the_period_after_the_contract(
    container: Container,
) -> None:
    """A2: the customer instructs 30 days after its contract (terminated 2026-02-28): kept
    through 2026-03-30, gone on 2026-03-31; without an instruction, a year."""
    instructed = add_customer(container, 1, terminated_on=date(2026, 2, 28))
    other = add_customer(container, 2, terminated_on=date(2026, 2, 28))
    add_processor_data(container, instructed, first=100)
    add_processor_data(container, other, first=200)
    instruct_retention(
        by(container, FixedClock()),
        InstructCommand(
            customer_id=instructed.organisation_id,
            usage_days=365,
            after_contract_days=30,
            reference="DPA-2026-004",
        ),
        actor="test",
    )
    sweep(container, date(2026, 3, 30))
    assert processor_rows(container, instructed)["sims"] == 3
    sweep(container, date(2026, 3, 31))
    assert processor_rows(container, instructed) == NOTHING
    assert processor_rows(container, other)["sims"] == 3
