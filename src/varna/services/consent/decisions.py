"""Recording consent decisions: the banner, the privacy center, the API, imports and the
unsubscribe link all come through :func:`record_decisions` (C4, C7, D6, R-LB-02..04)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from varna.domain.audit import AuditAction
from varna.domain.consent import (
    Channel,
    ConsentEvent,
    ConsentState,
    ConsentSubject,
    EventKind,
    Status,
    check_age,
    current_state,
    fold,
)
from varna.domain.errors import InputRefused, VarnaError
from varna.services.consent.gate import ConsentGate
from varna.services.consent.ports import ConsentUnitOfWork
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent


class StaleNotice(VarnaError):
    """The decision was made on a notice version that is no longer current: ask again."""

    def __init__(self) -> None:
        super().__init__(
            "the notice has changed since it was shown; show the new one and ask again"
        )


class UnknownSubject(VarnaError, LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no such subject ({reference})")


class InvalidLink(VarnaError):
    """An unsubscribe or privacy-center link is unknown or has expired."""

    def __init__(self) -> None:
        super().__init__("this link is not valid (unknown or expired); ask for a new one")


@dataclass(frozen=True)
class Decisions:
    """What a person chose: for each purpose or cookie category (``cookies.<id>``), yes or no."""

    subject: ConsentSubject
    choices: Mapping[str, bool]
    channel: Channel
    language: str
    notice_version: str
    age_confirmed: bool = False  # "I am 13 or older, or I act for a business" (C4)
    birth_date: date | None = None
    personnummer: str | None = field(default=None, repr=False)


def record_decisions(
    ctx: ServiceContext[ConsentUnitOfWork], decisions: Decisions, *, gate: ConsentGate, actor: str
) -> dict[str, ConsentState]:
    """Append one event per choice and return the new state of those keys. A yes needs the
    age confirmation; an age under 13 refuses everything and stores nothing (C4)."""
    notice = gate.notice
    if decisions.notice_version != notice.version:
        raise StaleNotice
    unknown = sorted(set(decisions.choices) - set(notice.keys))
    if unknown:
        raise InputRefused(f"unknown purpose or cookie category {unknown[0]!r}", field="choices")
    if not decisions.choices:
        raise InputRefused("no choice given", field="choices")
    at = ctx.clock.now()
    with ctx.uow() as work:
        subject = decisions.subject
        if subject.person_id is not None and not work.consent.person_exists(subject.person_id):
            raise UnknownSubject(subject.reference)
        if any(decisions.choices.values()):
            stored_pnr = (
                work.consent.person_personnummer(subject.person_id)
                if subject.person_id is not None
                else None
            )
            for pnr in filter(None, (decisions.personnummer, stored_pnr)):
                check_age(today=at.date(), confirmed=True, personnummer=pnr)
            check_age(
                today=at.date(),
                confirmed=decisions.age_confirmed,
                birth_date=decisions.birth_date,
            )
        keys = tuple(decisions.choices)
        before = fold(work.consent.events_of(subject, keys), at=at)
        text_hash = notice.text_hash(decisions.language)
        events = [
            ConsentEvent(
                subject=subject,
                purpose=key,
                kind=_kind(choice, current_state(before, key)),
                notice_version=notice.version,
                text_hash=text_hash,
                channel=decisions.channel,
                language=decisions.language,
                at=at,
            )
            for key, choice in decisions.choices.items()
        ]
        gate.publish(work, at=at)
        work.consent.append(events)
        work.audit.record(
            AuditEvent(
                actor=actor,
                action=AuditAction.CONSENT_RECORDED,
                target=subject.reference,
                details={
                    "channel": decisions.channel.value,
                    "notice_version": notice.version,
                    "events": {e.purpose: e.kind.value for e in events},
                },
            ),
            at=at,
        )
        work.commit()
    return fold(events, at=at)


def _kind(choice: bool, state: ConsentState) -> EventKind:
    if choice:
        return EventKind.GIVEN
    return EventKind.WITHDRAWN if state.status is Status.GRANTED else EventKind.REFUSED


def consent_states(
    ctx: ServiceContext[ConsentUnitOfWork], subject: ConsentSubject, *, gate: ConsentGate
) -> dict[str, ConsentState]:
    """The current state of every key of the notice for ``subject`` (privacy center)."""
    at = ctx.clock.now()
    with ctx.uow() as work:
        if subject.person_id is not None and not work.consent.person_exists(subject.person_id):
            raise UnknownSubject(subject.reference)
        states = gate.fold(work, work.consent.events_of(subject), at=at)
    return {key: current_state(states, key) for key in gate.notice.keys}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unsubscribe(
    ctx: ServiceContext[ConsentUnitOfWork], token: str, *, gate: ConsentGate, language: str
) -> str:
    """The one-click link of a message: withdraw its purpose (D6). Idempotent; returns the
    purpose withdrawn."""
    at = ctx.clock.now()
    with ctx.uow() as work:
        found = work.consent.unsubscribe_token(token_hash(token))
        if found is None:
            raise InvalidLink
        subject = ConsentSubject.person(found.person_id)
        before = fold(work.consent.events_of(subject, (found.purpose,)), at=at)
        if current_state(before, found.purpose).granted:
            gate.publish(work, at=at)
            work.consent.append(
                [
                    ConsentEvent(
                        subject=subject,
                        purpose=found.purpose,
                        kind=EventKind.WITHDRAWN,
                        notice_version=gate.notice.version,
                        text_hash=gate.notice.text_hash(language),
                        channel=Channel.UNSUBSCRIBE,
                        language=language,
                        at=at,
                    )
                ]
            )
            work.audit.record(
                AuditEvent(
                    actor=subject.reference,
                    action=AuditAction.CONSENT_WITHDRAWN,
                    target=subject.reference,
                    details={"purpose": found.purpose, "channel": Channel.UNSUBSCRIBE.value},
                ),
                at=at,
            )
        if found.used_at is None:
            work.consent.mark_token_used(token_hash(token), at=at)
        work.commit()
    return found.purpose
