"""The retention dashboard (R2, R3, R5, R6, A2): what each rule has due today, what is held
and why, the vault's entries, the runs' backlog and the controllers' instructions in force.
Looking at it changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.retention.helpers import sweep
from varna.domain.retention.holds import HoldScope
from varna.services.retention.dashboard import Dashboard, retention_dashboard
from varna.services.retention.instructions import InstructCommand, instruct_retention
from varna.services.retention.ports import BatchResult

WEB = "web_visits"
TICKETS = "support_tickets"


def dashboard(ctx: FakeContext) -> Dashboard:
    return retention_dashboard(ctx, k=5, usage_totals=False)


def test_the_dashboard_says_what_each_rule_has_due_today_and_changes_nothing_r2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 120, subjects=3, oldest=date(2025, 1, 5))
    uow.retention.set_due(TICKETS, 7)
    lapsed = HoldScope(1, "legal_hold", date(2026, 3, 1), "person", 11, None, None)
    uow.retention.add_hold(lapsed)
    board = dashboard(ctx)
    assert board.as_of == ctx.clock.now().date()
    lines = {line.target: line for line in board.lines}
    assert {WEB, TICKETS} <= set(lines)
    web = lines[WEB]
    assert (web.rule, web.action, web.due_rows, web.subjects) == ("web_visit", "delete", 120, 3)
    assert web.oldest == date(2025, 1, 5)
    assert lines[TICKETS].due_rows == 7
    # a hold past its review is shown until a sweep releases it; the dashboard releases none
    assert board.holds == [lapsed] and uow.retention.holds() == [lapsed]
    assert uow.retention.run_rows == {} and uow.retention.seen == []
    assert uow.audit.entries == [] and uow.commits == 0


def test_held_data_shows_the_decisions_that_stand_today_and_their_categories_held_r3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 40)
    with uow:
        standing = uow.retention.add_interest_decision(
            category="ip_address",
            reason="fraud investigation",
            end_date=date(2026, 3, 10),
            decided_by="staff:1",
            at=ctx.clock.now(),
        )
        uow.retention.add_interest_decision(
            category="contact_details",
            reason="a claim that was settled",
            end_date=date(2026, 3, 1),
            decided_by="staff:1",
            at=ctx.clock.now() - timedelta(days=30),
        )
        uow.commit()
    board = dashboard(ctx)
    assert [d.id for d in board.decisions] == [standing]
    web = next(line for line in board.lines if line.target == WEB)
    assert (web.due_rows, web.held_rows) == (0, 40)
    assert web.held_reason == f"legitimate_interest:{standing}:2026-03-10"
    ctx.clock.advance(days=8)  # 10 March, the decision's last day
    assert [d.id for d in dashboard(ctx).decisions] == [standing]
    ctx.clock.advance(days=1)
    board = dashboard(ctx)
    assert board.decisions == []
    web = next(line for line in board.lines if line.target == WEB)
    assert (web.due_rows, web.held_rows, web.held_reason) == (40, 0, None)


def test_the_vault_is_listed_by_entry_without_its_content_r6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    entry = uow.retention.add_vault_entry(
        "support_tickets",
        {"rows": [{"subject": "Invoice dispute"}, {"subject": "Court case"}]},
        at=ctx.clock.now(),
        end_date=date(2030, 1, 1),
    )
    (listed,) = dashboard(ctx).vault
    assert (listed.id, listed.source_table, listed.rows) == (entry, "support_tickets", 2)
    assert listed.end_date == date(2030, 1, 1)
    assert "Invoice dispute" not in repr(listed)
    assert uow.retention.vault_reads == [] and uow.audit.entries == []


def test_the_backlog_is_each_runs_due_rows_when_it_started_oldest_first_r2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.retention.set_due(WEB, 150)
    uow.retention.queue_batches(WEB, [BatchResult(WEB, "delete", 150)])
    first = sweep(ctx, only=frozenset({WEB}))
    ctx.clock.advance(days=1)
    uow.retention.set_due(WEB, 20)
    uow.retention.queue_batches(WEB, [BatchResult(WEB, "delete", 20)])
    second = sweep(ctx, only=frozenset({WEB}))
    board = dashboard(ctx)
    assert [run.id for run in board.runs] == [second.run_id, first.run_id]  # newest first
    assert board.backlog == [(date(2026, 3, 2), 150), (date(2026, 3, 3), 20)]


def test_only_the_latest_instruction_of_each_customer_is_shown_in_force_a2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    one, two = uow.directory.add_customer(), uow.directory.add_customer()
    for customer, days in ((one, 90), (two, 60), (one, 30)):
        instruct_retention(
            ctx, InstructCommand(customer_id=customer, usage_days=days), actor="staff:1"
        )
    shown = {i.customer_id: (i.version, i.usage_days) for i in dashboard(ctx).instructions}
    assert shown == {one: (2, 30), two: (1, 60)}
