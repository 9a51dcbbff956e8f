"""The retention sweep's decisions (R1-R6): what it plans, which targets it sweeps and with
which holds, what each batch records, how a run resumes, and that a dry run changes nothing.
What is due per target is the adapters' SQL, tested on real databases; here the fake store
says it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.retention import RunKilled
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.requests.helpers import verified_request
from tests.unit.services.retention.helpers import plan, sweep
from varna.domain.retention.holds import HoldScope
from varna.services.retention.ports import BatchResult
from varna.services.retention.sweep import SweepCommand, run_sweep

WEB = "web_visits"
TICKETS = "support_tickets"
BOTH = frozenset({WEB, TICKETS})


def test_a_dry_run_says_what_is_due_per_rule_and_changes_nothing_r2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 120, subjects=3, oldest=date(2025, 1, 5))
    uow.retention.queue_batches(WEB, [BatchResult(WEB, "delete", 120)])
    report = sweep(ctx, dry_run=True, only=BOTH)
    web = next(line for line in report.lines if line.target == WEB)
    assert (web.rule, web.action, web.due_rows, web.subjects) == ("web_visit", "delete", 120, 3)
    assert web.categories == ("ip_address", "online_identifier", "usage_history")
    assert report.as_dict()["due_rows"] == 120 and report.run_id is None
    assert uow.retention.run_rows == {} and uow.retention.seen == []
    assert uow.audit.entries == [] and uow.commits == 0


def test_a_run_sweeps_in_batches_each_recorded_with_its_audit_event_r2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 150)
    uow.retention.queue_batches(
        WEB, [BatchResult(WEB, "delete", 100)], [BatchResult(WEB, "delete", 50)]
    )
    progress: list[tuple[str, int]] = []
    report = run_sweep(
        ctx,
        SweepCommand(as_of=ctx.clock.now().date(), only=BOTH),
        actor="scheduler:retention",
        on_progress=lambda target, rows: progress.append((target, rows)),
    )
    assert progress == [(WEB, 100), (WEB, 50)]
    assert report.run_id is not None and not report.resumed
    run = uow.retention.run_rows[report.run_id]
    assert run.status == "finished" and run.due_rows == 150
    assert [b.rows for _, b in uow.retention.batches] == [100, 50]
    assert uow.audit.actions() == [
        "retention.run_started",
        "retention.delete",
        "retention.delete",
        "retention.run_finished",
    ]
    batch = uow.audit.of("retention.delete")[0]
    assert batch.details == {"target": WEB, "rule": "web_visit", "rows": 100, "subjects": 0}
    assert uow.audit.one("retention.run_finished").details["rows"] == {f"{WEB}.delete": 150}
    web = next(line for line in report.lines if line.target == WEB)
    assert web.done == {"delete": 150} and report.total("delete") == 150


def test_a_batch_that_fails_leaves_nothing_and_the_next_run_resumes_r2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    store = uow.retention
    store.set_due(WEB, 150)
    store.queue_batches(WEB, [BatchResult(WEB, "delete", 100)], [BatchResult(WEB, "delete", 50)])
    store.crash_at = 2
    with pytest.raises(RunKilled):
        sweep(ctx, only=BOTH)
    assert [b.rows for _, b in store.batches] == [100]  # the failed batch left nothing
    assert store.scripted[WEB] == [[BatchResult(WEB, "delete", 50)]]
    (run,) = store.run_rows.values()
    assert run.finished_at is None
    report = sweep(ctx, only=BOTH)
    assert report.resumed and report.run_id == run.id
    assert uow.audit.actions().count("retention.run_started") == 1
    assert store.run_rows[run.id].status == "finished"
    assert next(line for line in report.lines if line.target == WEB).done == {"delete": 150}


def test_a_legitimate_interest_decision_keeps_its_categories_out_of_the_sweep_r3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 40)
    uow.retention.set_due(TICKETS, 7)
    uow.retention.queue_batches(TICKETS, [BatchResult(TICKETS, "delete", 7)])
    with uow:
        decision = uow.retention.add_interest_decision(
            category="ip_address",
            reason="fraud investigation",
            end_date=date(2026, 12, 31),
            decided_by="staff:1",
            at=ctx.clock.now(),
        )
        uow.commit()
    (web,) = plan(ctx, only=frozenset({WEB}))
    assert (web.due_rows, web.held_rows) == (0, 40)
    assert web.held_reason == f"legitimate_interest:{decision}:2026-12-31"
    report = sweep(ctx, only=BOTH)
    assert [target for target, _ in uow.retention.seen] == [TICKETS, TICKETS]
    assert report.due_rows == 7


def test_a_decision_that_ended_no_longer_keeps_anything_r3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 40)
    with uow:
        uow.retention.add_interest_decision(
            category="ip_address",
            reason="fraud investigation",
            end_date=date(2026, 3, 10),
            decided_by="staff:1",
            at=ctx.clock.now(),
        )
        uow.commit()
    ctx.clock.advance(days=10)
    (web,) = plan(ctx, only=frozenset({WEB}))
    assert (web.due_rows, web.held_reason) == (40, None)


def test_holds_past_their_review_are_released_and_active_ones_reach_the_store_r5(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    today = ctx.clock.now().date()
    lapsed = HoldScope(1, "legal_hold", today - timedelta(days=1), "person", 11, None, None)
    active = HoldScope(2, "legal_hold", today + timedelta(days=30), "person", 12, None, None)
    evidence = HoldScope(3, "evidence", today + timedelta(days=30), "table", None, None, WEB)
    for hold in (lapsed, active, evidence):
        uow.retention.add_hold(hold)
    uow.retention.queue_batches(WEB, [BatchResult(WEB, "delete", 1)])
    report = sweep(ctx, only=BOTH)
    assert report.released_holds == [1]
    assert [h.id for h in uow.retention.holds()] == [2, 3]
    released = uow.audit.one("retention.hold_released")
    assert released.target == "legal_hold:1"
    assert released.details == {"reason": "review_date_passed", "as_of": today.isoformat()}
    _, context = uow.retention.seen[0]
    assert context.legal.person_ids == frozenset({12})
    assert context.evidence.tables == frozenset({WEB})
    assert context.evidence_holds == (evidence,)
    assert context.run_id == report.run_id


def test_a_dry_run_releases_no_hold(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    today = ctx.clock.now().date()
    uow.retention.add_hold(
        HoldScope(1, "legal_hold", today - timedelta(days=1), "person", 11, None, None)
    )
    report = sweep(ctx, dry_run=True, only=BOTH)
    assert report.released_holds == [] and [h.id for h in uow.retention.holds()] == [1]


def test_the_cut_off_of_each_rule_reaches_the_store(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    uow.retention.queue_batches(WEB, [BatchResult(WEB, "delete", 1)])
    sweep(ctx, only=frozenset({WEB}))
    _, context = uow.retention.seen[0]
    cutoff = context.cutoffs[WEB]
    assert cutoff is not None and cutoff < ctx.clock.now().date()
    assert set(context.cutoffs) == {WEB}


def test_the_daily_run_drops_extract_copies_whose_links_lapsed_r1(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    request_id = verified_request(ctx)
    now = ctx.clock.now()
    with uow:
        uow.requests.change_state(
            request_id,
            from_states=["verified"],
            to_state="completed",
            actor="worker",
            at=now,
            fields={"outcome": {"extract": {"data": {}}}},
        )
        uow.requests.add_token(request_id, "hash", now + timedelta(days=7))
        uow.commit()
    ctx.clock.advance(days=8)
    report = sweep(ctx, only=BOTH)
    assert report.dropped_extracts == 1
    assert "request.extract_dropped" in uow.audit.actions()
