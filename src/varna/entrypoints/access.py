"""Who may use each route (R6, A1-A3): every route of the app declares it, and a test reads the
declarations from ``app.routes`` and fails for a route that has none.

* :data:`PUBLIC`: anyone (the privacy center, consent, the public API for data subjects,
  sign-in, health, static files, the API's description).
* :func:`console`: a console page for the roles named. Nobody signed in is sent to the sign-in
  page (303); another role gets 403 in the console's frame. The page is given the
  :class:`StaffSession`.
* :func:`api`: an API route for the roles named, by the console's session cookie or by an
  ``Authorization: Bearer`` token (``varna token create``). No credentials, or a token that is
  unknown, expired or revoked: 401; another role: 403; too many wrong tokens from one client:
  429. A state-changing call by cookie also needs the ``X-CSRF-Token`` header (a cookie
  travels with any request a browser makes; a bearer token is never sent by itself). The
  route is given the :class:`Principal`.

Each declaration is a dependency whose callable carries an :class:`Access`; :func:`declared`
finds them on a route. A refused answer names no person: the sign-in redirect, the console's
403 page, or the API's error body with fixed words."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from varna.domain.access import Role
from varna.domain.audit import Actor
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.staff_auth import (
    StaffSession,
    container_of,
    current_staff,
    forbidden,
    sign_in_step,
)
from varna.services.access.tokens import TOKEN_WINDOW, TokenRefused, TokenThrottled, authenticate

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ATTRIBUTE = "varna_access"  # on a route that has no dependencies (a mount, the API's schema)


@dataclass(frozen=True, slots=True)
class Access:
    """Who may use a route: anyone (``public``), or signed-in holders of ``roles``."""

    roles: frozenset[Role]
    public: bool = False

    def allows(self, role: str | None) -> bool:
        return self.public or (role is not None and role in self.roles)


PUBLIC_ACCESS = Access(frozenset(), public=True)


class _Public:
    access = PUBLIC_ACCESS

    def __call__(self) -> None:
        return None


PUBLIC = Depends(_Public())
"""``dependencies=[PUBLIC]`` on a route or a router: anyone may use it."""


class PageRefused(Exception):  # noqa: N818 - an answer, not an error
    """A console page's answer to someone who may not see it (redirect or 403 page)."""

    def __init__(self, response: Response) -> None:
        super().__init__("refused")
        self.response = response


class _Console:
    def __init__(self, roles: tuple[Role, ...]) -> None:
        self.access = Access(frozenset(roles))

    def __call__(self, request: Request) -> StaffSession:
        session = current_staff(request)
        if session is None:
            # the sign-in page, or the second step a half-done sign-in waits for
            raise PageRefused(RedirectResponse(sign_in_step(request), status_code=303))
        if not self.access.allows(session.account.role):
            only = self.access.roles == {Role.PRIVACY_OFFICER}
            raise PageRefused(forbidden(request, session, officer_only=only))
        return session


