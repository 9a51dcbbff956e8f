"""Intake of free text through the guard: support-ticket messages and quote requests.

Promises C2 (card numbers masked to the last four digits before storage), C3 (special
categories refused or redacted, per ``Settings.scan_special_policy``), C4 (a personnummer
showing an age under 13 refuses the message; nothing of it is stored) and P4. Every intake
records its privacy events (kind and where, never the content) and its audit event in the
same transaction as the write; a refusal records them without the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.scan import (
    ChildDataRefused,
    GuardResult,
    SensitiveContentRefused,
    SpecialPolicy,
    guard_text,
)
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, Clock, PrivacyEventRecord, TextUnitOfWork

EVENT_CHILD_REFUSED = "child_refused"
EVENT_SPECIAL_REFUSED = "special_refused"


class UnknownTicket(VarnaError, LookupError):
    """The message names a support ticket that does not exist."""

    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"no support ticket with id {ticket_id}")


@dataclass(frozen=True)
class IntakeResult:
    """The id of the stored record, and what the guard did (event kind, type, count)."""

    record_id: int
    events: tuple[tuple[str, str, int], ...]


def add_ticket_message(
    ctx: ServiceContext[TextUnitOfWork],
    ticket_id: int,
    body: str,
    *,
    actor: str,
    special_policy: SpecialPolicy,
    today: date,
    author_person_id: int | None = None,
    author_staff: str | None = None,
) -> IntakeResult:
    """Store a message on ticket ``ticket_id`` after the guard (C2, C3, C4, P4).

    Raises :class:`ChildDataRefused` or :class:`SensitiveContentRefused` (nothing of the
    message is stored; the refusal is recorded), or :class:`UnknownTicket`.
    """
    table = "ticket_messages"
    uow, clock = ctx.uow(), ctx.clock
    with uow:
        if not uow.text.ticket_exists(ticket_id):
            raise UnknownTicket(ticket_id)
        guarded = _guard_or_record_refusal(
            uow, body, table, actor=actor, clock=clock, policy=special_policy, today=today
        )
        now = clock.now()
        record_id = uow.text.add_ticket_message(
            ticket_id,
            guarded.text,
            sent_at=now,
            author_person_id=author_person_id,
            author_staff=author_staff,
        )
        result = _record(uow, guarded, table, record_id, actor=actor, clock=clock)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.TICKET_MESSAGE_ADDED,
                f"ticket_message:{record_id}",
                {"ticket_id": ticket_id, "privacy_events": _summary(result)},
            ),
            at=now,
        )
        uow.commit()
    return result


def record_quote_request(
    ctx: ServiceContext[TextUnitOfWork],
    message: str,
    *,
    actor: str,
    special_policy: SpecialPolicy,
    today: date,
    source: str = "web_form",
    company_name: str | None = None,
    sim_count: int | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
) -> IntakeResult:
    """Store a quote request whose message has passed the guard (C2, C3, C4)."""
    table = "quote_requests"
    uow, clock = ctx.uow(), ctx.clock
    with uow:
        guarded = _guard_or_record_refusal(
            uow, message, table, actor=actor, clock=clock, policy=special_policy, today=today
        )
        now = clock.now()
        record_id = uow.text.add_quote_request(
            guarded.text,
            received_at=now,
            source=source,
            company_name=company_name,
            sim_count=sim_count,
            person_id=person_id,
            organisation_id=organisation_id,
        )
        result = _record(uow, guarded, table, record_id, actor=actor, clock=clock)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.QUOTE_REQUEST_RECEIVED,
                f"quote_request:{record_id}",
                {"privacy_events": _summary(result)},
            ),
            at=now,
        )
        uow.commit()
    return result


def _guard_or_record_refusal(
    uow: TextUnitOfWork,
    text: str,
    table: str,
    *,
    actor: str,
    clock: Clock,
    policy: SpecialPolicy,
    today: date,
) -> GuardResult:
    """The guarded text; on a refusal, record the refusal (no text), commit, re-raise."""
    try:
        return guard_text(text, special_policy=policy, today=today)
    except ChildDataRefused as exc:
        kinds: tuple[tuple[str, str], ...] = ((EVENT_CHILD_REFUSED, exc.kind.replace(" ", "_")),)
        refusal: VarnaError = exc
    except SensitiveContentRefused as exc:
        kinds = tuple((EVENT_SPECIAL_REFUSED, k) for k in exc.kinds)
        refusal = exc
    now = clock.now()
    uow.text.record_privacy_events(
        (PrivacyEventRecord(kind, ftype, table, None, actor, {}) for kind, ftype in kinds),
        at=now,
    )
    uow.audit.record(
        AuditEvent(
            actor,
            AuditAction.INTAKE_REFUSED,
            table,
            {"privacy_events": [{"kind": k, "type": t} for k, t in kinds]},
        ),
        at=now,
    )
    uow.commit()
    raise refusal


def _record(
    uow: TextUnitOfWork,
    guarded: GuardResult,
    table: str,
    record_id: int,
    *,
    actor: str,
    clock: Clock,
) -> IntakeResult:
    uow.text.record_privacy_events(
        (
            PrivacyEventRecord(e.kind, e.type, table, record_id, actor, {"count": e.count})
            for e in guarded.events
        ),
        at=clock.now(),
    )
    return IntakeResult(record_id, tuple((e.kind, e.type, e.count) for e in guarded.events))


def _summary(result: IntakeResult) -> list[dict[str, object]]:
    return [{"kind": k, "type": t, "count": n} for k, t, n in result.events]
