"""The mail outbox in the admin console: every message varna would have mailed when no SMTP
server is configured (the demo default), and the queued marketing messages. Bodies hold
personal data and secrets (one-time codes, single-use download links), so the page is for the
privacy officer alone: support staff get 403, nobody signed in is sent to the login page, and
each opened message is an audit event. Bodies are shown as plain text (auto-escaped in a
``<pre>``), never as HTML. The page also lists the notices (Art. 19 and others) that are not
sent yet, failed ones first, so a failure is seen without the CLI (D4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

import varna
from varna.entrypoints.access import OFFICER, console
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import StaffSession, container_of
from varna.services.mail.outbox import list_outbox, open_message
from varna.services.notices.status import unsent_notices

router = APIRouter(include_in_schema=False)


@router.get("/admin/outbox", response_model=None)
def outbox_page(request: Request, staff: Annotated[StaffSession, console(*OFFICER)]) -> Response:
    wired = container_of(request)
    return templates.TemplateResponse(
        request,
        "admin_outbox.html",
        {
            "version": varna.__version__,
            "messages": list_outbox(wired.uow()),
            "notices": unsent_notices(wired),
            "smtp": bool(wired.settings.smtp_host),
            "staff": staff.account,
            "csrf": staff.csrf,
            "lang": page_language(request),
        },
    )


@router.get("/admin/outbox/{message_id}", response_model=None)
def outbox_message(
    request: Request, message_id: int, staff: Annotated[StaffSession, console(*OFFICER)]
) -> Response:
    wired = container_of(request)
    entry = open_message(wired.uow(), message_id, actor=staff.actor, clock=wired.clock)
    lang = page_language(request)
    return templates.TemplateResponse(
        request,
        "admin_outbox_message.html",
        {
            "version": varna.__version__,
            "m": entry,
            "staff": staff.account,
            "csrf": staff.csrf,
            "lang": lang,
        },
        status_code=404 if entry is None else 200,
    )
