"""Recording consent decisions (C4, C7, D6): one event per choice, the notice version and text
hash as proof, withdrawal as easy as giving, the age rule, and a refused decision that stores
nothing."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.consent.helpers import decide, make_gate, states
from varna.domain.consent import (
    AgeNotConfirmed,
    Channel,
    ChildConsentRefused,
    ConsentSubject,
    Status,
)
from varna.domain.errors import InputRefused
from varna.services.consent.decisions import StaleNotice, UnknownSubject

BROWSER = "browser-0123456789abcdef"


def _pnr(yyyymmdd: str, serial: str = "123") -> str:
    return f"{yyyymmdd}-{serial}{luhn.calc_check_digit(yyyymmdd[2:] + serial)}"


def test_a_yes_is_recorded_with_its_notice_version_and_text_hash_c7(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email="anna@example.com")
    gate = make_gate(ctx)
    result = decide(ctx, gate, person, {"newsletter": True}, language="en")
    assert result["newsletter"].status is Status.GRANTED
    (event,) = uow.consent.ledger
    assert (event.purpose, event.kind.value, event.channel) == (
        "newsletter",
        "given",
        Channel.PRIVACY_CENTER,
    )
    assert event.notice_version == gate.notice.version
    assert event.text_hash == gate.notice.text_hash("en") != gate.notice.text_hash("sv")
    assert gate.notice.version in uow.consent.versions  # the version shown is kept
    recorded = uow.audit.one("consent.recorded")
    assert recorded.target == f"person:{person}"
    assert recorded.details["events"] == {"newsletter": "given"}
    assert "anna" not in str(recorded)


def test_withdrawing_is_one_no_after_a_yes_and_a_first_no_is_a_refusal_d6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx)
    decide(ctx, gate, person, {"newsletter": True, "statistics": False})
    ctx.clock.advance(minutes=5)
    result = decide(ctx, gate, person, {"newsletter": False}, age_confirmed=False)
    assert result["newsletter"].status is Status.WITHDRAWN
    assert uow.consent.kinds(person, "newsletter") == ["given", "withdrawn"]
    assert uow.consent.kinds(person, "statistics") == ["refused"]
    assert states(ctx, gate, person)["newsletter"].status is Status.WITHDRAWN


def test_a_decision_on_a_notice_no_longer_current_is_refused_and_stores_nothing(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    with pytest.raises(StaleNotice, match="show the new one and ask again"):
        decide(ctx, make_gate(ctx), person, {"newsletter": True}, version="n-old")
    assert uow.consent.ledger == [] and uow.audit.entries == []


@pytest.mark.parametrize(
    ("choices", "message"),
    [({"contract": True}, "unknown purpose or cookie category 'contract'"), ({}, "no choice")],
)
def test_a_choice_outside_the_notice_is_refused(
    ctx: FakeContext, uow: FakeUnitOfWork, choices: dict[str, bool], message: str
) -> None:
    person = uow.directory.add_person()
    with pytest.raises(InputRefused, match=message) as refused:
        decide(ctx, make_gate(ctx), person, choices)
    assert refused.value.field == "choices"
    assert uow.consent.ledger == []


def test_an_unknown_person_is_refused_by_reference_only(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(UnknownSubject, match=r"no such subject \(person:404\)"):
        decide(ctx, make_gate(ctx), 404, {"newsletter": True})
    assert uow.consent.ledger == [] and uow.consent.versions == {}


def test_a_yes_needs_the_age_confirmation_but_a_no_does_not_c4(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx)
    with pytest.raises(AgeNotConfirmed) as refused:
        decide(ctx, gate, person, {"newsletter": True, "statistics": False}, age_confirmed=False)
    assert refused.value.field == "age_confirmed"
    assert uow.consent.ledger == [] and uow.audit.entries == []
    decide(ctx, gate, person, {"statistics": False}, age_confirmed=False)
    assert uow.consent.kinds(person, "statistics") == ["refused"]


def test_a_child_under_13_is_refused_whatever_is_confirmed_c4(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    child = uow.directory.add_person(personnummer=_pnr("20160101"))
    adult = uow.directory.add_person()
    gate = make_gate(ctx)
    with pytest.raises(ChildConsentRefused, match="nothing was stored"):
        decide(ctx, gate, child, {"newsletter": True})  # the stored personnummer shows it
    with pytest.raises(ChildConsentRefused):
        decide(ctx, gate, adult, {"newsletter": True}, birth_date=date(2015, 6, 1))
    with pytest.raises(ChildConsentRefused):
        decide(ctx, gate, adult, {"newsletter": True}, personnummer=_pnr("20150601"))
    assert uow.consent.ledger == [] and uow.audit.entries == []


def test_a_browser_consents_to_cookie_categories_c8(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    gate = make_gate(ctx)
    browser = ConsentSubject.browser(BROWSER)
    decide(
        ctx,
        gate,
        browser,
        {"cookies.statistics": True, "cookies.marketing": False},
        channel=Channel.BANNER,
    )
    assert [(e.purpose, e.kind.value) for e in uow.consent.ledger] == [
        ("cookies.statistics", "given"),
        ("cookies.marketing", "refused"),
    ]
    assert uow.audit.one("consent.recorded").target == "browser"


def test_the_privacy_center_shows_every_key_of_the_notice(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx)
    decide(ctx, gate, person, {"customer_surveys": True})
    shown = states(ctx, gate, person)
    assert list(shown) == list(gate.notice.keys)
    assert shown["customer_surveys"].status is Status.GRANTED
    assert shown["newsletter"].status is Status.NEVER_ASKED
    with pytest.raises(UnknownSubject):
        states(ctx, gate, 404)
