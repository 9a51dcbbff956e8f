"""Marketing sends over the API, for the privacy officer (C5, D6, D8, R-LB-05).

The same use case as ``varna marketing send`` (:func:`varna.bootstrap.consent.run_send`).
Authentication is the admin console's staff session cookie; because a cookie travels with
any request the browser makes, a send also needs two things a cross-site page cannot forge:

* ``Content-Type: application/json`` (an HTML form cannot send it; a script on another
  origin can only with a CORS preflight, which varna never grants for these paths), and
* the header ``X-CSRF-Token`` with the session's CSRF token (derived from the session with
  the secret key, the same token the console's forms carry; ``GET /api/v1/staff/session``
  tells a signed-in client its value).

Anonymous callers get 401, other roles and missing or wrong tokens 403, always as JSON, and
nothing is sent. A program may call with ``Authorization: Bearer <token>`` of a privacy
officer's token instead (``varna token create``); it needs no CSRF header, as no browser
sends a bearer token by itself (:mod:`varna.entrypoints.access`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from varna.bootstrap import Container
from varna.bootstrap.consent import run_send
from varna.entrypoints.access import ANY_ROLE, CSRF_HEADER, OFFICER, Principal, api
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.errors import error_responses
from varna.services.consent.marketing import MAIL_PURPOSES, MailTemplate

router = APIRouter(tags=["marketing"])
ContainerDep = Annotated[Container, Depends(get_container)]


class SendRequest(BaseModel):
    purpose: str = Field(description=f"One of {', '.join(MAIL_PURPOSES)}.")
    subject: str = Field(description="The subject line (one line).", max_length=200)
    template: str = Field(
        description="The body. $unsubscribe_url and $privacy_center_url are filled in (and "
        "added at the end when missing).",
        max_length=100_000,
    )


class SendReportPublic(BaseModel):
    purpose: str
    sent: int = Field(description="Messages written (to the outbox, or sent by SMTP).")
    delivered: int = Field(description="Of them, delivered by SMTP in this run.")
    skipped: int
    skipped_by_reason: dict[str, int]


class StaffSessionPublic(BaseModel):
    login: str
    role: str
    csrf_token: str = Field(description=f"Send it as the {CSRF_HEADER} header.")


@router.get(
    "/staff/session", response_model=StaffSessionPublic, responses=error_responses(401, 429)
)
def session_info(who: Annotated[Principal, api(*ANY_ROLE)]) -> StaffSessionPublic:
    """Who is signed in, and the CSRF token to send with state-changing API calls (a bearer
    token is named by its actor, ``token:ID``, and needs no CSRF token: it is empty)."""
    if who.session is None:
        return StaffSessionPublic(login=who.actor, role=who.role, csrf_token="")
    account = who.session.account
    return StaffSessionPublic(login=account.login, role=account.role, csrf_token=who.session.csrf)


def sender(request: Request, who: Annotated[Principal, api(*OFFICER)]) -> Principal:
    """The privacy officer (session with its CSRF header, or token) for a send, checked
    before the body is read."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(status_code=415, detail="send the body as application/json")
    return who


@router.post(
    "/marketing/sends",
    response_model=SendReportPublic,
    responses=error_responses(401, 403, 409, 413, 415, 422, 429),
)
def create_send(
    who: Annotated[Principal, Depends(sender)],
    body: SendRequest,
    container: ContainerDep,
) -> dict[str, Any]:
    """Send to every person whose consent for the purpose passes the gate; the report says
    how many were sent and how many were skipped, per reason (as ``varna marketing send``)."""
    template = MailTemplate.of(body.subject, body.template)
    return run_send(container, body.purpose, template, actor=who.actor).as_dict()
