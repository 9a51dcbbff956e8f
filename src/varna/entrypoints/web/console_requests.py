"""The request queue of the console (privacy officer and support): sign-out, the queue, a
request's case view and timeline, and the decisions (extend, refuse, complete). Forms carry a
CSRF token derived from the session."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import varna
from varna.domain.errors import VarnaError
from varna.domain.requests.deadlines import is_overdue
from varna.domain.requests.identity import IDENTITY
from varna.domain.requests.kinds import RefusalGround, RequestKind, RequestState
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import templates
from varna.entrypoints.web.staff_auth import (
    SESSION_COOKIE,
    container_of,
    csrf_ok,
    current_staff,
    require_staff,
)
from varna.services.requests.decisions import complete_request, extend_request, refuse_request
from varna.services.requests.identity import identity_of, run_for_proven_person
from varna.services.requests.intake import receipt_date
from varna.services.requests.messages import IMY, KIND_NAMES
from varna.services.requests.staff import log_out

router = APIRouter(include_in_schema=False)
NOT_UTF8 = "The form was not sent as UTF-8 text; nothing was saved. Send it again."


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", "en")
    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "imy": IMY[lang],
            "kinds": KIND_NAMES[lang],
            "version": varna.__version__,
            **context,
        },
        status_code=status,
    )


@router.post("/admin/logout", response_model=None)
async def logout(request: Request) -> Response:
    staff = current_staff(request)
    form = await read_utf8_form(request) or {}
    if staff is not None and csrf_ok(staff, form):
        log_out(container_of(request), staff.token)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/admin/requests", response_model=None)
def queue(request: Request, kind: str = "", state: str = "") -> Response:
    staff = require_staff(request)
    if isinstance(staff, Response):
        return staff
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
    return _render(
        request,
        "admin_queue.html",
        lang="en",
        rows=rows,
        staff=staff.account,
        kind=kind,
        state=state,
        all_kinds=[k.value for k in RequestKind],
        all_states=[s.value for s in RequestState],
        csrf=staff.csrf,
    )


@router.get("/admin/requests/{request_id}", response_model=None)
def request_detail(request: Request, request_id: int) -> Response:
    staff = require_staff(request)
    if isinstance(staff, Response):
        return staff
    wired = container_of(request)
    with wired.uow() as uow:
        record = uow.requests.get(request_id)
        events = uow.requests.events(request_id) if record else []
    if record is None:
        return HTMLResponse("<p>No such request.</p>", status_code=404)
    today = receipt_date(wired.clock)
    return _render(
        request,
        "admin_request.html",
        lang="en",
        r=record,
        events=events,
        staff=staff.account,
        identity=(record.outcome or {}).get(IDENTITY),
        forwarded=(record.outcome or {}).get("forwarded_to"),
        grounds=[g.value for g in RefusalGround],
        overdue=is_overdue(record.state, record.due_date, today),
        csrf=staff.csrf,
        error=None,
    )


@router.post("/admin/requests/{request_id}/{action}", response_model=None)
async def decide(request: Request, request_id: int, action: str) -> Response:
    staff = require_staff(request)
    if isinstance(staff, Response):
        return staff
    form = await read_utf8_form(request)
    if form is None:
        return HTMLResponse(f"<p>{NOT_UTF8}</p>", status_code=400)
    if not csrf_ok(staff, form):
        return HTMLResponse("<p>Invalid form token; reload the page.</p>", status_code=403)
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
            return HTMLResponse("<p>Unknown action.</p>", status_code=404)
    except VarnaError as exc:
        return HTMLResponse(
            f"<p>Refused: {exc}</p><p><a href='/admin/requests/{request_id}'>Back</a></p>",
            status_code=409,
        )
    return RedirectResponse(f"/admin/requests/{request_id}", status_code=303)
