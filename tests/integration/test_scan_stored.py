"""Intake guard and sweep of stored free text on SQLite and PostgreSQL (C2, C3, C4, P4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from tests.contexts import by
from tests.factories import NOW
from varna.adapters.db.tables import (
    audit_events,
    privacy_events,
    quote_requests,
    support_tickets,
    ticket_messages,
)
from varna.bootstrap import Container
from varna.domain.scan import ChildDataRefused, SensitiveContentRefused
from varna.domain.scan.checksums import luhn_check_digit
from varna.services.scan import free_text_columns, sweep_stored_text
from varna.services.tickets import UnknownTicket, add_ticket_message, record_quote_request

TODAY = date(2026, 11, 1)
CARD = "4111 1111 1111 1111"


class FixedClock:
    def now(self) -> datetime:
        return NOW


def _pnr(yymmdd: str) -> str:
    body = yymmdd + "123"
    return f"{yymmdd}-123{luhn_check_digit(body)}"


def _ticket(container: Container, subject: str = "Modem offline") -> int:
    with container.engine.begin() as conn:
        return int(
            conn.execute(
                insert(support_tickets)
                .values(subject=subject, status="open", opened_at=NOW)
                .returning(support_tickets.c.id)
            ).scalar_one()
        )


def _rows(container: Container, table: Any) -> list[Any]:
    with container.engine.connect() as conn:
        return list(conn.execute(select(table).order_by(table.c.id)))


def _add(container: Container, ticket_id: int, body: str, policy: str = "redact") -> Any:
    return add_ticket_message(
        by(container, FixedClock()),
        ticket_id,
        body,
        actor="staff:7",
        special_policy=policy,  # type: ignore[arg-type]
        today=TODAY,
    )


def test_c2_card_masked_to_last_four_before_storage(container: Container) -> None:
    """C2: a card number typed into a ticket is stored as its last four digits only."""
    ticket = _ticket(container)
    result = _add(container, ticket, f"Betalade med kort {CARD} i går.")

    [message] = _rows(container, ticket_messages)
    assert message.body == "Betalade med kort **** **** **** 1111 i går."
    assert message.id == result.record_id
    [event] = _rows(container, privacy_events)
    assert (event.kind, event.finding_type, event.source_table, event.record_id) == (
        "card_masked",
        "card",
        "ticket_messages",
        message.id,
    )
    assert event.actor == "staff:7"
    [audit] = _rows(container, audit_events)
    assert audit.action == "ticket.message_added"
    assert audit.target == f"ticket_message:{message.id}"
    assert "4111" not in str(audit.details) + str(event.details)


def test_c3_special_category_redacted_and_event_recorded(container: Container) -> None:
    """C3: with the redact policy the words are replaced; the event names the category."""
    ticket = _ticket(container)
    _add(container, ticket, "Jag är sjukskriven, ring 070-174 06 05.")

    [message] = _rows(container, ticket_messages)
    assert "sjukskriven" not in message.body and "[redacted]" in message.body
    kinds = {(e.kind, e.finding_type) for e in _rows(container, privacy_events)}
    assert kinds == {("special_redacted", "special:health"), ("detected", "phone")}


def test_c3_refuse_policy_stores_nothing_but_the_refusal(container: Container) -> None:
    """C3: with the refuse policy nothing of the message is stored; the refusal is."""
    ticket = _ticket(container)
    with pytest.raises(SensitiveContentRefused) as refused:
        _add(container, ticket, "Han är fackmedlem.", policy="refuse")
    assert "fackmedlem" not in str(refused.value)

    assert _rows(container, ticket_messages) == []
    [event] = _rows(container, privacy_events)
    assert (event.kind, event.finding_type, event.record_id) == (
        "special_refused",
        "special:trade_union",
        None,
    )
    [audit] = _rows(container, audit_events)
    assert audit.action == "intake.refused"


def test_c4_child_personnummer_refused_with_nothing_stored(container: Container) -> None:
    """C4: a personnummer showing an age under 13 refuses the message whole."""
    ticket = _ticket(container)
    child = _pnr("190503")
    with pytest.raises(ChildDataRefused) as refused:
        _add(container, ticket, f"Min dotter har personnummer {child}.")
    assert child not in str(refused.value)
    assert _rows(container, ticket_messages) == []
    [event] = _rows(container, privacy_events)
    assert (event.kind, event.finding_type) == ("child_refused", "personnummer")

    _add(container, ticket, f"Mitt personnummer är {_pnr('800101')}.")  # an adult: stored
    assert len(_rows(container, ticket_messages)) == 1


def test_message_to_unknown_ticket_is_refused(container: Container) -> None:
    with pytest.raises(UnknownTicket):
        _add(container, 999, "Hej")
    assert _rows(container, ticket_messages) == []


def test_c2_quote_request_message_is_guarded(container: Container) -> None:
    """C2, C3: quote-request messages pass the same guard."""
    result = record_quote_request(
        by(container, FixedClock()),
        f"Offert på 40 SIM-kort, betalar med {CARD.replace(' ', '')}. Jag är gravid.",
        actor="web",
        special_policy="redact",
        today=TODAY,
        company_name="Testbolaget AB",
        sim_count=40,
    )
    [quote] = _rows(container, quote_requests)
    assert quote.id == result.record_id
    assert "************1111" in quote.message and "gravid" not in quote.message
    assert {e.kind for e in _rows(container, privacy_events)} == {
        "card_masked",
        "special_redacted",
    }


def test_p4_sweep_reports_counts_by_table_column_and_type(container: Container) -> None:
    """P4: the sweep reads older stored text in batches and reports counts, never content."""
    ticket = _ticket(container, subject="Kort 4111111111111111 debiterat")
    bodies = [
        "ICCID 89460123456789012345 saknar täckning.",  # not a valid ICCID: no finding
        f"Kortet {CARD} och mejl anna@example.com.",
        "Jag är sjukskriven.",
        "Inget känsligt här.",
        "",
    ]
    with container.engine.begin() as conn:
        conn.execute(
            insert(ticket_messages),
            [{"ticket_id": ticket, "body": b, "sent_at": NOW} for b in bodies],
        )
    columns = free_text_columns(container.catalog)
    assert ("ticket_messages", "body") in columns
    assert ("support_tickets", "subject") in columns
    assert ("quote_requests", "message") in columns
    assert ("devices", "name") in columns

    report = sweep_stored_text(container, columns, batch_rows=2)
    by_column = {(c.table, c.column): c for c in report.columns}
    body = by_column[("ticket_messages", "body")]
    assert body.rows == 4  # the empty body is not read
    assert body.rows_with_findings == 2
    assert dict(body.findings) == {"card": 1, "email": 1, "special:health": 1}
    assert dict(by_column[("support_tickets", "subject")].findings) == {"card": 1}
    assert report.totals["card"] == 2
    assert "4111" not in str(report.as_dict())
    assert _rows(container, privacy_events) == []
