"""The consent ledger, the gate and marketing selection on SQLite and PostgreSQL
(promises C4, C5, C7, D6, D8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.consent_data import NOW, add_people
from tests.contexts import at as at_time
from tests.subject_factories import subject_context
from varna.adapters.db.tables import consent_events, mail_outbox, unsubscribe_tokens
from varna.bootstrap import Container
from varna.domain.consent import (
    AgeNotConfirmed,
    Channel,
    ChildConsentRefused,
    ConsentSubject,
    Status,
)
from varna.services.consent.decisions import (
    Decisions,
    StaleNotice,
    consent_states,
    record_decisions,
    unsubscribe,
)
from varna.services.consent.gate import ConsentGate, NotConsentBased
from varna.services.consent.marketing import MailTemplate, send_marketing
from varna.services.ports import UnitOfWork

BROWSER = "b" * 22
TEMPLATE = MailTemplate.parse("Subject: News from us\n\nHello,\nour news.\n")


def decide(
    container: Container,
    subject: ConsentSubject,
    choices: Mapping[str, bool],
    *,
    at: object = NOW,
    channel: Channel = Channel.PRIVACY_CENTER,
    gate: ConsentGate | None = None,
    **extra: object,
) -> None:
    gate = gate or container.consent_gate
    record_decisions(
        at_time(container, at),  # type: ignore[arg-type]
        Decisions(
            subject=subject,
            choices=choices,
            channel=channel,
            language="sv",
            **{"notice_version": gate.notice.version, "age_confirmed": True, **extra},  # type: ignore[arg-type]
        ),
        gate=gate,
        actor="test",
    )


def allowed(container: Container, subject: ConsentSubject, purpose: str, at: object = NOW) -> str:
    with container.uow() as uow:
        decision = container.consent_gate.may_process(uow, subject, purpose, at=at)  # type: ignore[arg-type]
    return decision.reason


def test_c7_consent_is_opt_in_per_purpose_and_proven(container: Container) -> None:
    """C5, C7: nothing is granted before a yes; a yes to one purpose grants only that one, and
    the ledger keeps notice version, text hash, channel, language and time."""
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    assert allowed(container, subject, "newsletter") == "never_asked"
    decide(container, subject, {"newsletter": True, "customer_surveys": False})
    assert allowed(container, subject, "newsletter") == "consent"
    assert allowed(container, subject, "customer_surveys") == "refused"
    assert allowed(container, subject, "direct_marketing") == "never_asked"
    with container.engine.connect() as conn:
        row = conn.execute(
            select(consent_events).where(consent_events.c.purpose == "newsletter")
        ).one()
    gate = container.consent_gate
    assert row.notice_version == gate.notice.version
    assert row.text_hash == gate.notice.text_hash("sv") and len(row.text_hash) == 64
    assert (row.channel, row.language, row.event) == ("privacy_center", "sv", "given")
    assert row.at == NOW
    assert "ip" not in {c.name for c in consent_events.columns}


def test_d6_withdrawal_is_one_action_and_stops_processing_at_once(container: Container) -> None:
    """D6: one withdrawal; the gate refuses from that moment, the earlier consent stays proven."""
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    decide(container, subject, {"direct_marketing": True})
    later = NOW + timedelta(minutes=5)
    decide(container, subject, {"direct_marketing": False}, at=later)
    assert allowed(container, subject, "direct_marketing", later) == "withdrawn"
    assert allowed(container, subject, "direct_marketing", NOW) == "consent"
    states = consent_states(at_time(container, later), subject, gate=container.consent_gate)
    assert states["direct_marketing"].status is Status.WITHDRAWN


def test_c5_the_gate_decides_only_consent_purposes(container: Container) -> None:
    (person,) = add_people(container.engine, 1)
    with container.uow() as uow, pytest.raises(NotConsentBased):
        container.consent_gate.may_process(uow, ConsentSubject.person(person), "contract", at=NOW)


def test_c7_changed_purpose_text_makes_the_consent_count_as_missing(
    container: Container,
) -> None:
    """R-POL-01: consent under a notice whose text for a purpose changed counts as missing for
    that purpose only; a decision on a stale notice is refused."""
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    decide(container, subject, {"newsletter": True, "customer_surveys": True})
    catalog = container.catalog
    changed = replace(
        catalog.purposes["newsletter"],
        description=replace(catalog.purposes["newsletter"].description, en="Now weekly."),
    )
    new_catalog = replace(catalog, purposes={**catalog.purposes, "newsletter": changed})
    new_gate = ConsentGate(new_catalog)
    assert new_gate.notice.version != container.consent_gate.notice.version
    with container.uow() as uow:
        assert new_gate.may_process(uow, subject, "newsletter", at=NOW).reason == "outdated_notice"
        assert new_gate.may_process(uow, subject, "customer_surveys", at=NOW).allowed
    with pytest.raises(StaleNotice):
        decide(container, subject, {"newsletter": True}, gate=new_gate, notice_version="n-old")
    decide(container, subject, {"newsletter": True}, gate=new_gate)
    with container.uow() as uow:
        assert new_gate.may_process(uow, subject, "newsletter", at=NOW).allowed


def test_c4_a_child_under_13_is_refused_and_nothing_is_stored(container: Container) -> None:
    """C4 (R-CH-01): a personnummer showing an age under 13 refuses the consent; no event."""
    child_pnr = "201705152385"  # born 2017: 9 years old on NOW
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    with pytest.raises(ChildConsentRefused):
        decide(container, subject, {"newsletter": True}, personnummer=child_pnr)
    (stored_child,) = add_people(container.engine, 1, personnummer=[child_pnr])
    with pytest.raises(ChildConsentRefused):
        decide(container, ConsentSubject.person(stored_child), {"newsletter": True})
    with pytest.raises(AgeNotConfirmed):
        record_decisions(
            at_time(container, NOW),
            Decisions(
                subject=subject,
                choices={"newsletter": True},
                channel=Channel.API,
                language="en",
                notice_version=container.consent_gate.notice.version,
            ),
            gate=container.consent_gate,
            actor="test",
        )
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(consent_events)).scalar() == 0


def test_c8_a_browser_yes_to_statistics_cookies_grants_statistics(container: Container) -> None:
    """C8: a browser's consent is per cookie category; statistics and traffic analysis follow
    the statistics category, direct marketing the marketing category."""
    browser = ConsentSubject.browser(BROWSER)
    assert allowed(container, browser, "statistics") == "never_asked"
    decide(
        container,
        browser,
        {"cookies.statistics": True, "cookies.marketing": False, "cookies.preferences": False},
        channel=Channel.BANNER,
    )
    assert allowed(container, browser, "statistics") == "consent"
    assert allowed(container, browser, "traffic_analysis") == "consent"
    assert allowed(container, browser, "direct_marketing") == "refused"


class Suppressed:
    """A veto as the subject engine provides it (D8), for the wiring test."""

    def __init__(self, person_id: int) -> None:
        self.person_id = person_id

    def veto(self, uow: UnitOfWork, person_id: int | None, purpose: str) -> str | None:
        return "suppressed" if person_id == self.person_id else None

    def vetoed_people(self, uow: UnitOfWork, purpose: str) -> dict[int, str]:
        return {self.person_id: "suppressed"}


def test_d8_a_veto_beats_consent_in_the_gate_and_in_sends(container: Container) -> None:
    """D8: objection and the suppression list are absolute: consent does not override them."""
    first, second = add_people(container.engine, 2)
    for person in (first, second):
        decide(container, ConsentSubject.person(person), {"direct_marketing": True})
    gate = ConsentGate(container.catalog, vetoes=[Suppressed(first)])
    with container.uow() as uow:
        assert (
            gate.may_process(uow, ConsentSubject.person(first), "direct_marketing", at=NOW).reason
            == "suppressed"
        )  # noqa: E501
        assert gate.may_process(uow, ConsentSubject.person(second), "direct_marketing", at=NOW)
    report = send_marketing(
        at_time(container, NOW),
        "direct_marketing",
        TEMPLATE,
        gate=gate,
        links=container.access_links,
        base_url="http://varna.test",
        mailer=None,
        actor="test",
    )
    assert report.sent == 1 and report.skipped["suppressed"] == 1


def test_c5_marketing_sends_only_to_people_who_pass_the_gate(container: Container) -> None:
    """C5, D6, R-LB-05: the set-based selection agrees with the gate for every person; each
    message has a one-click unsubscribe link that withdraws the consent."""
    people = add_people(container.engine, 8)
    no_email = add_people(container.engine, 1, with_email=False)[0]
    yes, refused, withdrawn = people[:3], people[3], people[4]
    for person in [*yes, no_email]:
        decide(container, ConsentSubject.person(person), {"newsletter": True})
    decide(container, ConsentSubject.person(refused), {"newsletter": False})
    decide(container, ConsentSubject.person(withdrawn), {"newsletter": True})
    decide(
        container,
        ConsentSubject.person(withdrawn),
        {"newsletter": False},
        at=NOW + timedelta(seconds=1),
    )  # noqa: E501
    at = NOW + timedelta(hours=1)
    report = send_marketing(
        at_time(container, at),
        "newsletter",
        TEMPLATE,
        gate=container.consent_gate,
        links=container.access_links,
        base_url="http://varna.test",
        mailer=None,
        actor="test",
    )
    assert report.sent == 3
    assert report.skipped == {"refused": 1, "withdrawn": 1, "never_asked": 3, "no_email": 1}
    with container.engine.connect() as conn:
        outbox = conn.execute(select(mail_outbox).order_by(mail_outbox.c.person_id)).all()
        assert conn.execute(select(func.count()).select_from(unsubscribe_tokens)).scalar() == 3
    assert [row.person_id for row in outbox] == yes
    for person in [*people, no_email]:
        passes = allowed(container, ConsentSubject.person(person), "newsletter", at) == "consent"
        assert passes == (person in yes or person == no_email)
    body = outbox[0].message_body
    assert "http://varna.test/unsubscribe/" in body and "/privacy/consents/" in body
    token = outbox[0].unsubscribe_url.rsplit("/", 1)[1]
    later = at + timedelta(minutes=1)
    assert (
        unsubscribe(at_time(container, later), token, gate=container.consent_gate, language="en")
        == "newsletter"
    )  # noqa: E501
    assert allowed(container, ConsentSubject.person(yes[0]), "newsletter", later) == "withdrawn"
    # a second click is harmless
    unsubscribe(at_time(container, later), token, gate=container.consent_gate, language="en")


def test_d3_d8_the_subject_engine_vetoes_the_wired_gate(container: Container) -> None:
    """D3, D5, D8: restriction, a marketing objection and the suppression list, recorded through
    the subject engine, stop the container's own gate and its sends despite a consent."""
    from varna.domain.subjects.keys import normalise
    from varna.services.subjects.objection import object_to
    from varna.services.subjects.restrict import restrict

    restricted, objected, free = add_people(container.engine, 3)
    for person in (restricted, objected, free):
        decide(container, ConsentSubject.person(person), {"newsletter": True})
    secret = container.secret
    restrict(
        subject_context(container, clock=container.clock, secret=secret),
        [normalise("person_id", str(restricted))],
        reason="disputed",
        actor="test",
    )
    object_to(
        subject_context(container, clock=container.clock, secret=secret),
        [normalise("email", f"testperson-{objected}@example.com")],
        purpose="newsletter",
        actor="test",
    )
    gate = container.consent_gate
    with container.uow() as uow:
        reasons = {
            p: gate.may_process(uow, ConsentSubject.person(p), "newsletter", at=NOW).reason
            for p in (restricted, objected)
        }
        assert gate.may_process(uow, ConsentSubject.person(free), "newsletter", at=NOW)
    assert reasons[restricted] == "restricted"
    assert reasons[objected] in {"objected", "suppressed"}
    report = send_marketing(
        at_time(container, NOW),
        "newsletter",
        TEMPLATE,
        gate=gate,
        links=container.access_links,
        base_url="http://varna.test",
        mailer=None,
        actor="test",
    )
    assert report.sent == 1
