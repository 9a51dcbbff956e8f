"""Free text in through the guard: messages on support tickets and quote requests (C2, C3,
C4, P4). What is stored is the guarded text; what is recorded (privacy events, the audit
event) names kinds and places, never the words; a refusal stores nothing of the text but
is itself recorded."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.scan import ChildDataRefused, SensitiveContentRefused, SpecialPolicy
from varna.domain.scan.errors import ControlCharacters
from varna.services.tickets import UnknownTicket, add_ticket_message, record_quote_request

TICKET = 7
TODAY = date(2026, 3, 2)
CARD = "4111 1111 1111 1111"


def _pnr(yymmdd: str, serial: str = "123") -> str:
    return f"{yymmdd}-{serial}{luhn.calc_check_digit(yymmdd + serial)}"


CHILD = _pnr("150302")  # eleven years old on TODAY


@pytest.fixture(autouse=True)
def _ticket(uow: FakeUnitOfWork) -> None:
    uow.text.tickets.add(TICKET)


def message(
    ctx: FakeContext, body: str, *, policy: SpecialPolicy = "redact", ticket: int = TICKET
) -> tuple[int, tuple[tuple[str, str, int], ...]]:
    result = add_ticket_message(
        ctx,
        ticket,
        body,
        actor="staff:3",
        special_policy=policy,
        today=TODAY,
        author_staff="staff:3",
    )
    return result.record_id, result.events


def quote(ctx: FakeContext, text: str, *, policy: SpecialPolicy = "redact") -> int:
    return record_quote_request(
        ctx, text, actor="web", special_policy=policy, today=TODAY, company_name="Testbolaget AB"
    ).record_id


def test_a_clean_message_is_stored_as_written_with_its_audit_event(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    record_id, events = message(ctx, "The router restarts every night, please advise.")
    (stored,) = uow.text.messages
    assert (stored.id, stored.ticket_id, stored.author_staff) == (record_id, TICKET, "staff:3")
    assert stored.body == "The router restarts every night, please advise."
    assert stored.sent_at == ctx.clock.now()
    assert events == () and uow.text.privacy_events == []
    added = uow.audit.one("ticket.message_added")
    assert (added.actor, added.target) == ("staff:3", f"ticket_message:{record_id}")
    assert added.details == {"ticket_id": TICKET, "privacy_events": []}


def test_a_card_number_is_masked_and_identifiers_are_noted_where_they_are_c2_p4(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    record_id, events = message(ctx, f"Paid with {CARD}, write to anna@example.com")
    (stored,) = uow.text.messages
    assert stored.body == "Paid with **** **** **** 1111, write to anna@example.com"
    assert set(events) == {("card_masked", "card", 1), ("detected", "email", 1)}
    noted = {
        (e.kind, e.finding_type, e.source_table, e.record_id, e.details["count"])
        for e, _ in uow.text.privacy_events
    }
    assert noted == {
        ("card_masked", "card", "ticket_messages", record_id, 1),
        ("detected", "email", "ticket_messages", record_id, 1),
    }
    summary = uow.audit.one("ticket.message_added").details["privacy_events"]
    assert sorted((s["kind"], s["type"], s["count"]) for s in summary) == sorted(events)
    assert CARD not in str(uow.audit.entries) and "anna@" not in str(uow.text.privacy_events)


def test_special_categories_are_redacted_under_redact_c3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    _, events = message(ctx, "Hej, jag är sjukskriven. Ring mig i morgon.")
    (stored,) = uow.text.messages
    assert stored.body == "Hej, jag är [redacted]. Ring mig i morgon."
    assert events == (("special_redacted", "special:health", 1),)
    assert "sjukskriven" not in str(uow.audit.entries) + str(uow.text.privacy_events)


def test_special_categories_refuse_the_message_under_refuse_and_the_refusal_is_recorded_c3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(SensitiveContentRefused) as refused:
        message(ctx, "Jag är sjukskriven och fackmedlem.", policy="refuse")
    assert "sjukskriven" not in str(refused.value)
    assert uow.text.messages == []
    assert uow.text.kinds() == [
        ("special_refused", "special:health"),
        ("special_refused", "special:trade_union"),
    ]
    assert {(e.source_table, e.record_id) for e, _ in uow.text.privacy_events} == {
        ("ticket_messages", None)
    }
    refusal = uow.audit.one("intake.refused")
    assert (refusal.actor, refusal.target) == ("staff:3", "ticket_messages")
    assert refusal.details == {
        "privacy_events": [
            {"kind": "special_refused", "type": "special:health"},
            {"kind": "special_refused", "type": "special:trade_union"},
        ]
    }
    assert "ticket.message_added" not in uow.audit.actions()
    assert "sjukskriven" not in str(uow.audit.entries) + str(uow.text.privacy_events)


@pytest.mark.parametrize("policy", ["redact", "refuse"])
def test_a_child_personnummer_refuses_the_message_under_either_policy_c4(
    ctx: FakeContext, uow: FakeUnitOfWork, policy: SpecialPolicy
) -> None:
    with pytest.raises(ChildDataRefused, match="under 13"):
        message(ctx, f"My son's number is {CHILD}.", policy=policy)
    assert uow.text.messages == []
    assert uow.text.kinds() == [("child_refused", "personnummer")]
    assert uow.audit.actions() == ["intake.refused"]
    assert CHILD not in str(uow.audit.entries) + str(uow.text.privacy_events)


def test_a_message_for_an_unknown_ticket_is_refused_and_nothing_is_recorded(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(UnknownTicket, match="no support ticket with id 99"):
        message(ctx, f"Jag är sjukskriven, {CHILD}", policy="refuse", ticket=99)
    assert uow.text.messages == [] and uow.text.privacy_events == []
    assert uow.audit.entries == []


def test_a_message_with_a_control_character_is_refused_whole(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(ControlCharacters):
        message(ctx, "hello\x00world")
    assert uow.text.messages == [] and uow.audit.entries == []


def test_a_quote_request_passes_the_same_guard_c2_c3_c4(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    record_id = quote(ctx, f"Quote for 40 SIMs, card {CARD}; jag är gravid")
    ((stored_id, text),) = uow.text.quotes
    assert stored_id == record_id
    assert "**** **** **** 1111" in text and CARD not in text and "gravid" not in text
    received = uow.audit.one("quote_request.received")
    assert (received.actor, received.target) == ("web", f"quote_request:{record_id}")
    kinds = {(s["kind"], s["type"]) for s in received.details["privacy_events"]}
    assert ("card_masked", "card") in kinds and ("special_redacted", "special:health") in kinds
    assert {e.source_table for e, _ in uow.text.privacy_events} == {"quote_requests"}
    with pytest.raises(ChildDataRefused):
        quote(ctx, f"For my daughter, {CHILD}")
    assert len(uow.text.quotes) == 1
    refusal = uow.audit.one("intake.refused")
    assert refusal.target == "quote_requests"
    assert refusal.details == {
        "privacy_events": [{"kind": "child_refused", "type": "personnummer"}]
    }
