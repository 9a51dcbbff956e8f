"""Staff decisions on a request (R-DSR-01/02, Art. 12(3)-(5)): extend with a reason and a
notice inside the first month, refuse only on a recorded ground with reasons (the notice names
IMY and the courts), complete by hand (rectification, objection, withdrawal). Every reason
and note staff write passes the intake guard first (C2, C3, C4), like a person's own text."""

from __future__ import annotations

from dataclasses import dataclass

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.requests.deadlines import extend
from varna.domain.requests.kinds import OPEN_STATES, RequestState
from varna.domain.requests.lifecycle import check_refusal, check_transition
from varna.domain.scan import SpecialPolicy
from varna.services.consent.ports import OutgoingMail
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.requests.guarded import guard_details, record_guard_events
from varna.services.requests.intake import STOCKHOLM, receipt_date
from varna.services.requests.messages import extension_mail, refusal_mail, status_link
from varna.services.requests.ports import Mailer, RequestRecord, RequestUnitOfWork


class RequestNotFound(VarnaError):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"no request {request_id}")


@dataclass(frozen=True, slots=True)
class Decision:
    request_id: int
    state: str
    due_date: str


def _open(uow: RequestUnitOfWork, request_id: int) -> RequestRecord:
    record = uow.requests.get(request_id)
    if record is None:
        raise RequestNotFound(request_id)
    return record


def _status_url(
    ctx: ServiceContext[RequestUnitOfWork], record: RequestRecord, public_url: str | None
) -> str | None:
    """The status page's link for the mail: ``public_url`` when the caller gives it, else the
    composition root's (a container carries its settings' public address as ``public_url``)."""
    base = public_url if public_url is not None else getattr(ctx, "public_url", None)
    if not isinstance(base, str) or not base:
        return None
    return status_link(base, record.reference, secret=ctx.secret, language=record.language)


def extend_request(
    ctx: ServiceContext[RequestUnitOfWork],
    request_id: int,
    *,
    months: int,
    reason: str,
    actor: str,
    mailer: Mailer | None,
    special_policy: SpecialPolicy,
    public_url: str | None = None,
) -> Decision:
    uow, clock = ctx.uow(), ctx.clock
    now = clock.now()
    guarded = guard_details(
        uow,
        reason.strip(),
        actor=actor,
        at=now,
        policy=special_policy,
        today=receipt_date(clock),
        field="reason",
    )
    reason = guarded.text if guarded else ""
    with uow:
        record_guard_events(uow, guarded, request_id, actor=actor, at=now)
        record = _open(uow, request_id)
        check_transition(record.state, RequestState.EXTENDED)
        if record.extension_months:
            raise VarnaError(f"request {request_id} has already been extended")
        received = record.received_at.astimezone(STOCKHOLM).date()
        extension = extend(received, months=months, reason=reason, notice_on=receipt_date(clock))
        uow.requests.change_state(
            request_id,
            from_states=[record.state],
            to_state=RequestState.EXTENDED,
            actor=actor,
            at=now,
            note=extension.reason,
            fields={
                "extension_months": months,
                "extension_reason": extension.reason,
                "due_date": extension.new_due,
            },
        )
        uow.audit.record(
            AuditEvent(
                actor, AuditAction.REQUEST_EXTENDED, f"request:{request_id}", {"months": months}
            ),
            at=now,
        )
        uow.commit()
    if mailer is not None:
        subject, body = extension_mail(
            record.language,
            request_id=request_id,
            reason=extension.reason,
            new_due=extension.new_due.isoformat(),
            status_url=_status_url(ctx, record, public_url),
        )
        mailer.send(OutgoingMail(record.email, subject, body, {}))
    return Decision(request_id, RequestState.EXTENDED.value, extension.new_due.isoformat())


def refuse_request(
    ctx: ServiceContext[RequestUnitOfWork],
    request_id: int,
    *,
    ground: str | None,
    reason: str | None,
    actor: str,
    mailer: Mailer | None,
    special_policy: SpecialPolicy,
    public_url: str | None = None,
) -> Decision:
    parsed = check_refusal(ground, reason)
    uow, clock = ctx.uow(), ctx.clock
    now = clock.now()
    guarded = guard_details(
        uow,
        (reason or "").strip(),
        actor=actor,
        at=now,
        policy=special_policy,
        today=receipt_date(clock),
        field="reason",
    )
    text = guarded.text if guarded else ""
    with uow:
        record_guard_events(uow, guarded, request_id, actor=actor, at=now)
        record = _open(uow, request_id)
        check_transition(record.state, RequestState.REFUSED)
        uow.requests.change_state(
            request_id,
            from_states=[record.state],
            to_state=RequestState.REFUSED,
            actor=actor,
            at=now,
            note=f"{parsed.value}: {text}",
            fields={"refusal_ground": parsed.value, "refusal_reason": text, "closed_at": now},
        )
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.REQUEST_REFUSED,
                f"request:{request_id}",
                {"ground": parsed.value},
            ),
            at=now,
        )
        uow.commit()
    if mailer is not None:
        subject, body = refusal_mail(
            record.language,
            request_id=request_id,
            kind=record.kind,
            ground=parsed.value,
            reason=text,
            status_url=_status_url(ctx, record, public_url),
        )
        mailer.send(OutgoingMail(record.email, subject, body, {}))
    return Decision(request_id, RequestState.REFUSED.value, record.due_date.isoformat())


def complete_request(
    ctx: ServiceContext[RequestUnitOfWork],
    request_id: int,
    *,
    note: str | None,
    actor: str,
    special_policy: SpecialPolicy,
) -> Decision:
    uow, clock = ctx.uow(), ctx.clock
    now = clock.now()
    guarded = guard_details(
        uow,
        (note or "").strip(),
        actor=actor,
        at=now,
        policy=special_policy,
        today=receipt_date(clock),
        field="note",
    )
    note = guarded.text if guarded else None
    with uow:
        record_guard_events(uow, guarded, request_id, actor=actor, at=now)
        record = _open(uow, request_id)
        check_transition(record.state, RequestState.COMPLETED)
        outcome = dict(record.outcome or {})
        if note:
            outcome["staff_note"] = note
        moved = uow.requests.change_state(
            request_id,
            from_states=[s.value for s in OPEN_STATES if s != RequestState.RECEIVED],
            to_state=RequestState.COMPLETED,
            actor=actor,
            at=now,
            note=note,
            fields={"outcome": outcome, "closed_at": now},
        )
        if moved:
            uow.jobs.enqueue("send_result", f"result:{request_id}", request_id=request_id, at=now)
            uow.audit.record(
                AuditEvent(actor, AuditAction.REQUEST_COMPLETED, f"request:{request_id}", {}),
                at=now,
            )
        uow.commit()
    return Decision(request_id, RequestState.COMPLETED.value, record.due_date.isoformat())
