"""Erasure (D4, R4, A3) as the service decides it, over the fake subject engine: the test
declares the person's rows per table and the erasure facts; which rows each SQL step
touches is the integration tests' (tests/integration/test_subjects.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.subjects import FakeSubjectStore
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.subjects.erasure import CONTROLLER, LEGAL_HOLD, RUNNING_CONTRACT, Outcome
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.subjects.common import SubjectRefused
from varna.services.subjects.erase import EraseCommand, EraseResult, erase_subject

EMAIL = "erik@example.com"
KEYS = (SubjectKey("email", EMAIL),)
ACTOR = "staff:1"
ICCID = "89460000000000000018"


@pytest.fixture
def store(uow: FakeUnitOfWork) -> FakeSubjectStore:
    assert isinstance(uow.subjects, FakeSubjectStore)
    return uow.subjects


@pytest.fixture
def person(uow: FakeUnitOfWork, store: FakeSubjectStore) -> int:
    person_id = uow.directory.add_person(email=EMAIL)
    store.holds_rows("people", 1)
    store.holds_rows("support_tickets", 2)
    return person_id


def erase(ctx: FakeContext, **options: Any) -> EraseResult:
    return erase_subject(ctx, EraseCommand(KEYS, **options), actor=ACTOR)


def outcomes(result: EraseResult) -> dict[tuple[str, str], tuple[str | None, object]]:
    """(category, table) -> (outcome, exception, until) of each line of the answer."""
    return {
        (c.category, table): (c.outcome.value, c.exception, c.until)
        for c in result.categories
        for table in c.tables
    }


def test_an_erasure_changes_the_persons_rows_and_says_so_per_category_d4(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    result = erase(ctx)
    assert result.run_id is not None and result.person_ids == (person,)
    assert result.changed == {"people": 1, "support_tickets": 2}
    assert {c.outcome for c in result.categories} == {Outcome.ANONYMISED}
    assert {c.category for c in result.categories} >= {"email", "name", "free_text"}
    assert store.pending(uow.subjects.resolve(KEYS, email_hash=str), store.applied) == {}
    (run,) = uow.rights.erasure_runs
    assert run.person_id == person and run.outcome["changed"] == result.changed


def test_a_dry_run_plans_the_same_and_changes_nothing_nor_audits_d4(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    dry = erase(ctx, dry_run=True)
    assert dry.dry_run and dry.run_id is None and dry.changed == {}
    assert store.applied == [] and store.counts == {"people": 1, "support_tickets": 2}
    assert uow.audit.entries == [] and uow.commits == 0
    assert erase(ctx).categories == dry.categories


def test_nobody_found_erases_nothing_and_says_so(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore
) -> None:
    store.holds_rows("people", 1)  # someone's, but the identifiers find nobody
    result = erase(ctx)
    assert result.as_dict()["found"] is False and result.person_ids == ()
    assert result.run_id is None and result.changed == {}
    assert store.applied == [] and uow.audit.entries == []


def test_a_legal_hold_keeps_the_table_it_covers_until_its_review_and_the_rest_goes_d4(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    review = date(2027, 6, 30)
    store.hold("legal_hold", review, table="support_tickets")
    result = erase(ctx)
    lines = outcomes(result)
    assert lines[("free_text", "support_tickets")] == ("kept", LEGAL_HOLD, review)
    assert lines[("email", "people")] == ("anonymised", None, None)
    assert result.changed == {"people": 1}


def test_a_hold_past_its_review_date_keeps_nothing(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    store.hold("legal_hold", date(2025, 1, 31))  # the clock says 2026
    assert erase(ctx).changed == {"people": 1, "support_tickets": 2}


def test_a_running_contract_keeps_what_the_contract_needs_and_erases_the_rest_d4(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    store.running_contract = True
    result = erase(ctx)
    lines = outcomes(result)
    assert lines[("email", "people")][:2] == ("kept", RUNNING_CONTRACT)
    assert lines[("free_text", "support_tickets")][0] == "anonymised"
    assert "people" not in result.changed and result.changed["support_tickets"] == 2


def test_bookkeeping_rows_are_kept_until_the_end_of_the_seventh_year_r4(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    store.holds_rows("invoices", 3)
    store.clocks["invoices"] = date(2025, 12, 31)  # the fiscal year 2025 ended
    result = erase(ctx)
    lines = outcomes(result)
    assert lines[("payment_history", "invoices")] == ("kept", "bookkeeping", date(2032, 12, 31))
    kept = next(c for c in result.categories if c.tables == ("invoices",) and c.until)
    assert kept.records == 3 and kept.kept_until == ((date(2032, 12, 31), 3),)
    assert lines[("address", "invoices")][:2] == ("kept", "bookkeeping")  # on the invoice
    assert "invoices" not in result.changed and store.counts["invoices"] == 3
    assert result.changed == {"people": 1, "support_tickets": 2}


def test_bookkeeping_rows_past_their_period_are_erased_r4(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    store.holds_rows("invoices", 3)
    store.clocks["invoices"] = date(2017, 12, 31)  # kept until 31 December 2024
    result = erase(ctx)
    assert outcomes(result)[("payment_history", "invoices")][0] == "anonymised"
    assert result.changed["invoices"] == 3 and store.counts["invoices"] == 0


def test_processor_data_is_routed_to_its_controller_not_erased_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    store.holds_rows("sims", 2)
    store.controllers[7] = (11, 12)
    result = erase(ctx)
    assert outcomes(result)[("communication_equipment", "sims")] == (
        "routed_to_controller",
        CONTROLLER,
        None,
    )
    assert result.routed == {7: (11, 12)} and "sims" not in result.changed
    assert store.counts["sims"] == 2
    (request,) = uow.rights.controller_requests
    assert (request.organisation_id, request.sim_ids, request.status) == (7, (11, 12), "routed")
    assert "controller_erasure_request" in uow.notices.kinds()
    again = erase(ctx)  # the same request twice is one request
    assert again.notices == 0 and len(uow.rights.controller_requests) == 1


def test_a_controller_instruction_must_name_sims_and_changes_nothing_otherwise_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    with pytest.raises(SubjectRefused, match="give only --iccid, --imsi or --msisdn"):
        erase(ctx, controller_instruction="ORDER-1")
    assert store.applied == [] and uow.transactions == 0
    assert uow.audit.entries == []


def test_a_controllers_instruction_erases_only_the_sims_processor_data_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore
) -> None:
    customer = uow.directory.add_customer()
    sim = uow.directory.add_sim(customer, iccid=ICCID, imsi="240011234567890", msisdn="46701234567")
    store.holds_rows("sims", 1)
    store.holds_rows("usage_records", 5)
    store.holds_rows("people", 1)  # not processor data: the instruction does not reach it
    store.mentioned_in("ticket_messages", "body", 1)
    store.controllers[customer] = (sim,)
    command = EraseCommand((normalise("iccid", ICCID),), controller_instruction="ORDER-7")
    result = erase_subject(ctx, command, actor=ACTOR)
    assert result.changed == {"sims": 1, "usage_records": 5} and result.routed == {}
    assert {c.outcome for c in result.categories} == {Outcome.ANONYMISED, Outcome.ERASED}
    assert store.counts["people"] == 1 and store.mention_counts  # untouched
    (request,) = uow.rights.controller_requests
    assert (request.status, request.instruction_ref, request.sim_ids) == (
        "executed",
        "ORDER-7",
        (sim,),
    )
    assert uow.notices.kinds() == ["controller_erasure_done"]
    assert uow.rights.erasure_runs[0].instruction == "ORDER-7"


def test_the_audit_events_are_written_with_the_erasure_d4(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    uow.rights.record_disclosure("credit_bureau", person, ["contact"], ctx.clock.now())
    result = erase(ctx)
    assert result.notices == 1 and uow.notices.kinds() == ["art19_erasure"]
    assert uow.audit.actions() == ["subject.erase.table", "subject.erase.table", "subject.erase"]
    summary = uow.audit.one("subject.erase")
    assert summary.target == f"erasure_run:{result.run_id}" and summary.details["notices"] == 1
    assert EMAIL not in str(uow.audit.entries)


def test_a_failure_between_steps_leaves_the_person_and_the_audit_untouched_d4(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    def crash(table: str) -> None:
        if table == "support_tickets":
            raise RuntimeError("the power went")

    with pytest.raises(RuntimeError):
        erase_subject(ctx, EraseCommand(KEYS), actor=ACTOR, on_step=crash)
    assert store.counts == {"people": 1, "support_tickets": 2} and store.applied == []
    assert uow.audit.entries == [] and uow.rights.erasure_runs == []
    assert erase(ctx).changed == {"people": 1, "support_tickets": 2}  # running it again works