def console(*roles: Role) -> Any:
    """A console page's parameter: ``staff: Annotated[StaffSession, console(...)]``."""
    return Depends(_Console(roles))


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls an API route: a member of staff by session, or a program by token."""

    role: str
    actor: str  # how the audit log names it: staff:ID or token:ID
    controller_id: int | None = None  # the customer a controller's admin acts for
    session: StaffSession | None = None  # by session cookie only


def _unauthenticated(detail: str) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail=detail,
        headers={"WWW-Authenticate": 'Bearer realm="varna", Cookie realm="varna admin"'},
    )


class _Api:
    def __init__(self, roles: tuple[Role, ...]) -> None:
        self.access = Access(frozenset(roles))

    def __call__(self, request: Request) -> Principal:
        principal = self._principal(request)
        if not self.access.allows(principal.role):
            raise HTTPException(status_code=403, detail="this call is for another role")
        return principal

    def _principal(self, request: Request) -> Principal:
        authorization = request.headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise _unauthenticated("send Authorization: Bearer <token>")
            try:
                record = authenticate(
                    container_of(request),
                    token.strip(),
                    client=client_of(request),
                    call=f"{request.method} {_pattern(request)}",
                )
            except TokenRefused:
                raise _unauthenticated("unknown, expired or revoked token") from None
            except TokenThrottled as exc:
                wait = str(int(TOKEN_WINDOW.total_seconds()))
                raise HTTPException(
                    status_code=429, detail=str(exc), headers={"Retry-After": wait}
                ) from None
            return Principal(record.role, Actor.token(record.id), record.controller_id)
        session = current_staff(request)
        if session is None:
            # the same words as before tokens came (programs may read them); the
            # WWW-Authenticate header names both ways in
            raise _unauthenticated("sign in to the admin console first (/admin/login)")
        if request.method not in SAFE_METHODS and not hmac.compare_digest(
            session.csrf, request.headers.get(CSRF_HEADER, "")
        ):
            raise HTTPException(status_code=403, detail=f"missing or wrong {CSRF_HEADER} header")
        return Principal(session.account.role, session.actor, session=session)


def _pattern(request: Request) -> str:
    """The called route's pattern with its prefix (``/api/v1/consent/people/{link}``), never
    the path with its values. The route in the scope knows only the pattern within its
    router, so the app's full patterns are found once, by endpoint."""
    state = request.app.state
    patterns: dict[Any, str] | None = getattr(state, "route_patterns", None)
    if patterns is None:
        patterns = {route.endpoint: str(route.path) for route in routes_of(request.app)}
        state.route_patterns = patterns
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    return patterns.get(endpoint, "-")


def api(*roles: Role) -> Any:
    """An API route's parameter: ``who: Annotated[Principal, api(...)]``."""
    return Depends(_Api(roles))


# -- the roles of the console's areas (docs/security.md, "Roles and tokens") ----------------

STAFF = (Role.PRIVACY_OFFICER, Role.SUPPORT, Role.BILLING, Role.AUDITOR)
"""The company's own staff: the dashboard. A controller's admin gets its own pages later."""
QUEUE_READERS = (Role.PRIVACY_OFFICER, Role.SUPPORT, Role.AUDITOR)
"""The request queue, case views and the store's row counts: read."""
QUEUE_WORKERS = (Role.PRIVACY_OFFICER, Role.SUPPORT)
"""Decisions on requests, identity checks, rectification, the person search."""
OFFICER = (Role.PRIVACY_OFFICER,)
"""Failed work and its retries, retention and the vault, the mail outbox, marketing sends."""
ANY_ROLE = tuple(Role)
"""Who is signed in (``GET /api/v1/staff/session``)."""


# -- reading the declarations --------------------------------------------------------------


def routes_of(app: FastAPI) -> Iterator[RouteContext]:
    """Every route of ``app``, those of its included routers too, with their prefixes and
    the dependencies their routers add."""
    return iter_route_contexts(app.routes)


def declarations(route: BaseRoute | RouteContext) -> list[Access]:
    """Every declaration on ``route`` (a route should have exactly one)."""
    found: list[Access] = []
    marked = getattr(route, ATTRIBUTE, None)
    if isinstance(marked, Access):
        found.append(marked)
    dependant = getattr(route, "dependant", None)
    stack = [dependant] if dependant is not None else []
    while stack:
        current = stack.pop()
        access = getattr(current.call, "access", None)
        if isinstance(access, Access):
            found.append(access)
        stack.extend(current.dependencies)
    return found


def declared(route: BaseRoute | RouteContext) -> Access | None:
    """The route's one declaration, or None (none, or more than one)."""
    found = declarations(route)
    return found[0] if len(found) == 1 else None


def declare_public(app: FastAPI, *paths: str) -> None:
    """Mark the routes at ``paths`` that take no dependencies (the static files' mount, the
    API's OpenAPI document) as public."""
    for path in paths:
        routes = [route for route in app.routes if getattr(route, "path", None) == path]
        if not routes:
            raise LookupError(f"no route at {path}")
        for route in routes:
            setattr(route, ATTRIBUTE, PUBLIC_ACCESS)


def install_access(app: FastAPI) -> None:
    """Answer a refused console page with its response (redirect or 403 page)."""

    async def refused(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageRefused)
        return exc.response

    app.add_exception_handler(PageRefused, refused)
