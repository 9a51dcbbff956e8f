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
nothing is sent.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field

from varna.bootstrap import Container
from varna.bootstrap.consent import run_send
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.errors import error_responses
from varna.entrypoints.web.staff_auth import PRIVACY_OFFICER, StaffSession, current_staff
from varna.services.consent.marketing import MAIL_PURPOSES, MailTemplate

router = APIRouter(tags=["marketing"])
ContainerDep = Annotated[Container, Depends(get_container)]
SEND_ROLES = (PRIVACY_OFFICER,)
CSRF_HEADER = "X-CSRF-Token"


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


def staff_session(request: Request) -> StaffSession:
    """The signed-in member of staff, or 401 (JSON)."""
    session = current_staff(request)
    if session is None:
        raise HTTPException(
            status_code=401,
            detail="sign in to the admin console first (/admin/login)",
            headers={"WWW-Authenticate": 'Cookie realm="varna admin"'},
        )
    return session


StaffDep = Annotated[StaffSession, Depends(staff_session)]


@router.get("/staff/session", response_model=StaffSessionPublic, responses=error_responses(401))
def session_info(session: StaffDep) -> StaffSessionPublic:
    """Who is signed in, and the CSRF token to send with state-changing API calls."""
    return StaffSessionPublic(
        login=session.account.login, role=session.account.role, csrf_token=session.csrf
    )


def sender(
    request: Request,
    session: StaffDep,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> StaffSession:
    """The privacy officer's session for a send, checked before the body is read."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(status_code=415, detail="send the body as application/json")
    if not hmac.compare_digest(session.csrf, x_csrf_token or ""):
        raise HTTPException(status_code=403, detail=f"missing or wrong {CSRF_HEADER} header")
    if session.account.role not in SEND_ROLES:
        raise HTTPException(status_code=403, detail="marketing sends are for the privacy officer")
    return session


@router.post(
    "/marketing/sends",
    response_model=SendReportPublic,
    responses=error_responses(401, 403, 409, 413, 415, 422),
)
def create_send(
    session: Annotated[StaffSession, Depends(sender)],
    body: SendRequest,
    container: ContainerDep,
) -> dict[str, Any]:
    """Send to every person whose consent for the purpose passes the gate; the report says
    how many were sent and how many were skipped, per reason (as ``varna marketing send``)."""
    template = MailTemplate.of(body.subject, body.template)
    return run_send(container, body.purpose, template, actor=session.actor).as_dict()
