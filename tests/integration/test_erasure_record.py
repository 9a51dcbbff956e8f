"""D4, A3: what an erasure writes besides the person's rows, on SQLite and PostgreSQL (where it
is one statement): the Art. 19 notices and the controller's notice, the request routed to the
controller, the erasure run, the job that wakes the delivery, and the audit events; a second
run of the same erasure queues nothing anew and says so. Data from tests/subject_factories.py
(synthetic)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.test_subjects import NOW, erase, key
from tests.subject_factories import World, build_world
from varna.adapters.db.tables import audit_events, controller_requests, erasure_runs, jobs, outbox
from varna.bootstrap import Container


@pytest.fixture
def world(container: Container) -> World:
    built = build_world(container)
    with container.uow() as uow:
        uow.rights.record_disclosure("credit_reference_agency", built.anna_id, ["name"], NOW)
        uow.rights.record_disclosure("payment_service_provider", built.anna_id, ["name"], NOW)
        uow.commit()
    return built


def rows(container: Container, table: Any) -> list[Any]:
    with container.engine.connect() as conn:
        return list(conn.execute(select(table).order_by(table.c.id)))


def test_d4_a3_the_erasure_record_is_written_with_the_run(
    container: Container, world: World
) -> None:
    """D4, A3: two Art. 19 notices and the controller's, in that order; one routed request
    naming Anna's SIMs; the run; one delivery job keyed by the run; the per-table audit events
    and then the run's own, which names the run and counts the three notices."""
    result = erase(container, key("email", "anna.berg@example.com"))
    assert result.run_id is not None and result.notices == 3
    notices = rows(container, outbox)
    assert [(n.kind, n.recipient, n.organisation_id) for n in notices] == [
        ("art19_erasure", "credit_reference_agency", None),
        ("art19_erasure", "payment_service_provider", None),
        ("controller_erasure_request", None, world.company_id),
    ]
    assert all(n.created_at == NOW and n.person_id == world.anna_id for n in notices)
    assert notices[2].details == {"sim_ids": list(world.anna_sims), "instruction": None}
    (request,) = rows(container, controller_requests)
    assert (request.organisation_id, request.person_id, request.status) == (
        world.company_id,
        world.anna_id,
        "routed",
    )
    assert request.sim_ids == list(world.anna_sims) and request.executed_at is None
    (run,) = rows(container, erasure_runs)
    assert (run.id, run.person_id, run.actor, run.ran_at) == (
        result.run_id,
        world.anna_id,
        "test",
        NOW,
    )
    assert run.outcome["changed"] == result.changed
    (job,) = rows(container, jobs)
    assert (job.task, job.job_key, job.state) == (
        "deliver_notices",
        f"deliver_notices:erasure_run:{result.run_id}",
        "queued",
    )
    events = [e for e in rows(container, audit_events) if e.action.startswith("subject.erase")]
    tables = [e.target for e in events if e.action == "subject.erase.table"]
    assert set(tables) >= set(result.changed) - {c for c in result.changed if "." in c}
    last = events[-1]
    assert (last.action, last.target) == ("subject.erase", f"erasure_run:{result.run_id}")
    assert last.details["notices"] == 3 and last.details["instruction"] is None
    assert last.details["person_ids"] == [world.anna_id]
    assert all(e.at == NOW for e in events)


def test_d4_a3_running_the_erasure_again_queues_nothing_anew(
    container: Container, world: World
) -> None:
    """D4, A3: the second run is recorded, but its notices and its controller request are the
    first run's: nothing new in the outbox, no second request, no delivery job, and its audit
    event counts no notice."""
    first = erase(container, key("email", "anna.berg@example.com"))
    second = erase(container, key("person_id", str(world.anna_id)))
    assert second.run_id is not None and second.run_id != first.run_id
    assert second.notices == 0
    assert len(rows(container, outbox)) == 3
    assert len(rows(container, controller_requests)) == 1
    assert [j.job_key for j in rows(container, jobs)] == [
        f"deliver_notices:erasure_run:{first.run_id}"
    ]
    runs = [e for e in rows(container, audit_events) if e.action == "subject.erase"]
    assert [(e.target, e.details["notices"]) for e in runs] == [
        (f"erasure_run:{first.run_id}", 3),
        (f"erasure_run:{second.run_id}", 0),
    ]


def test_a3_an_executed_instruction_is_recorded_with_its_reference(
    container: Container, world: World
) -> None:
    """A3: the controller's instruction for one SIM: the request is recorded as executed at
    the run's time with the instruction's reference, the run carries it, and no Art. 19
    notice goes out (the usage is the controller's, not the person's)."""
    result = erase(
        container, key("iccid", world.anna_iccids[0]), controller_instruction="DPA-ORDER-9"
    )
    assert result.notices == 1 and result.changed["usage_records"] == world.usage_per_sim
    (notice,) = rows(container, outbox)
    assert notice.kind == "controller_erasure_done" and notice.person_id is None
    (request,) = rows(container, controller_requests)
    assert (request.status, request.instruction_ref, request.executed_at) == (
        "executed",
        "DPA-ORDER-9",
        NOW,
    )
    (run,) = rows(container, erasure_runs)
    assert run.controller_instruction == "DPA-ORDER-9" and run.person_id is None
    last = rows(container, audit_events)[-1]
    assert last.details["instruction"] == "DPA-ORDER-9" and last.details["notices"] == 1
