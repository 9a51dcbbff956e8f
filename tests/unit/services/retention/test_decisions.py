"""Staff decisions on retention: legitimate-interest decisions (R3), holds at review (R5),
controllers' instructions (A2), and reading the evidence vault (R6). Each is recorded with
its audit event, and a refused one changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.retention.holds import HoldScope
from varna.domain.retention.instructions import InstructionRefused
from varna.domain.retention.interest import DecisionRefused
from varna.domain.retention.vault import VaultAccessRefused
from varna.services.retention.instructions import (
    InstructCommand,
    UnknownCustomer,
    instruct_retention,
    instructions_in_force,
)
from varna.services.retention.interest import (
    HoldNotFound,
    decide_legitimate_interest,
    reapprove_hold,
)
from varna.services.retention.vault import UnknownVaultEntry, read_vault_entry

REASON = "an ongoing fraud investigation with the police"


def decide(
    ctx: FakeContext,
    *,
    category: str = "ip_address",
    reason: str = REASON,
    end_date: date | None = date(2027, 1, 31),
) -> int:
    return decide_legitimate_interest(
        ctx,
        category=category,
        reason=reason,
        end_date=end_date,
        actor="staff:1",
    )


def test_a_legitimate_interest_decision_is_recorded_with_its_end_date_r3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    decision_id = decide(ctx)
    (decision,) = uow.retention.interest_decisions()
    assert (decision.id, decision.category, decision.end_date) == (
        decision_id,
        "ip_address",
        date(2027, 1, 31),
    )
    assert decision.stands(ctx.clock.now().date())
    event = uow.audit.one("retention.interest_decided")
    assert event.target == f"li_decision:{decision_id}"
    assert event.details == {"category": "ip_address", "end_date": "2027-01-31"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"category": "shoe_size"}, "unknown data category 'shoe_size'"),
        ({"reason": "because"}, "give the reason"),
        ({"end_date": None}, "needs an end date"),
        ({"end_date": date(2026, 3, 2)}, "must be after the day of the decision"),
        ({"end_date": date(2040, 1, 1)}, "the end date may be at most 2036-03-02"),
    ],
)
def test_a_decision_needs_a_category_a_reason_and_an_end_date_within_ten_years_r3(
    ctx: FakeContext, uow: FakeUnitOfWork, given: dict[str, object], message: str
) -> None:
    with pytest.raises(DecisionRefused, match=message):
        decide(ctx, **given)  # type: ignore[arg-type]
    assert uow.retention.interest_decisions() == [] and uow.audit.entries == []


def test_the_reason_of_a_decision_passes_the_intake_guard_c2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    decide(ctx, reason=f"{REASON}; card 4111 1111 1111 1111 was used")
    (decision,) = uow.retention.interest_decisions()
    assert "4111 1111" not in decision.reason
    assert uow.audit.one("retention.interest_decided").details["privacy_events"]


def test_a_hold_is_reapproved_at_review_and_an_unknown_one_is_refused_r5(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    today = ctx.clock.now().date()
    uow.retention.add_hold(HoldScope(5, "legal_hold", today, "person", 1, None, None))
    later = today + timedelta(days=365)
    reapprove_hold(ctx, 5, review_date=later, actor="staff:1")
    assert uow.retention.holds()[0].review_date == later
    assert uow.audit.one("retention.hold_reapproved").details == {"review_date": later.isoformat()}
    with pytest.raises(HoldNotFound, match="no active legal hold 6"):
        reapprove_hold(ctx, 6, review_date=later, actor="staff:1")
    assert len(uow.audit.entries) == 1


# -- controllers' instructions (A2) ---------------------------------------------------------------


def instruct(ctx: FakeContext, customer: int, **given: object) -> object:
    command = InstructCommand(customer_id=customer, **given)  # type: ignore[arg-type]
    return instruct_retention(ctx, command, actor="staff:1")


def test_each_instruction_is_a_new_version_and_the_latest_is_in_force_a2(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    customer = uow.directory.add_customer()
    instruct(ctx, customer, usage_days=90, reference="DPA 7.2 ")
    instruct(ctx, customer, usage_days=30, action="anonymise", location_days=7)
    (in_force,) = instructions_in_force(ctx.uow())
    assert (in_force.version, in_force.usage_days, in_force.action) == (2, 30, "anonymise")
    first = uow.audit.of("retention.instruction_recorded")[0]
    assert first.target == f"organisation:{customer}" and first.details["version"] == 1
    assert uow.retention.controller_instructions()[0].reference == "DPA 7.2"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"usage_days": 0}, "--usage-days must be between 1 and 3653"),
        ({"usage_days": 30, "action": "archive"}, "--action must be one of delete, anonymise"),
        ({"usage_days": 30, "location_days": 60}, "cell-level data cannot outlive its record"),
        ({"usage_days": 30, "reference": "   "}, "--reference must be 1 to"),
    ],
)
def test_an_instruction_out_of_range_is_refused_and_nothing_recorded_a2(
    ctx: FakeContext, uow: FakeUnitOfWork, given: dict[str, object], message: str
) -> None:
    customer = uow.directory.add_customer()
    with pytest.raises(InstructionRefused, match=message):
        instruct(ctx, customer, **given)
    assert uow.retention.controller_instructions() == [] and uow.audit.entries == []


def test_an_instruction_for_no_customer_is_refused(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    with pytest.raises(UnknownCustomer, match="--customer 404: no customer organisation"):
        instruct(ctx, 404, usage_days=30)
    assert uow.retention.controller_instructions() == [] and uow.audit.entries == []


# -- the evidence vault (R6) ----------------------------------------------------------------------


def read(ctx: FakeContext, entry_id: int, role: str) -> object:
    return read_vault_entry(ctx, entry_id, actor="staff:2", role=role)


def test_the_privacy_officer_reads_the_vault_and_the_read_is_recorded_r6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    payload = {"rows": [{"id": 1, "note": "synthetic"}]}
    entry = uow.retention.add_vault_entry(
        "support_tickets", payload, at=ctx.clock.now(), end_date=date(2030, 1, 1)
    )
    assert read(ctx, entry, "privacy_officer") == payload
    (logged,) = uow.retention.vault_reads
    assert (logged.entry_id, logged.role, logged.allowed) == (entry, "privacy_officer", True)
    event = uow.audit.one("retention.vault_read")
    assert event.target == f"evidence_vault:{entry}" and "synthetic" not in str(event)


def test_any_other_role_is_refused_and_the_attempt_is_recorded_r6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    entry = uow.retention.add_vault_entry(
        "support_tickets", {"rows": []}, at=ctx.clock.now(), end_date=date(2030, 1, 1)
    )
    with pytest.raises(VaultAccessRefused, match="only by the privacy officer role"):
        read(ctx, entry, "support")
    assert [(r.role, r.allowed) for r in uow.retention.vault_reads] == [("support", False)]
    assert uow.audit.actions() == ["retention.vault_read_refused"]


def test_an_unknown_entry_is_said_so_and_nothing_is_logged(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(UnknownVaultEntry, match="no evidence vault entry 9"):
        read(ctx, 9, "privacy_officer")
    assert uow.retention.vault_reads == [] and uow.audit.entries == []


def test_special_categories_in_the_reason_are_redacted_before_it_is_stored_c3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    decide(ctx, reason=f"{REASON}, the suspect has diabetes")
    (decision,) = uow.retention.interest_decisions()
    assert "diabetes" not in decision.reason and "fraud investigation" in decision.reason
    assert uow.text.kinds() and all(
        e.source_table == "legitimate_interest_decisions" for e, _ in uow.text.privacy_events
    )
