"""The request queue of the console: sign-out, the queue, a request's case view and timeline
(privacy officer, support and auditor), and the decisions (extend, refuse, complete, the
identity check, rectification: privacy officer and support). Forms carry a CSRF token derived
from the session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from varna.bootstrap import Container
from varna.domain.errors import VarnaError
from varna.domain.requests.deadlines import is_overdue
from varna.domain.requests.identity import IDENTITY
from varna.domain.requests.kinds import RefusalGround, RequestKind, RequestState
from varna.entrypoints.access import PUBLIC, QUEUE_READERS, QUEUE_WORKERS, console
from varna.entrypoints.api.headers import secure_cookies
from varna.entrypoints.web.console_words import (
    GROUNDS,
    KINDS,
    RECTIFIABLE,
    STATES,
    console_page,
    field_word,
    word,
)
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language
from varna.entrypoints.web.staff_auth import (
    SESSION_COOKIE,
    StaffSession,
    container_of,
    csrf_ok,
    current_staff,
)
from varna.i18n import N_, translate
from varna.services.requests.case import open_case
from varna.services.requests.decisions import complete_request, extend_request, refuse_request
from varna.services.requests.identity import (
    EmailCodeProof,
    identity_of,
    run_for_proven_person,
)
from varna.services.requests.intake import receipt_date
from varna.services.requests.staff import log_out
from varna.services.subjects.find import find_subject
from varna.services.subjects.rectify import RectifyCommand, rectify

router = APIRouter(include_in_schema=False)
NOT_UTF8 = N_("The form was not sent as UTF-8 text; nothing was saved. Send it again.")


@router.post("/admin/logout", response_model=None, dependencies=[PUBLIC])
async def logout(request: Request) -> Response:
    staff = current_staff(request)
    form = await read_utf8_form(request) or {}
    if staff is not None and not csrf_ok(staff, form):
        return RedirectResponse("/admin", status_code=303)  # a forged sign-out does nothing
    if staff is not None:
        log_out(container_of(request), staff.token)
    response = RedirectResponse("/admin/login", status_code=303)
    secure = secure_cookies(container_of(request).settings)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=secure)
    return response


@router.get("/admin/requests", response_model=None)
def queue(
    request: Request,
    staff: Annotated[StaffSession, console(*QUEUE_READERS)],
    kind: str = "",
    state: str = "",
) -> Response:
    lang = page_language(request)
    wired = container_of(request)
    today = receipt_date(wired.clock)
    with wired.uow() as uow:
        records = uow.requests.listing(
            states=[state] if state else [], kinds=[kind] if kind else [], due_before=None
        )
    rows = [
        {
            "r": r,
            "overdue": is_overdue(r.state, r.due_date, today),
            "identity": identity_of(r.outcome),
        }
        for r in records
    ]
    return console_page(
        request,
        "admin_queue.html",
        lang,
        rows=rows,
        staff=staff.account,
        kind=kind,
        state=state,
        all_kinds=[(k.value, word(KINDS, k.value, lang)) for k in RequestKind],
        all_states=[(s.value, word(STATES, s.value, lang)) for s in RequestState],
        csrf=staff.csrf,
    )


@router.get("/admin/requests/{request_id}", response_model=None)
def request_detail(
    request: Request, request_id: int, staff: Annotated[StaffSession, console(*QUEUE_READERS)]
) -> Response:
    return case_view(request, staff, request_id, page_language(request))


def case_view(
    request: Request,
    staff: StaffSession,
    request_id: int,
    lang: str,
    *,
    status: int = 200,
    error: str | None = None,
    failed: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """The case view; ``failed`` names the form whose ``error`` is shown beside it."""
    wired = container_of(request)
    record, events = open_case(wired, request_id, actor=staff.actor)
    if record is None:
        return console_page(
            request,
            "admin_request_missing.html",
            lang,
            404,
            staff=staff.account,
            csrf=staff.csrf,
        )
    today = receipt_date(wired.clock)
    identity = (record.outcome or {}).get(IDENTITY)
    status_of_identity = identity_of(record.outcome)
    keys = EmailCodeProof().proven_keys(record)
    summary: list[tuple[str, int]] | None = None
    if keys and status_of_identity != "needs_checking":
        found = find_subject(wired, keys, actor=staff.actor)
        summary = [(wired.catalog.category(c).label(lang), n) for c, n in found.categories.items()]
    return console_page(
        request,
        "admin_request.html",
        lang,
        status,
        r=record,
        events=events,
        staff=staff.account,
        identity=identity,
        identity_status=status_of_identity,
        forwarded=(record.outcome or {}).get("forwarded_to"),
        grounds=[(g.value, word(GROUNDS, g.value, lang)) for g in RefusalGround],
        fields=[(c, field_word(c, lang)) for c in RECTIFIABLE],
        can_rectify=bool(keys) and status_of_identity != "needs_checking",
        summary=summary,
        overdue=is_overdue(record.state, record.due_date, today),
        csrf=staff.csrf,
        error=error,
        failed=failed,
        form=form or {},
    )


# What staff read when a decision is refused, beside its form; the service's own text is in
# English and may name stored values, so it is not shown.
REFUSED = {
    "extend": N_("Not extended: a request can be extended once, by 1 or 2 months, with a reason."),
    "refuse": N_("Not refused: choose a ground and write the reasons the person will read."),
    "complete": N_("Not completed: the request cannot be completed in its present state."),
    "run-verified": N_("Not run: the request does not wait for an identity check."),
    "rectify": N_(
        "Not corrected: the new value has the wrong form for this field, or the confirmed "
        "e-mail address does not match exactly one person."
    ),
}
ACTIONS = frozenset(REFUSED)


@router.post("/admin/requests/{request_id}/{action}", response_model=None)
async def decide(
    request: Request,
    request_id: int,
    action: str,
    staff: Annotated[StaffSession, console(*QUEUE_WORKERS)],
) -> Response:
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return case_view(
            request,
            staff,
            request_id,
            lang,
            status=400,
            error=translate(lang, NOT_UTF8),
            failed=action,
        )
    lang = page_language(request, form.get("lang"))
    if not csrf_ok(staff, form):
        return case_view(
            request,
            staff,
            request_id,
            lang,
            status=403,
            error=translate(
                lang, "The form's token is out of date: reload the page and try again."
            ),
            failed=action,
            form=form,
        )
    if action not in ACTIONS:
        return case_view(request, staff, request_id, lang, status=404)
    wired = container_of(request)
    actor = staff.actor
    policy = wired.settings.scan_special_policy
    months = form.get("months", "1") or "1"
    try:
        if action == "extend":
            if months not in ("1", "2"):
                raise VarnaError("extend by 1 or 2 months")
            extend_request(
                wired,
                request_id,
                months=int(months),
                reason=form.get("reason", ""),
                actor=actor,
                mailer=wired.mailer(),
                special_policy=policy,
            )
        elif action == "refuse":
            refuse_request(
                wired,
                request_id,
                ground=form.get("ground"),
                reason=form.get("reason"),
                actor=actor,
                mailer=wired.mailer(),
                special_policy=policy,
            )
        elif action == "run-verified":
            run_for_proven_person(wired, request_id, actor=actor)
        elif action == "complete":
            complete_request(
                wired, request_id, note=form.get("note") or None, actor=actor, special_policy=policy
            )
        else:
            _rectify(wired, request_id, form, actor=actor)
    except VarnaError:
        return case_view(
            request,
            staff,
            request_id,
            lang,
            status=409,
            error=translate(lang, REFUSED[action]),
            failed=action,
            form=form,
        )
    return RedirectResponse(f"/admin/requests/{request_id}?lang={lang}", status_code=303)


def _rectify(wired: Container, request_id: int, form: dict[str, str], *, actor: str) -> None:
    """Correct one field of the person of the request's confirmed e-mail address (D3): the
    rectification service keeps the old value, tells the recipients and audits it."""
    with wired.uow() as uow:
        record = uow.requests.get(request_id)
    if record is None:
        raise VarnaError("no such request")
    column = form.get("field", "")
    value = (form.get("value") or "").strip()
    keys = EmailCodeProof().proven_keys(record)
    if (
        column not in RECTIFIABLE
        or not value
        or not keys
        or identity_of(record.outcome) == "needs_checking"
        or record.kind != RequestKind.RECTIFICATION
    ):
        raise VarnaError("nothing to rectify")
    command = RectifyCommand(keys, column, value, statement=form.get("statement") or None)
    rectify(wired, command, actor=actor, special_policy=wired.settings.scan_special_policy)
