"""The consent expiry sweep on SQLite and PostgreSQL (promises C5, C7, D6): a consent older
than its validity period expires, the gate, the privacy center and marketing sends treat it
as missing, and a second run adds nothing."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.consent_data import NOW, add_people
from tests.contexts import at as at_time
from tests.integration.test_consent_ledger import BROWSER, TEMPLATE, allowed, decide
from varna.adapters.db.tables import audit_events, consent_events
from varna.bootstrap import Container
from varna.bootstrap.consent import start_daily_expiry
from varna.domain.consent import ConsentSubject, Status
from varna.domain.consent.expiry import ValidityPolicy, add_months
from varna.domain.errors import InputRefused
from varna.entrypoints.worker import run_worker
from varna.services.consent.decisions import consent_states
from varna.services.consent.expiry import (
    SCHEDULER,
    ExpireCommand,
    ExpiryReport,
    expire_consents,
)
from varna.services.consent.marketing import send_marketing


def sweep(
    container: Container, as_of: datetime, *, dry_run: bool = False, **months: int
) -> ExpiryReport:
    policy = ValidityPolicy.of(months, keys=container.consent_gate.notice.keys)
    return expire_consents(
        container,
        ExpireCommand(as_of=as_of, dry_run=dry_run),
        gate=container.consent_gate,
        policy=policy,
        actor="test",
    )


def count_events(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(consent_events)).scalar_one())


def test_C7_C5_consents_older_than_their_validity_expire_once_and_count_as_missing(
    container: Container,
) -> None:
    old, recent, withdrawn = add_people(container.engine, 3)
    given_old = add_months(NOW, -25)
    decide(container, ConsentSubject.person(old), {"newsletter": True}, at=given_old)
    decide(container, ConsentSubject.person(recent), {"newsletter": True}, at=add_months(NOW, -23))
    decide(container, ConsentSubject.person(withdrawn), {"newsletter": True}, at=given_old)
    decide(
        container, ConsentSubject.person(withdrawn), {"newsletter": False}, at=add_months(NOW, -24)
    )
    browser = ConsentSubject.browser(BROWSER)
    decide(container, browser, {"cookies.statistics": True}, at=add_months(NOW, -13))
    # the gate and sends count a lapsed consent as expired before the sweep has run
    assert allowed(container, ConsentSubject.person(old), "newsletter") == "expired"
    assert allowed(container, browser, "statistics") == "expired"
    early = send_marketing(
        at_time(container, NOW),
        "newsletter",
        TEMPLATE,
        gate=container.consent_gate,
        links=container.access_links,
        base_url="http://varna.test",
        mailer=None,
        actor="test",
    )
    assert early.sent == 1 and early.skipped["expired"] == 1
    before = count_events(container)

    dry = sweep(container, NOW, dry_run=True)
    assert dry.expired == {"newsletter": 1, "cookies.statistics": 1}
    assert count_events(container) == before

    report = sweep(container, NOW)
    assert report.as_dict()["expired"] == 2
    assert report.months["newsletter"] == 24 and report.months["cookies.statistics"] == 12
    assert count_events(container) == before + 2
    assert allowed(container, ConsentSubject.person(old), "newsletter") == "expired"
    assert allowed(container, browser, "statistics") == "expired"
    assert allowed(container, ConsentSubject.person(recent), "newsletter") == "consent"
    assert allowed(container, ConsentSubject.person(withdrawn), "newsletter") == "withdrawn"
    states = consent_states(
        at_time(container, NOW), ConsentSubject.person(old), gate=container.consent_gate
    )
    assert states["newsletter"].status is Status.EXPIRED
    event = states["newsletter"].last_event
    assert event is not None and event.channel.value == "expiry"
    assert event.at == add_months(given_old, 24)  # dated when it lapsed, not when swept

    assert sweep(container, NOW).expired == {}  # idempotent
    assert count_events(container) == before + 2
    with container.engine.connect() as conn:
        audits = conn.execute(
            select(func.count()).where(audit_events.c.action == "consent.expired")
        ).scalar_one()
    assert audits == 1

    sent = send_marketing(
        at_time(container, NOW),
        "newsletter",
        TEMPLATE,
        gate=container.consent_gate,
        links=container.access_links,
        base_url="http://varna.test",
        mailer=None,
        actor="test",
    )
    assert sent.sent == 1 and sent.skipped["expired"] == 1 and sent.skipped["withdrawn"] == 1
    assert sent.skipped == early.skipped  # the sweep changed no decision, only the ledger

    decide(container, ConsentSubject.person(old), {"newsletter": True})  # asked again: a yes
    assert allowed(container, ConsentSubject.person(old), "newsletter") == "consent"


def test_C7_validity_per_purpose_from_settings_and_an_explicit_as_of_date(
    container: Container,
) -> None:
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    decide(
        container,
        subject,
        {"newsletter": True, "customer_surveys": True},
        at=datetime(2026, 1, 31, 9, 0, tzinfo=UTC),
    )
    short = {"customer_surveys": 6}
    assert sweep(container, datetime(2026, 7, 30, 23, 0, tzinfo=UTC), **short).expired == {}
    report = sweep(container, datetime(2026, 7, 31, 9, 0, tzinfo=UTC), **short)
    assert report.expired == {"customer_surveys": 1}
    assert allowed(container, subject, "customer_surveys", NOW) == "expired"
    assert allowed(container, subject, "newsletter", NOW) == "consent"
    with pytest.raises(InputRefused, match="consent_validity_months"):
        sweep(container, NOW, contract=12)
    with pytest.raises(InputRefused, match="at least 1"):
        sweep(container, NOW, newsletter=0)


def test_C7_the_worker_runs_the_expiry_sweep_at_start_and_every_day(
    container: Container,
) -> None:
    (person,) = add_people(container.engine, 1)
    subject = ConsentSubject.person(person)
    decide(container, subject, {"newsletter": True}, at=add_months(container.clock.now(), -25))
    run_worker(container, once=True)  # a worker's start runs the sweep
    assert expired_events(container) == 1
    clock = SteppingClock(container.clock.now())
    later = replace(container, clock=clock)
    decide(later, subject, {"newsletter": True}, at=clock.now())
    stop = start_daily_expiry(later, check_every=timedelta(milliseconds=20))
    try:
        time.sleep(0.3)  # the run at start found nothing lapsed
        assert expired_events(container) == 1
        clock.moment = add_months(clock.moment, 25)  # ... a new day comes, 25 months on
        deadline = time.monotonic() + 20
        while expired_events(container) < 2:
            assert time.monotonic() < deadline, "the daily sweep did not run"
            time.sleep(0.05)
    finally:
        stop()
    assert allowed(later, subject, "newsletter", clock.now()) == "expired"
    with container.engine.connect() as conn:
        runs = conn.execute(
            select(func.count()).where(
                audit_events.c.action == "consent.expired", audit_events.c.actor == SCHEDULER
            )
        ).scalar_one()
    assert runs == 2 and expired_events(container) == 2


def expired_events(container: Container) -> int:
    with container.engine.connect() as conn:
        query = select(func.count()).where(consent_events.c.event == "expired")
        return int(conn.execute(query).scalar_one())


class SteppingClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment
