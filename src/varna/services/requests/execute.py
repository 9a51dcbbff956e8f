"""Executing a verified request by job (D1-D5, D8, A3), and sending its answer.

A request acts only on the person its verified identifier proves (``IdentityProof``, the
e-mail code today); the identifiers the person typed may narrow that, never widen it, and a
request whose typed identifiers do not fit waits for staff ("identity needs checking",
``services.requests.identity``). A SIM identifier only routes the request to the SIM's
controller; the requester is told the same words whether or not the SIM exists (A3).

The answer to an access request (D1, R1). The answer mail carries a link to the answer page;
the extract waits in the request's outcome only while the link works. The rule:

* opening the link (GET) changes nothing and shows nothing, so a mail scanner that fetches it
  uses nothing up;
* the page's button (POST) opens the answer (``open_answer``): the person reads the data in the
  browser and downloads it as PDF, JSON or CSV, as often as they like **until the link
  expires** (``DOWNLOAD_LIFETIME``, 7 days); every opening and every download is an audit
  entry (``request.answer_opened``, ``request.download``);
* "Delete my copy now" (``delete_copy``) drops the copy at once and ends the link;
* a program's one-time hand-over through the API (``download``) also drops the copy;
* the retention sweep drops a copy whose link has expired (``with_lapsed_links``).

Each drop leaves only a summary without personal data (``domain.requests.extracts``).

Both job handlers are idempotent: the request's state says what is left to do, and the final
state change is conditional, so a job that runs twice (a worker killed mid-request, its lease
taken over) completes the request once. The subject engine (``services.subjects``) does the
work in its own transactions; it is safe to run again (an extract is read-only, an erasure
that ran already finds nothing left to change).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from varna.catalog import Catalog
from varna.domain.audit import Actor, AuditAction, SystemActor
from varna.domain.requests.codes import hash_secret, new_token
from varna.domain.requests.extracts import DELETED, DOWNLOADED, EXTRACT, without_extract
from varna.domain.requests.identity import IDENTITY, NEEDS_CHECKING_REASON, IdentityStatus
from varna.domain.requests.kinds import RequestKind, RequestState
from varna.domain.subjects.keys import SIM_KINDS, SubjectKey
from varna.services.consent.ports import OutgoingMail
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, Clock
from varna.services.requests.identity import (
    EmailCodeProof,
    check_identity,
    identity_of,
    needs_checking_outcome,
)
from varna.services.requests.messages import (
    controller_mail,
    forwarded_mail,
    identity_mail,
    result_mail,
    status_link,
)
from varna.services.requests.ports import IdentityProof, Mailer, RequestRecord, RequestUnitOfWork
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.extract import build_extract
from varna.services.subjects.objection import object_to
from varna.services.subjects.portability import build_portable
from varna.services.subjects.restrict import restrict

ACTOR = SystemActor.REQUEST_WORKER
RESULT_TASK = "send_result"
IDENTITY_TASK = "send_identity_notice"
DOWNLOAD_LIFETIME = timedelta(days=7)
WORKING = (RequestState.VERIFIED, RequestState.IN_PROGRESS, RequestState.EXTENDED)
# Kinds a person at varna decides on (rectification needs the new value checked, an objection
# to legitimate interests needs the balancing, withdrawal goes through the consent center):
# the job moves them to in_progress and they wait in the staff queue.
STAFF_KINDS = frozenset(
    {RequestKind.RECTIFICATION, RequestKind.OBJECTION, RequestKind.CONSENT_WITHDRAWAL}
)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What the handlers need, wired by the composition root: the service context and what
    the answers need besides (the mail, the address of the download links). It is a service
    context itself, so it can be handed on to the use cases it runs."""

    service: ServiceContext[RequestUnitOfWork]
    mailer: Mailer | None
    public_url: str
    pause_seconds: float = 0.0  # between "in progress" and the work (VARNA_JOB_PAUSE_SECONDS)
    identity: IdentityProof = field(default_factory=EmailCodeProof)

    def uow(self) -> RequestUnitOfWork:
        return self.service.uow()

    @property
    def catalog(self) -> Catalog:
        return self.service.catalog

    @property
    def clock(self) -> Clock:
        return self.service.clock

    @property
    def secret(self) -> bytes:
        return self.service.secret


def _plain(value: Any) -> Any:
    """JSON-ready (dates as ISO text) for the JSON column."""
    return json.loads(json.dumps(value, default=str))


def execute_request(ctx: RequestContext, request_id: int | None) -> None:
    if request_id is None:
        return
    now = ctx.clock.now()
    with ctx.uow() as uow:
        record = uow.requests.get(request_id)
        if record is None or record.state not in WORKING:
            return
        identity = identity_of(record.outcome)
        if identity == IdentityStatus.NEEDS_CHECKING:
            return  # waits for staff (run_for_proven_person or a refusal)
        state = RequestState(record.state)
        if state == RequestState.VERIFIED:
            state = RequestState.IN_PROGRESS
            uow.requests.change_state(
                request_id,
                from_states=[RequestState.VERIFIED],
                to_state=state,
                actor=ACTOR,
                at=now,
            )
        sims = {k: v for k, v in record.identifiers.items() if k in SIM_KINDS}
        if sims:  # A3: the SIM's end-user data belongs to the customer, known SIM or not
            _forward(uow, record, sims, now=now)
            uow.commit()
            return
        checked = identity == IdentityStatus.CONFIRMED_BY_STAFF  # staff: the proof alone
        check = check_identity(
            uow, record, ctx.identity, secret=ctx.secret, typed=() if checked else None
        )
        if check.decision.needs_checking:
            moved = uow.requests.change_state(
                request_id,
                from_states=[state],
                to_state=state,
                actor=ACTOR,
                at=now,
                note=f"identity needs checking: {NEEDS_CHECKING_REASON}",
                fields={"outcome": needs_checking_outcome(record.outcome)},
            )
            if moved:  # the person is told, in the same words whatever the cause
                uow.jobs.enqueue(
                    IDENTITY_TASK, f"identity:{request_id}", request_id=request_id, at=now
                )
                uow.audit.record(
                    AuditEvent(
                        ACTOR,
                        AuditAction.REQUEST_IDENTITY_NEEDS_CHECKING,
                        f"request:{request_id}",
                        {},
                    ),
                    at=now,
                )
            uow.commit()
            return
        uow.commit()
    if RequestKind(record.kind) in STAFF_KINDS:
        return
    if ctx.pause_seconds:
        time.sleep(ctx.pause_seconds)
    outcome = _run(ctx, record, check.keys)
    if record.outcome and IDENTITY in record.outcome:  # keep what staff decided, as proof
        outcome[IDENTITY] = record.outcome[IDENTITY]
    with ctx.uow() as uow:
        _close(uow, request_id, RequestState.COMPLETED, outcome, now=ctx.clock.now())
        uow.commit()


def _forward(
    uow: RequestUnitOfWork, record: RequestRecord, sims: dict[str, str], *, now: Any
) -> None:
    """Route the request to the controllers of the SIMs it names (A3). What the outcome keeps
    of them is for staff; the requester's answer names no one."""
    controllers = uow.requests.controllers_of_sims(sims)
    for controller in controllers:
        uow.rights.record_controller_request(
            organisation_id=controller.organisation_id,
            person_id=None,
            kind=record.kind[:16],
            sim_ids=controller.sim_ids,
            status="routed",
            instruction_ref=f"request:{record.id}",
            at=now,
        )
    outcome = {
        "forwarded_to": [
            {
                "organisation_id": c.organisation_id,
                "name": c.name,
                "privacy_contact": c.privacy_contact,
                "sim_ids": list(c.sim_ids),
            }
            for c in controllers
        ]
    }
    _close(
        uow,
        record.id,
        RequestState.FORWARDED,
        outcome,
        now=now,
        controller_id=controllers[0].organisation_id if controllers else None,
    )


def _run(
    ctx: RequestContext, record: RequestRecord, keys: tuple[SubjectKey, ...]
) -> dict[str, Any]:
    actor = Actor.request(record.id)
    kind = RequestKind(record.kind)
    if kind is RequestKind.ACCESS:
        bundle = build_extract(ctx, keys, actor=actor, language=record.language)
        return {"extract": _plain(bundle.bundle)}
    if kind is RequestKind.PORTABILITY:
        portable = build_portable(ctx, keys, actor=actor)
        return {"extract": _plain(portable.bundle)}
    if kind is RequestKind.ERASURE:
        result = erase_subject(ctx, EraseCommand(keys), actor=actor)
        return {"erasure": _plain(result.as_dict())}
    if kind is RequestKind.RESTRICTION:
        reason = record.details or "the person contests the accuracy or lawfulness"
        restricted = restrict(ctx, keys, reason=reason, actor=actor)
        return {"restriction": {"people": len(restricted.person_ids)}}
    objection = object_to(ctx, keys, purpose="direct_marketing", actor=actor)
    return {
        "marketing_objection": {
            "objections": len(objection.objection_ids),
            "suppressed": objection.suppressed,
        }
    }


def _close(
    uow: RequestUnitOfWork,
    request_id: int,
    state: RequestState,
    outcome: dict[str, Any],
    *,
    now: Any,
    controller_id: int | None = None,
) -> None:
    fields: dict[str, Any] = {"outcome": outcome, "closed_at": now}
    if controller_id is not None:
        fields["controller_id"] = controller_id
    moved = uow.requests.change_state(
        request_id,
        from_states=list(WORKING),
        to_state=state,
        actor=ACTOR,
        at=now,
        fields=fields,
    )
    if moved:  # only the run that closed the request sends the answer
        uow.jobs.enqueue(RESULT_TASK, f"result:{request_id}", request_id=request_id, at=now)
        uow.audit.record(
            AuditEvent(ACTOR, AuditAction.closing(state), f"request:{request_id}", {}), at=now
        )


def send_result(ctx: RequestContext, request_id: int | None) -> None:
    """Mail the answer: a single-use download link, the per-category erasure outcome, or that
    a SIM's data is its controller's to answer for (naming no one, A3); every answer names
    IMY (D7)."""
    if request_id is None:
        return
    now = ctx.clock.now()
    download_url = None
    with ctx.uow() as uow:
        record = uow.requests.get(request_id)
        if record is None or record.state not in (RequestState.COMPLETED, RequestState.FORWARDED):
            return
        outcome = record.outcome or {}
        if record.state == RequestState.COMPLETED and "extract" in outcome:
            token = new_token()
            uow.requests.add_token(
                request_id,
                hash_secret(token, key=ctx.secret, purpose="download"),
                now + DOWNLOAD_LIFETIME,
            )
            download_url = (
                f"{ctx.public_url.rstrip('/')}/privacy/requests/download/{token}"
                f"?lang={record.language}"
            )
        uow.commit()
    if ctx.mailer is None:
        return
    if record.state == RequestState.FORWARDED:
        forwarded = outcome.get("forwarded_to", [])
        subject, body = forwarded_mail(
            record.language, request_id=request_id, status_url=_status_url(ctx, record)
        )
        ctx.mailer.send(OutgoingMail(record.email, subject, body, {}))
        for controller in forwarded:
            if controller.get("privacy_contact"):
                c_subject, c_body = controller_mail(
                    request_id=request_id, kind=record.kind, sim_ids=tuple(controller["sim_ids"])
                )
                ctx.mailer.send(OutgoingMail(controller["privacy_contact"], c_subject, c_body, {}))
        return
    subject, body = result_mail(
        record.language,
        request_id=request_id,
        kind=record.kind,
        outcome=outcome.get("erasure", {}),
        download_url=download_url,
        catalog=ctx.catalog,
        link_days=DOWNLOAD_LIFETIME.days,
        status_url=_status_url(ctx, record),
    )
    ctx.mailer.send(OutgoingMail(record.email, subject, body, {}))


def _status_url(ctx: RequestContext, record: RequestRecord) -> str:
    return status_link(
        ctx.public_url, record.reference, secret=ctx.secret, language=record.language
    )


