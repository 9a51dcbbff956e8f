"""Staff sign-in for every admin-console page: the session cookie, the console's 403 page and
the CSRF check of forms. Pages declare their roles with
:func:`varna.entrypoints.access.console`, which uses :func:`current_staff` and
:func:`forbidden` and :func:`sign_in_step` here."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse

from varna.bootstrap import Container
from varna.domain.audit import Actor
from varna.services.requests.ports import StaffAccount
from varna.services.requests.staff import Session, Stage, csrf_token, session_of

SESSION_COOKIE = "varna_staff"


@dataclass(frozen=True, slots=True)
class StaffSession:
    account: StaffAccount
    token: str  # the raw session token from the cookie (only its hash is stored)
    csrf: str  # the form token derived from it

    @property
    def actor(self) -> str:
        """How audit events name this member of staff."""
        return Actor.staff(self.account.id)


def container_of(request: Request) -> Container:
    wired: Container = request.app.state.container
    return wired


def session_cookie(request: Request) -> Session | None:
    """The live session of the cookie, finished or waiting for its second step, or None (a
    finished session idle for longer than the setting has ended)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    wired = container_of(request)
    idle = timedelta(minutes=wired.settings.staff_idle_minutes)
    return session_of(wired, token, idle=idle)


def current_staff(request: Request) -> StaffSession | None:
    """The signed-in member of staff (the second step done), or None."""
    session = session_cookie(request)
    if session is None or session.stage != Stage.DONE:
        return None
    wired = container_of(request)
    return StaffSession(
        session.account, session.token, csrf_token(session.token, secret=wired.secret)
    )


def sign_in_step(request: Request) -> str:
    """Where a visitor without a finished session goes: the second step of a sign-in that
    waits for one, else the sign-in page."""
    session = session_cookie(request)
    if session is not None and session.stage == Stage.CODE:
        return "/admin/login/code"
    if session is not None and session.stage == Stage.ENROL:
        return "/admin/enrol"
    return "/admin/login"


def forbidden(request: Request, session: StaffSession, *, officer_only: bool) -> HTMLResponse:
    """403 in the console's frame: the page is for another role."""
    from varna.entrypoints.web.console_words import console_page
    from varna.entrypoints.web.pages import page_language

    return console_page(
        request,
        "admin_forbidden.html",
        page_language(request),
        403,
        staff=session.account,
        csrf=session.csrf,
        officer_only=officer_only,
    )


def csrf_ok(session: StaffSession, form: dict[str, str]) -> bool:
    return hmac.compare_digest(session.csrf, form.get("csrf", ""))
