"""A sweep ends in the same state whether it runs every day or once years later, and a dry run
says what the real run does (R1, R2, R4, on SQLite and PostgreSQL).

The same small world is built on two fresh databases: one is swept day by day (then year by
year), the other once, years later; every operational table must end the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from tests.conftest import reset_postgres_of
from tests.contexts import by
from tests.retention_factories import (
    add_customer,
    add_invoice,
    add_processor_data,
    add_sims,
    load_usage,
    usage_rows,
)
from varna.adapters.db.tables import metadata, payments
from varna.bootstrap import Container, build
from varna.services.retention.sweep import SweepCommand, SweepReport, run_sweep

# Records of the runs themselves differ by design (run ids, batch sizes, counts per run).
RUN_RECORDS = {
    "retention_runs",
    "retention_batches",
    "audit_events",
    "audit_chain_head",
    "audit_checkpoints",
    "erasure_runs",
}
INSERTED_BY_RUNS = {
    "usage_daily_totals": ("id", "run_id"),
    "people": ("key_id",),  # a random data key per person (field encryption), per world
}


class DayClock:
    """The sweep day's morning: what a run records happens on the day it sweeps."""

    def __init__(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 3, tzinfo=UTC)


def sweep(container: Container, as_of: date, *, dry_run: bool = False) -> SweepReport:
    command = SweepCommand(as_of=as_of, dry_run=dry_run, batch_rows=40, k=2, usage_totals=True)
    return run_sweep(
        by(container, DayClock(as_of)),
        command,
        actor="test",
    )


def fresh(container: Container) -> Container:
    """An empty, migrated database of the same kind, in place of ``container``'s."""
    settings = container.settings
    if settings.is_postgres:
        reset_postgres_of(container)
        container.close()
    else:
        container.close()
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    again = build(settings)
    again.upgrade_schema()
    return again


def build_world(container: Container) -> None:
    """A running customer: usage of January and February 2026, January billed (paid
    2026-02-10), February never billed; and a customer whose contract ended 2026-02-28, with
    SIMs, end-user references, devices, the same usage, and card tokens on its payments."""
    running = add_customer(container, 1, terminated_on=None)
    sim_ids = add_sims(container, running, 3, first=100)
    load_usage(container, list(usage_rows(sim_ids, date(2026, 1, 1), 59, 2)))
    add_invoice(
        container,
        running,
        number="F-2026-1",
        fiscal_year=2026,
        issued_on=date(2026, 2, 1),
        paid_on=date(2026, 2, 10),
    )
    ended = add_customer(container, 2, terminated_on=date(2026, 2, 28))
    add_processor_data(container, ended, first=200)
    with container.engine.begin() as conn:  # a card token: emptied a year after the contract
        conn.execute(update(payments).values(card_token="tok_test_4242", card_last4="4242"))


def state(container: Container) -> dict[str, list[tuple[object, ...]]]:
    """Every operational table's rows (sorted), without the records of the runs."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with container.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in RUN_RECORDS:
                continue
            skip = INSERTED_BY_RUNS.get(table.name, ())
            columns = [c for c in table.c if c.name not in skip]
            rows = conn.execute(select(*columns)).all()
            found[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return found


def sweep_days(container: Container) -> Iterator[date]:
    day = date(2026, 3, 10)
    while day <= date(2026, 4, 5):  # daily while January's usage and cells become due
        yield day
        day += timedelta(days=1)
    for year in range(2027, 2041):  # then on New Year's Day up to the catch-up's day
        yield date(year, 1, 1)


def test_R1_R4_daily_sweeps_and_one_catch_up_sweep_end_the_same(container: Container) -> None:
    """R1, R4: the same world swept every day and swept once in 2040 ends in the same state;
    the catch-up run does what its dry run reported, and a later dry run finds nothing."""
    build_world(container)
    for day in sweep_days(container):
        sweep(container, day)
    daily = state(container)

    container = fresh(container)
    try:
        build_world(container)
        plan = sweep(container, date(2040, 1, 1), dry_run=True)
        report = sweep(container, date(2040, 1, 1))
        assert {line.target: line.due_rows for line in report.lines} == {
            line.target: line.due_rows for line in plan.lines
        }
        for line in report.lines:  # a person's erasure may take rows another target counted
            assert sum(line.done.values()) <= max(line.due_rows, 0) or line.target.startswith(
                "people"
            ), line
        usage = next(line for line in report.lines if line.target == "usage_records")
        assert sum(usage.done.values()) == usage.due_rows > 0
        again = sweep(container, date(2040, 1, 1), dry_run=True)
        assert {line.target: line.due_rows for line in again.lines if line.due_rows} == {}
        catch_up = state(container)
    finally:
        container.close()

    assert catch_up["usage_records"] == daily["usage_records"] == []
    assert catch_up["invoices"] == daily["invoices"] == []
    assert len(catch_up["sims"]) == len(daily["sims"]) == 3  # the running customer's
    assert catch_up["devices"] == daily["devices"]
    assert catch_up["usage_daily_totals"] == daily["usage_daily_totals"]
    assert catch_up == daily
