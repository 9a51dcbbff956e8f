"""Personal data never reaches a log, an error message or an exception text (A1, C3, C4).

Canary values (an e-mail, a personnummer, an ICCID) go into writes that fail in the database
and into refused intakes; neither the exception's text, its whole traceback (the driver's
exception included) nor the captured logs may contain them. Without ``hide_parameters`` every
SQLAlchemy error printed its bound values, and PostgreSQL's DETAIL line quotes them
("Key (iccid)=(...) already exists", "Failing row contains (...)")."""

from __future__ import annotations

import logging
import traceback
from datetime import date, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from tests.contexts import by
from tests.factories import NOW, add_customer_with_sims
from varna.adapters.db.tables import sims
from varna.bootstrap import Container
from varna.domain.scan import ChildDataRefused
from varna.domain.scan.checksums import luhn_check_digit
from varna.services.tickets import UnknownTicket, add_ticket_message, record_quote_request

EMAIL = "canary.zebra@example.com"
PERSONNUMMER = "19121212-1212"
CHILD = f"180101-123{luhn_check_digit('180101123')}"  # born 2018: under 13
TODAY = date(2026, 11, 1)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def exception_texts(error: BaseException | None) -> str:
    """What a traceback prints of ``error`` and the exceptions chained to it (their lines of
    source code aside: those are the test's own)."""
    texts = []
    while error is not None:
        texts += traceback.format_exception_only(error)
        error = error.__cause__ or error.__context__
    return "".join(texts)


def assert_clean(error: BaseException, caplog: pytest.LogCaptureFixture, *canaries: str) -> None:
    text = exception_texts(error) + caplog.text
    for canary in canaries:
        assert canary not in text, (canary, text[-1500:])


def test_A1_a_failing_write_shows_no_values(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    [iccid] = add_customer_with_sims(container.engine, 1)
    with pytest.raises(DBAPIError) as duplicate, container.engine.begin() as conn:
        conn.execute(
            insert(sims).values(
                iccid=iccid,
                imsi="240990000000777",
                msisdn="+46701749999",
                status="activated",
                created_at=NOW,
            )
        )
    assert "sims" in str(duplicate.value)  # the error still says where
    assert_clean(duplicate.value, caplog, iccid, "240990000000777", "+46701749999")


def test_A1_C3_a_quote_request_that_fails_in_the_database_shows_no_values(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    """The message passes the guard, then the write fails (no person 999999)."""
    caplog.set_level(logging.DEBUG)
    message = f"Ring mig: {EMAIL}, personnummer {PERSONNUMMER}, SIM 89469990000000099997."
    with pytest.raises(DBAPIError) as failed:
        record_quote_request(
            by(container, FixedClock()),
            message,
            actor="test",
            special_policy="redact",
            today=TODAY,
            person_id=999_999,
        )
    assert_clean(failed.value, caplog, EMAIL, "19121212", "1212-1212", "89469990000000099997")


def test_C4_refused_and_misaddressed_ticket_messages_show_no_values(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UnknownTicket) as unknown:
        add_ticket_message(
            by(container, FixedClock()),
            424242,
            f"Från {EMAIL}",
            actor="test",
            special_policy="redact",
            today=TODAY,
        )
    assert_clean(unknown.value, caplog, EMAIL)
    add_customer_with_sims(container.engine, 1)
    from tests.integration.test_scan_stored import _ticket

    ticket = _ticket(container)
    with pytest.raises(ChildDataRefused) as child:
        add_ticket_message(
            by(container, FixedClock()),
            ticket,
            f"Mitt barn {CHILD}, {EMAIL}",
            actor="test",
            special_policy="redact",
            today=TODAY,
        )
    assert_clean(child.value, caplog, CHILD, CHILD.replace("-", ""), EMAIL)
