"""The consent use cases as the tests call them: one place to change when their signatures
change (a ``ServiceContext`` instead of a unit of work, a gate and a time)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from tests.fakes.context import SECRET, FakeContext
from tests.fakes.mail import CapturingMailer
from varna.domain.consent import Channel, ConsentState, ConsentSubject
from varna.services.consent.decisions import Decisions, consent_states, record_decisions
from varna.services.consent.expiry import ExpireCommand, ExpiryReport, expire_consents
from varna.services.consent.gate import ConsentGate, GateDecision
from varna.services.consent.links import AccessLinks
from varna.services.consent.marketing import MailTemplate, SendReport, send_marketing
from varna.services.consent.ports import ProcessingVeto
from varna.services.subjects.vetoes import SubjectRightsVeto

BASE_URL = "https://varna.example"
TEMPLATE = MailTemplate.of("News from Varna", "Hello!\n\nOur spring offer.\n")


def make_gate(
    ctx: FakeContext,
    *,
    vetoes: tuple[ProcessingVeto, ...] | None = None,
    validity: Mapping[str, int] | None = None,
) -> ConsentGate:
    """The gate as bootstrap builds it: with the subject engine's vetoes."""
    chosen = (SubjectRightsVeto(ctx.secret),) if vetoes is None else vetoes
    return ConsentGate(ctx.catalog, vetoes=chosen, validity_months=validity)


def decide(
    ctx: FakeContext,
    gate: ConsentGate,
    subject: ConsentSubject | int,
    choices: Mapping[str, bool],
    *,
    channel: Channel = Channel.PRIVACY_CENTER,
    age_confirmed: bool = True,
    version: str | None = None,
    language: str = "sv",
    birth_date: date | None = None,
    personnummer: str | None = None,
    at: datetime | None = None,
) -> dict[str, ConsentState]:
    who = ConsentSubject.person(subject) if isinstance(subject, int) else subject
    decisions = Decisions(
        who,
        dict(choices),
        channel,
        language,
        version or gate.notice.version,
        age_confirmed,
        birth_date,
        personnummer,
    )
    if at is not None:
        ctx.clock.set(at)
    return record_decisions(ctx, decisions, gate=gate, actor=who.reference)


def states(ctx: FakeContext, gate: ConsentGate, person_id: int) -> dict[str, ConsentState]:
    return consent_states(ctx, ConsentSubject.person(person_id), gate=gate)


def may(
    ctx: FakeContext, gate: ConsentGate, subject: ConsentSubject | int, purpose: str
) -> GateDecision:
    who = ConsentSubject.person(subject) if isinstance(subject, int) else subject
    with ctx.uow() as uow:
        return gate.may_process(uow, who, purpose, at=ctx.clock.now())


def expire(ctx: FakeContext, gate: ConsentGate, *, dry_run: bool = False) -> ExpiryReport:
    return expire_consents(
        ctx,
        ExpireCommand(ctx.clock.now(), dry_run),
        gate=gate,
        policy=gate.validity,
        actor="scheduler:consent",
    )


def send(
    ctx: FakeContext,
    gate: ConsentGate,
    purpose: str = "newsletter",
    *,
    mailer: CapturingMailer | None = None,
    template: MailTemplate = TEMPLATE,
) -> SendReport:
    return send_marketing(
        ctx,
        purpose,
        template,
        gate=gate,
        links=AccessLinks(SECRET),
        base_url=BASE_URL,
        mailer=mailer,
        actor="staff:1",
    )