def send_identity_notice(ctx: RequestContext, request_id: int | None) -> None:
    """Tell the person that their identity needs checking before the request is acted on: the
    same words whatever the cause, so the mail says nothing about whose identifier it was."""
    if request_id is None or ctx.mailer is None:
        return
    with ctx.uow() as uow:
        record = uow.requests.get(request_id)
    if record is None or identity_of(record.outcome) != IdentityStatus.NEEDS_CHECKING:
        return
    if record.state not in WORKING:
        return
    subject, body = identity_mail(
        record.language, request_id=request_id, status_url=_status_url(ctx, record)
    )
    ctx.mailer.send(OutgoingMail(record.email, subject, body, {}))


def download(ctx: RequestContext, token: str) -> dict[str, Any] | None:
    """The API's one-time hand-over of the extract behind a download link (for a program):
    the link works once and until it expires, and the request keeps no copy once it is
    handed over, only its summary (R1). The answer page uses ``open_answer``."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        request_id = uow.requests.use_token(
            hash_secret(token, key=ctx.secret, purpose="download"), now
        )
        record = uow.requests.get(request_id) if request_id is not None else None
        if record is None:
            return None
        kept = without_extract(record.outcome, released=DOWNLOADED, at=now)
        if kept is not None:
            uow.requests.set_outcome(record.id, kept)
        uow.audit.record(
            AuditEvent(
                SystemActor.SUBJECT, AuditAction.REQUEST_DOWNLOAD, f"request:{request_id}", {}
            ),
            at=now,
        )
        uow.commit()
    extract: dict[str, Any] | None = (record.outcome or {}).get(EXTRACT)
    return extract


@dataclass(frozen=True, slots=True)
class Answer:
    """An access request's answer behind a working link: the extract, in the request's
    language, and until when the link works."""

    request_id: int
    language: str
    extract: dict[str, Any]
    expires_at: Any


def open_answer(
    ctx: RequestContext, token: str, *, download_format: str | None = None
) -> Answer | None:
    """The answer behind a working link, leaving the link as it is (it works until it
    expires or the person deletes the copy); None for an unknown, expired or used link.
    Every opening (``download_format`` None) and every download is an audit entry."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        request_id = uow.requests.token_request(
            hash_secret(token, key=ctx.secret, purpose="download"), now
        )
        record = uow.requests.get(request_id) if request_id is not None else None
        extract = (record.outcome or {}).get(EXTRACT) if record is not None else None
        if record is None or not isinstance(extract, dict):
            return None
        action = (
            AuditAction.REQUEST_DOWNLOAD if download_format else AuditAction.REQUEST_ANSWER_OPENED
        )
        details = {"format": download_format} if download_format else {}
        uow.audit.record(
            AuditEvent(SystemActor.SUBJECT, action, f"request:{record.id}", details), at=now
        )
        uow.commit()
    expires = record.closed_at + DOWNLOAD_LIFETIME if record.closed_at else None
    return Answer(record.id, record.language, extract, expires)


def delete_copy(ctx: RequestContext, token: str) -> bool:
    """ "Delete my copy now": the link ends and the copy goes, leaving its summary (R1).
    False for an unknown, expired or used link (nothing changes)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        request_id = uow.requests.use_token(
            hash_secret(token, key=ctx.secret, purpose="download"), now
        )
        record = uow.requests.get(request_id) if request_id is not None else None
        if record is None:
            return False
        kept = without_extract(record.outcome, released=DELETED, at=now)
        if kept is not None:
            uow.requests.set_outcome(record.id, kept)
        uow.audit.record(
            AuditEvent(
                SystemActor.SUBJECT,
                AuditAction.REQUEST_EXTRACT_DROPPED,
                f"request:{record.id}",
                {"reason": DELETED},
            ),
            at=now,
        )
        uow.commit()
    return True


def handlers(ctx: RequestContext) -> dict[str, Callable[[int | None], None]]:
    """The job tasks of requests, for the worker."""
    return {
        "execute_request": lambda request_id: execute_request(ctx, request_id),
        RESULT_TASK: lambda request_id: send_result(ctx, request_id),
        IDENTITY_TASK: lambda request_id: send_identity_notice(ctx, request_id),
    }
