"""The consent gate's decisions and vetoes (C5, C7, D3, D6, D8), the expiry sweep (C7),
marketing sends and the one-click unsubscribe (D6, D8), and privacy-center links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.consent.helpers import BASE_URL, decide, expire, make_gate, may, send
from varna.domain.consent import Channel, ConsentEvent, ConsentSubject, EventKind, NoticeVersion
from varna.domain.errors import InputRefused
from varna.domain.subjects.keys import keyed_hash
from varna.services.consent.center_links import (
    AskForLink,
    AskLimits,
    LinkAsked,
    TooManyAsks,
    TooManyAsksFromClient,
    ask_for_link,
    person_of_link,
    send_link,
)
from varna.services.consent.decisions import InvalidLink, unsubscribe
from varna.services.consent.gate import NotConsentBased
from varna.services.consent.links import AccessLinks
from varna.services.consent.marketing import MailTemplate

EMAIL = "anna@example.com"


# -- the gate (C5) ------------------------------------------------------------------------------


def test_the_gate_allows_a_purpose_only_on_a_consent_given_c5_d6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    gate = make_gate(ctx)
    assert (may(ctx, gate, person, "newsletter").reason) == "never_asked"
    decide(ctx, gate, person, {"newsletter": True})
    decision = may(ctx, gate, person, "newsletter")
    assert decision and decision.reason == "consent"
    ctx.clock.advance(seconds=1)
    decide(ctx, gate, person, {"newsletter": False})
    assert may(ctx, gate, person, "newsletter").reason == "withdrawn"  # at once


def test_the_gate_decides_consent_based_purposes_only_c5(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    with pytest.raises(NotConsentBased, match="'fraud_prevention' is not consent-based"):
        may(ctx, make_gate(ctx), person, "fraud_prevention")


@pytest.mark.parametrize("veto", ["restricted", "objected", "suppressed"])
def test_a_restriction_an_objection_or_the_suppression_list_vetoes_a_consent_d3_d8(
    ctx: FakeContext, uow: FakeUnitOfWork, veto: str
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    gate = make_gate(ctx)
    decide(ctx, gate, person, {"direct_marketing": True})
    with uow:
        if veto == "restricted":
            uow.rights.restrict(person, "contested", ctx.clock.now())
        elif veto == "objected":
            uow.rights.add_objection(person, "direct_marketing", ctx.clock.now(), None)
        else:
            uow.rights.suppress(keyed_hash(EMAIL, ctx.secret))
        uow.commit()
    assert may(ctx, gate, person, "direct_marketing").reason == veto


def test_a_consent_older_than_its_validity_counts_as_expired_c7(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx, validity={"newsletter": 6})
    decide(ctx, gate, person, {"newsletter": True})
    ctx.clock.advance(days=182)
    assert may(ctx, gate, person, "newsletter").reason == "consent"
    ctx.clock.advance(days=2)
    assert may(ctx, gate, person, "newsletter").reason == "expired"


def test_consent_under_a_notice_whose_text_changed_is_outdated_c7(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx)
    old = NoticeVersion("n-old", {"newsletter": "an-older-text"}, {"sv": "x", "en": "y"})
    now = ctx.clock.now()
    with uow:
        uow.consent.publish_notice(old, at=now)
        uow.consent.append(
            [
                ConsentEvent(
                    ConsentSubject.person(person),
                    "newsletter",
                    EventKind.GIVEN,
                    "n-old",
                    "x",
                    Channel.PRIVACY_CENTER,
                    "sv",
                    now,
                ),
            ]
        )
        uow.commit()
    assert may(ctx, gate, person, "newsletter").reason == "outdated_notice"


def test_a_browser_consent_to_a_cookie_category_covers_its_purposes(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    gate = make_gate(ctx)
    browser = ConsentSubject.browser("browser-0123456789abcdef")
    assert may(ctx, gate, browser, "statistics").reason == "never_asked"
    decide(ctx, gate, browser, {"cookies.statistics": True})
    assert may(ctx, gate, browser, "traffic_analysis").allowed
    assert may(ctx, gate, browser, "direct_marketing").reason == "never_asked"


# -- expiry (C7) ----------------------------------------------------------------------------------


def test_the_sweep_expires_lapsed_consents_once_dated_when_they_lapsed_c7(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    old, recent = uow.directory.add_person(), uow.directory.add_person()
    gate = make_gate(ctx)
    given_at = ctx.clock.now()
    decide(ctx, gate, old, {"newsletter": True, "cookies.statistics": False})
    ctx.clock.advance(days=400)
    decide(ctx, gate, recent, {"newsletter": True})
    ctx.clock.advance(days=400)  # the first consent is 800 days old: past 24 months
    report = expire(ctx, gate)
    assert report.expired == {"newsletter": 1} and report.months["newsletter"] == 24
    assert uow.consent.kinds(old, "newsletter") == ["given", "expired"]
    lapsed = uow.consent.ledger[-1]
    assert lapsed.at == given_at.replace(year=given_at.year + 2) and lapsed.channel == "expiry"
    assert uow.audit.one("consent.expired").details["expired"] == {"newsletter": 1}
    assert expire(ctx, gate).total == 0  # idempotent
    assert uow.audit.actions().count("consent.expired") == 1


def test_a_dry_run_of_the_expiry_says_what_would_expire_and_changes_nothing(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person()
    gate = make_gate(ctx)
    decide(ctx, gate, person, {"newsletter": True})
    ledger = list(uow.consent.ledger)
    ctx.clock.advance(days=800)
    assert expire(ctx, gate, dry_run=True).as_dict()["expired"] == 1
    assert uow.consent.ledger == ledger and "consent.expired" not in uow.audit.actions()


# -- marketing sends and unsubscribe (D6, D8) -----------------------------------------------------


def _audience(ctx: FakeContext, uow: FakeUnitOfWork) -> dict[str, int]:
    gate = make_gate(ctx)
    people = {
        "yes": uow.directory.add_person(email="yes@example.com"),
        "no": uow.directory.add_person(email="no@example.com"),
        "withdrawn": uow.directory.add_person(email="gone@example.com"),
        "no_email": uow.directory.add_person(),
        "restricted": uow.directory.add_person(email="restricted@example.com"),
        "never": uow.directory.add_person(email="never@example.com"),
    }
    decide(ctx, gate, people["yes"], {"newsletter": True})
    decide(ctx, gate, people["no"], {"newsletter": False})
    decide(ctx, gate, people["withdrawn"], {"newsletter": True})
    decide(ctx, gate, people["no_email"], {"newsletter": True})
    decide(ctx, gate, people["restricted"], {"newsletter": True})
    ctx.clock.advance(seconds=1)
    decide(ctx, gate, people["withdrawn"], {"newsletter": False})
    with uow:
        uow.rights.restrict(people["restricted"], "contested", ctx.clock.now())
        uow.commit()
    return people


def test_a_send_reaches_only_people_who_pass_the_gate_and_says_why_others_were_skipped_c5(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    people = _audience(ctx, uow)
    report = send(ctx, make_gate(ctx), mailer=mailer)
    assert (report.sent, report.delivered) == (1, 1)
    assert report.skipped == {
        "refused": 1,
        "withdrawn": 1,
        "no_email": 1,
        "restricted": 1,
        "never_asked": 1,
    }
    mail = mailer.only()
    assert mail.to == "yes@example.com" and mail.subject == "News from Varna"
    assert f"{BASE_URL}/unsubscribe/" in mail.body
    assert f"{BASE_URL}/privacy/consents/{people['yes']}." in mail.body
    assert uow.audit.one("marketing.sent").details == {"queued": 1, "skipped": report.skipped}
    assert all(kept.sent_at is not None for kept in uow.consent.messages.values())


def test_without_a_mailer_the_messages_wait_in_the_outbox(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    _audience(ctx, uow)
    report = send(ctx, make_gate(ctx))
    assert (report.sent, report.delivered) == (1, 0)
    assert [kept.sent_at for kept in uow.consent.messages.values()] == [None]


def test_the_unsubscribe_link_withdraws_at_once_and_clicking_again_changes_nothing_d6(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    people = _audience(ctx, uow)
    gate = make_gate(ctx)
    send(ctx, gate, mailer=mailer)
    token = mailer.only().body.split("/unsubscribe/")[1].split()[0]
    ctx.clock.advance(minutes=1)
    assert unsubscribe(ctx, token, gate=gate, language="sv") == "newsletter"
    assert uow.consent.kinds(people["yes"], "newsletter") == ["given", "withdrawn"]
    assert uow.consent.ledger[-1].channel == "unsubscribe"
    assert may(ctx, gate, people["yes"], "newsletter").reason == "withdrawn"
    withdrawn = uow.audit.one("consent.withdrawn")
    assert withdrawn.details == {"purpose": "newsletter", "channel": "unsubscribe"}
    unsubscribe(ctx, token, gate=gate, language="sv")
    assert uow.consent.kinds(people["yes"], "newsletter") == ["given", "withdrawn"]
    with pytest.raises(InvalidLink, match="ask for a new one"):
        unsubscribe(ctx, "forged", gate=gate, language="sv")


def test_a_send_is_for_a_mail_purpose_and_a_template_needs_a_subject_and_a_body(
    ctx: FakeContext,
) -> None:
    with pytest.raises(InputRefused, match="a send is for one of newsletter") as refused:
        send(ctx, make_gate(ctx), "statistics")
    assert refused.value.field == "purpose"
    with pytest.raises(InputRefused, match="Subject"):
        MailTemplate.parse("Hello\n\nbody")
    with pytest.raises(InputRefused, match="no body"):
        MailTemplate.parse("Subject: News\n\n  \n")
    with pytest.raises(InputRefused, match="one line"):
        MailTemplate.of("News\r\nBcc: x@example.com", "body")
    assert "$unsubscribe_url" in MailTemplate.of("News", "body").body  # added when missing


# -- privacy-center links (C7, D6) ----------------------------------------------------------------


def _ask(ctx: FakeContext, email: str, client: str = "198.51.100.7", **limits: int) -> LinkAsked:
    return ask_for_link(
        ctx,
        AskForLink(email),
        client=client,
        limits=AskLimits(**limits),
    )


def test_a_link_asked_for_a_known_address_opens_that_persons_consents_only(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    asked = _ask(ctx, " Anna@Example.com ")
    send_link(
        ctx,
        asked,
        base_url=BASE_URL,
        mailer=mailer,
        actor="subject",
    )
    mail = mailer.only()
    assert mail.to == EMAIL
    token = mail.body.split("/privacy/consents/")[1].split("?")[0]
    assert token not in str(uow.consent.links.issued)  # only its hash is stored
    links = AccessLinks(ctx.secret)
    assert person_of_link(ctx, token, links=links) == person
    assert uow.audit.one("consent.link_sent").target == f"person:{person}"
    ctx.clock.advance(hours=24, seconds=1)
    with pytest.raises(InvalidLink):
        person_of_link(ctx, token, links=links)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    asked = _ask(ctx, "nobody@example.com")
    send_link(
        ctx,
        asked,
        base_url=BASE_URL,
        mailer=mailer,
        actor="subject",
    )
    assert mailer.sent == [] and uow.consent.links.issued == {} and uow.audit.entries == []


def test_asks_are_limited_per_address_and_per_client(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    for _ in range(2):
        _ask(ctx, EMAIL, per_address=2)
    with pytest.raises(TooManyAsks, match="Use that link"):
        _ask(ctx, EMAIL, per_address=2)
    asks = len(uow.consent.links.asks)
    for n in range(3):
        _ask(ctx, f"p{n}@example.com", client="203.0.113.9", per_client=3)
    with pytest.raises(TooManyAsksFromClient):
        _ask(ctx, "p9@example.com", client="203.0.113.9", per_client=3)
    assert len(uow.consent.links.asks) == asks + 6  # the refused ask logged nothing
    with pytest.raises(InputRefused) as refused:
        _ask(ctx, "not-an-address")
    assert refused.value.field == "email"


def test_a_signed_link_from_a_message_is_checked_and_expires(ctx: FakeContext) -> None:
    links = AccessLinks(ctx.secret, lifetime=timedelta(days=1))
    token = links.issue(7, at=ctx.clock.now())
    assert person_of_link(ctx, token, links=links) == 7
    forged = token.replace("7.", "8.", 1)
    with pytest.raises(InvalidLink):
        person_of_link(ctx, forged, links=links)
    with pytest.raises(InvalidLink):
        links.verify(token, at=ctx.clock.now() + timedelta(days=2))
