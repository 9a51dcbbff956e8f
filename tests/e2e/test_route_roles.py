"""Every route of the app declares who may use it, and each declaration holds (R6, A1, A3).

The first test reads the declarations from the real app's routes and names every route that
has none (or more than one). The matrix then calls every route of one real app (one SQLite
database with Anna Berg's and Bo Ek's data, a request of Anna's, a failed job and the mail of
her code) as each role, signed in through the real sign-in page, as nobody, and, for the API,
with a bearer token of each role: an allowed call is not refused (no 401, 403 or redirect to
the sign-in page), a refused one is refused (pages: the sign-in redirect or 403 in the
console's frame; the API: 401 for nobody, 403 for another role), and no refused answer names
anyone of the data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from tests.conftest import TEST_SECRET
from tests.e2e.helpers import enrol_totp, running_server, sign_in
from tests.subject_factories import build_world
from varna.adapters.db.tables import jobs, mail_outbox, subject_requests
from varna.bootstrap import Container, build
from varna.config import Settings
from varna.domain.access import Role
from varna.entrypoints.access import Access, declarations, declared, routes_of
from varna.entrypoints.api.app import create_app
from varna.entrypoints.web.staff_auth import SESSION_COOKIE
from varna.services.access.tokens import create_token
from varna.services.requests.staff import create_account, csrf_token

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"
SAFE = {"GET", "HEAD", "OPTIONS"}
# What the seeded data subjects are called, written and numbered: no refused answer has it.
PERSONAL = ("Anna", "Berg", "Bo Ek", "anna.berg", "Testbolaget", "556677", "+4670", "Provgatan")
# Public routes whose own answer to an empty call looks like a refusal: the sign-in form's
# "wrong login or password" (401), and the sign-out that always ends at the sign-in page.
# The sign-in's second step sends anyone without a half-done sign-in back (303); a sign-out
# everywhere is sent without its token, so that it keeps the sessions the other calls use.
# Enrolment is open to a signed-in member without two-factor sign-in (the page, or "wrong
# code" for an empty form) and sends the others on (303).
OWN_ANSWERS = {
    ("POST", "/admin/login"): (401,),
    ("POST", "/admin/logout"): (303,),
    ("GET", "/admin/login/code"): (303,),
    ("POST", "/admin/login/code"): (303,),
    ("GET", "/admin/enrol"): (200, 303),
    ("POST", "/admin/enrol"): (303, 401),
    ("POST", "/admin/logout-everywhere"): (403,),
}
# A member's own sign-in (two-factor, recovery codes, sessions): every role's, a controller's
# admin's too.
OWN_SIGN_IN = ("/admin/account", "/admin/account/recovery-codes", "/admin/logout-everywhere")
SIGN_IN_STEPS = ("/admin/login", "/admin/logout", "/admin/login/code", "/admin/enrol")


def _app_routes() -> list[tuple[str, str, Access | None]]:
    app = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET))  # type: ignore[arg-type]
    try:
        return [
            (method, str(route.path), declared(route))
            for route in routes_of(app)
            for method in sorted(route.methods or {"GET"})
            if method != "HEAD"
        ]
    finally:
        app.state.container.close()


ROUTES = _app_routes()
PRINCIPALS = ("nobody", *(role.value for role in Role))
TOKENS = tuple(f"token:{role.value}" for role in Role)


def test_r6_a1_every_route_declares_who_may_use_it() -> None:
    """R6/A1: a route without a declaration (or with two) is named."""
    app = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET))  # type: ignore[arg-type]
    try:
        undeclared = [
            f"{sorted(route.methods or [])} {route.path}: {len(declarations(route))} declarations"
            for route in routes_of(app)
            if len(declarations(route)) != 1
        ]
        console = [
            route.path
            for route in routes_of(app)
            if str(route.path).startswith("/admin/")
            and route.path not in SIGN_IN_STEPS
            and (found := declared(route)) is not None
            and found.public
        ]
    finally:
        app.state.container.close()
    assert not undeclared, "routes that do not declare who may use them: " + "; ".join(undeclared)
    assert not console, f"console pages declared public: {console}"


def test_r6_the_auditor_reads_and_changes_nothing() -> None:
    """R6: no route that changes state (POST and the like) is open to the auditor, and none
    of the company's console pages to a controller's admin."""
    for method, path, access in ROUTES:
        assert access is not None
        if access.public:
            continue
        if method not in SAFE and path not in OWN_SIGN_IN:  # its own sign-in, nothing else
            assert Role.AUDITOR not in access.roles, f"{method} {path}"
        if path.startswith("/admin") and path not in OWN_SIGN_IN:
            assert Role.CONTROLLER_ADMIN not in access.roles, f"{method} {path}"


@dataclass
class Site:
    client: httpx.Client
    container: Container
    sessions: dict[str, str]  # role -> session token (from the sign-in page's cookie)
    tokens: dict[str, str]  # role -> bearer token
    values: dict[str, str]  # path parameter -> an existing id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path: Path = tmp_path_factory.mktemp("roles") / "varna.db"
    wired = build(Settings(database_url=f"sqlite:///{path}", secret_key=TEST_SECRET))  # type: ignore[arg-type]
    wired.upgrade_schema()
    built = build_world(wired)
    for role in Role:
        create_account(
            wired,
            f"{role.value}@staff.test",
            role,
            PASSWORD,
            passwords=wired.passwords,
            actor="cli",
        )
    tokens = {
        role.value: create_token(
            wired,
            role=role,
            controller_id=built.company_id if role == Role.CONTROLLER_ADMIN else None,
            actor="cli",
        ).token
        for role in Role
    }
    with wired.engine.begin() as conn:
        job_id = conn.execute(
            insert(jobs)
            .values(
                task="send_result",
                job_key="result:roles",
                state="failed",
                attempts=5,
                run_after=wired.clock.now(),
                last_error="TimeoutError",
            )
            .returning(jobs.c.id)
        ).scalar_one()
    with (
        running_server(wired.settings.database_url) as base,
        httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client,
    ):
        asked = client.post(
            "/api/v1/requests",
            json={"kind": "access", "email": "anna.berg@example.com", "language": "en"},
        )
        assert asked.status_code == 202, asked.text
        sessions = {}
        enrol_totp(wired.settings.database_url, f"{Role.PRIVACY_OFFICER}@staff.test", PASSWORD)
        for role in Role:
            signed = sign_in(client, f"{role.value}@staff.test", PASSWORD)
            assert signed.status_code == 303, signed.text
            assert signed.headers["location"].startswith("/admin?"), signed.headers
            sessions[role.value] = client.cookies[SESSION_COOKIE]
            client.cookies.clear()
        with wired.engine.connect() as conn:
            request_id = conn.execute(select(subject_requests.c.id)).scalar_one()
            message_id = conn.execute(select(mail_outbox.c.id)).scalars().first()
        values = {
            "request_id": str(request_id),
            "action": "complete",
            "job_id": str(job_id),
            "notice_id": "1",
            "message_id": str(message_id),
            "account_id": "2",  # support's account: the actions are not staff actions
            "link": "unknown-link",
            "token": "unknown-token",
        }
        yield Site(client, wired, sessions, tokens, values)
    wired.close()


def _call(world: Site, method: str, path: str, who: str) -> tuple[int, str, str]:
    """(status, Location, body) of one call as ``who``."""
    url = re.sub(r"\{(\w+)\}", lambda m: world.values[m.group(1)], path)
    headers: dict[str, str] = {"Accept-Language": "en"}
    data: dict[str, str] | None = None
    body: dict[str, str] | None = None
    role = who.removeprefix("token:")
    if who.startswith("token:"):
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif who != "nobody":
        token = world.sessions[role]
        headers["Cookie"] = f"{SESSION_COOKIE}={token}"
        csrf = csrf_token(token, secret=world.container.secret)
        if path != "/admin/logout-everywhere":
            headers["X-CSRF-Token"] = csrf
        # (not for the sign-out: it would end the session the other calls use)
        data = {"csrf": csrf} if path not in ("/admin/logout", "/admin/logout-everywhere") else None
    if path.startswith("/api/") and method not in SAFE:
        body = {"purpose": "newsletter", "subject": "Hello", "template": "Hello"}
        data = None
    world.client.cookies.clear()
    answer = world.client.request(method, url, headers=headers, data=data, json=body)
    return answer.status_code, answer.headers.get("location", ""), answer.text


def _matrix() -> Iterator[object]:
    for method, path, _ in ROUTES:
        principals = PRINCIPALS + (TOKENS if path.startswith("/api/v1/") else ())
        for who in principals:
            yield pytest.param(method, path, who, id=f"{method} {path} as {who}")


@pytest.mark.parametrize(("method", "path", "who"), list(_matrix()))
def test_r6_a1_a3_each_role_gets_what_its_route_declares(
    world: Site, method: str, path: str, who: str
) -> None:
    """R6/A1/A3: allowed is not refused; refused is the sign-in redirect or 403 (API: 401
    for nobody, 403 for another role), and names nobody of the data."""
    access = next(found for m, p, found in ROUTES if (m, p) == (method, path))
    assert access is not None
    role = None if who == "nobody" else who.removeprefix("token:")
    status, location, body = _call(world, method, path, who)
    to_sign_in = status in (302, 303, 307) and location.endswith("/admin/login")
    if access.allows(role):
        if (method, path) in OWN_ANSWERS:
            assert status in OWN_ANSWERS[(method, path)], (status, who)
            return
        assert status not in (401, 403) and not to_sign_in, (status, location, body[:300])
        return
    if path.startswith("/api/"):
        assert status == (401 if role is None else 403), (status, body[:300])
        assert set(json.loads(body)) == {"detail", "message"}
    elif role is None or who.startswith("token:"):
        assert to_sign_in, (status, location)
    else:
        assert status == 403 and "<nav" in body, (status, location)
    for value in PERSONAL:
        assert value.lower() not in body.lower(), f"{value!r} in a refused answer"
