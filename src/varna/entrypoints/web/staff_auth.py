"""Staff sign-in for every admin-console page: the session cookie, the console's 403 page and
the CSRF check of forms. Pages declare their roles with
:func:`varna.entrypoints.access.console`, which uses :func:`current_staff` and
:func:`forbidden` here; :func:`require_staff` is the older call a page makes itself (a route
that uses it still needs a declaration, or the route test names it)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from varna.bootstrap import Container
from varna.domain.audit import Actor
from varna.services.requests.ports import StaffAccount
from varna.services.requests.staff import csrf_token, session_account

SESSION_COOKIE = "varna_staff"
PRIVACY_OFFICER = "privacy_officer"
SUPPORT = "support"
ALL_ROLES = (PRIVACY_OFFICER, SUPPORT)


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


def current_staff(request: Request) -> StaffSession | None:
    """The signed-in member of staff, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    wired = container_of(request)
    account = session_account(wired, token)
    if account is None:
        return None
    return StaffSession(account, token, csrf_token(token, secret=wired.secret))


def require_staff(
    request: Request, *, roles: tuple[str, ...] = ALL_ROLES
) -> StaffSession | Response:
    """The session, or the response to send instead: login redirect or 403 for the role."""
    session = current_staff(request)
    if session is None:
        return RedirectResponse("/admin/login", status_code=303)
    if session.account.role not in roles:
        return forbidden(request, session, officer_only=roles == (PRIVACY_OFFICER,))
    return session


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
