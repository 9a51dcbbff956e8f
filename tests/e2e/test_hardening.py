"""The hardening of every answer (R6, A1, G3), through the real server:

* security headers on pages, API answers, a 404, a 413 and a 500; HSTS outside demo mode;
* every cookie varna sets: HttpOnly where no script must read it, SameSite, Secure outside
  demo mode;
* every state-changing route that takes a staff session refuses a call without its CSRF
  token, and changes nothing;
* a state-changing request that a browser says comes from another site is refused (the
  public forms carry no session to tie a token to), except the cookie banner's calls."""

from __future__ import annotations

import asyncio
import re
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from tests.e2e.helpers import add_staff, running_server
from tests.e2e.helpers import sign_in as sign_in_with_code
from tests.subject_factories import build_world
from varna.adapters.db.tables import audit_events, subject_requests
from varna.bootstrap import Container
from varna.entrypoints.access import routes_of
from varna.entrypoints.api.app import create_app
from varna.entrypoints.web.console_requests import ACTIONS

pytestmark = pytest.mark.e2e
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PASSWORD = "correct-horse-battery-staple"
DPO = "dpo@example.com"
EN = {"Accept-Language": "en"}

# Every POST, PUT, PATCH and DELETE route of the app, by who may call it.
STAFF_ROUTES = {
    "/admin/logout",
    "/admin/requests/{request_id}/{action}",
    "/admin/people",
    "/admin/jobs/{job_id}/retry",
    "/admin/notices/{notice_id}/retry",
    "/api/v1/marketing/sends",
    "/admin/logout-everywhere",
    "/admin/account/recovery-codes",
    "/admin/staff/add",
    "/admin/staff/{account_id}/{action}",
}
PUBLIC_ROUTES = {
    "/admin/login",
    "/admin/login/code",  # the second step: a half-open session and its form token
    "/admin/enrol",
    "/privacy/requests",
    "/privacy/requests/verify",
    "/privacy/requests/download/{token}",
    "/privacy/consents",
    "/privacy/consents/{link}",
    "/unsubscribe/{token}",
    "/cookies",
    "/api/v1/requests",
    "/api/v1/requests/{request_id}/verify",
    "/api/v1/requests/download/{token}",
    "/api/v1/consent/link",
    "/api/v1/consent/people/{link}",
}
BANNER_ROUTES = {"/api/v1/consent/banner"}  # called from other sites' pages (CORS)


def assert_hardened(answer: httpx.Response, *, hsts: bool = True) -> None:
    where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
    policy = answer.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, where
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, where
    assert answer.headers.get("X-Frame-Options") == "DENY", where
    assert answer.headers.get("X-Content-Type-Options") == "nosniff", where
    assert answer.headers.get("Referrer-Policy") == "no-referrer", where
    assert answer.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert "camera=()" in answer.headers.get("Permissions-Policy", ""), where
    sts = answer.headers.get("Strict-Transport-Security")
    if hsts:
        assert sts == "max-age=31536000; includeSubDomains", where
    else:
        assert sts is None, where


def all_unsafe_routes(app: FastAPI) -> set[str]:
    """The paths of every route that answers POST, PUT, PATCH or DELETE (the same walk of
    the app's routes as the role declarations', ``entrypoints/access.routes_of``)."""
    unsafe = {"POST", "PUT", "PATCH", "DELETE"}
    return {str(route.path) for route in routes_of(app) if set(route.methods or ()) & unsafe}


def cookies_set(answer: httpx.Response) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header of an answer, by cookie name (deletions left out)."""
    found = {}
    for header in answer.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] != "0" and "1970" not in morsel["expires"]:
                found[name] = cookie
    return found


def audit_count(container: Container) -> int:
    """Entries of changes: a refused form shows its page again, and a case page shown is a
    read the log records (``request.viewed``)."""
    changes = audit_events.c.action != "request.viewed"
    with container.engine.connect() as conn:
        counted = select(func.count()).select_from(audit_events).where(changes)
        return int(conn.execute(counted).scalar_one())


def sign_in(client: httpx.Client) -> str:
    """Sign in as the privacy officer; the CSRF token of the session."""
    signed = sign_in_with_code(client, DPO, PASSWORD)
    assert signed.status_code == 303, signed.text
    token = client.get("/api/v1/staff/session").json()["csrf_token"]
    assert isinstance(token, str)
    return token


# -- headers ---------------------------------------------------------------------------------


@ON_SQLITE
def test_r6_a1_every_answer_carries_the_security_headers(container: Container) -> None:
    url = container.settings.database_url
    with (
        running_server(url, VARNA_MAX_BODY_BYTES="4096") as base,
        httpx.Client(base_url=base) as client,
    ):
        answers = [
            client.get("/privacy"),
            client.get("/static/banner.js"),
            client.get("/api/v1/health"),
            client.get("/no/such/page"),
            client.get("/api/v1/no/such/thing"),
            client.post("/api/v1/requests", json={"kind": "access", "email": "x" * 8000}),
            client.post("/privacy/requests", data={"details": "x" * 8000}),
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 413, 413]
    assert answers[2].headers["content-type"].startswith("application/json")
    for answer in answers:
        assert_hardened(answer)

    # A 500 of the real app (a route that fails, added for the test).
    app = create_app(container.settings, container=container)

    def fails() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/api/v1/fails", fails)
    app.add_api_route("/fails", fails)

    async def call() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://varna") as client:
            return [await client.get("/api/v1/fails"), await client.get("/fails")]

    for answer in asyncio.run(call()):
        assert answer.status_code == 500
        assert_hardened(answer)


@ON_SQLITE
def test_r6_the_demo_sends_no_hsts(container: Container) -> None:
    """A demo on a laptop over plain HTTP: HSTS would lock the browser out of that host."""
    with running_server(container.settings.database_url, VARNA_DEMO="true") as base:
        answer = httpx.get(f"{base}/privacy")
    assert_hardened(answer, hsts=False)


# -- cookies ---------------------------------------------------------------------------------


def _cookies_of_a_visit(base: str) -> dict[str, SimpleCookie]:
    """The cookies a visit sets: a cookie choice on /cookies, a staff sign-in, a sign-out."""
    found: dict[str, SimpleCookie] = {}
    with httpx.Client(base_url=base, headers=EN) as client:
        page = client.get("/cookies").text
        version = re.search(r'name="notice_version" value="([^"]*)"', page)
        assert version
        chosen = client.post(
            "/cookies", data={"action": "accept", "notice_version": version.group(1)}
        )
        assert chosen.status_code == 303, chosen.text
        found |= cookies_set(chosen)
        signed = client.post("/admin/login", data={"login": DPO, "password": PASSWORD})
        assert signed.status_code == 303, signed.text
        found |= cookies_set(signed)
    return found


@ON_SQLITE
def test_a1_r6_every_cookie_varna_sets_is_httponly_samesite_and_secure(
    container: Container,
) -> None:
    url = container.settings.database_url
    add_staff(url, DPO, "privacy_officer", PASSWORD)
    public = {"VARNA_PUBLIC_URL": "https://privacy.example.org"}
    with running_server(url, **public) as base:
        live = _cookies_of_a_visit(base)
    with running_server(url, VARNA_DEMO="true") as base:
        demo = _cookies_of_a_visit(base)
    assert set(live) == set(demo) == {"varna_staff", "varna_consent"}

    staff = live["varna_staff"]["varna_staff"]
    assert staff["httponly"] and staff["secure"] and staff["samesite"].lower() == "strict"
    consent = live["varna_consent"]["varna_consent"]
    assert consent["secure"] and consent["samesite"].lower() == "lax"
    # The one cookie without HttpOnly: the cookie banner reads the choice it holds (the
    # notice's version, a random browser id and the categories; no secret).
    assert not consent["httponly"]

    # The demo over plain HTTP: no Secure (the browser would drop the cookie), the rest holds.
    staff = demo["varna_staff"]["varna_staff"]
    assert staff["httponly"] and not staff["secure"] and staff["samesite"].lower() == "strict"
    assert demo["varna_consent"]["varna_consent"]["samesite"].lower() == "lax"


# -- CSRF ------------------------------------------------------------------------------------


@ON_SQLITE
def test_a1_r6_every_state_changing_route_is_known_and_tested(container: Container) -> None:
    """A new POST, PUT, PATCH or DELETE route fails this test until it is placed: staff
    (token checked below) or public (origin checked below)."""
    app = create_app(container.settings, container=container)
    assert all_unsafe_routes(app) == STAFF_ROUTES | PUBLIC_ROUTES | BANNER_ROUTES


@ON_SQLITE
def test_a1_r6_staff_routes_refuse_a_call_without_the_csrf_token(container: Container) -> None:
    build_world(container)
    url = container.settings.database_url
    add_staff(url, DPO, "privacy_officer", PASSWORD)
    with running_server(url) as base, httpx.Client(base_url=base, headers=EN) as client:
        made = client.post("/api/v1/requests", json={"kind": "access", "email": "a@example.com"})
        assert made.status_code == 202, made.text
        with container.engine.connect() as conn:
            request_id = conn.execute(select(func.max(subject_requests.c.id))).scalar_one()
        token = sign_in(client)
        forms = [f"/admin/requests/{request_id}/{action}" for action in sorted(ACTIONS)]
        forms += ["/admin/people", "/admin/jobs/1/retry", "/admin/notices/1/retry"]
        forms += ["/admin/account/recovery-codes", "/admin/staff/add", "/admin/staff/1/disable"]
        before = audit_count(container)
        without = {path: client.post(path, data={"q": "a@example.com"}) for path in forms}
        wrong = {path: client.post(path, data={"csrf": "0" * 64}) for path in forms}
        api = "/api/v1/marketing/sends"
        body = {"purpose": "newsletter", "subject": "Hi", "template": "Hello"}
        without[api] = client.post(api, json=body)
        wrong[api] = client.post(api, json=body, headers={"X-CSRF-Token": "0" * 64})
        logout = client.post("/admin/logout", data={})
        still_in = client.get("/admin", follow_redirects=False)
        after = audit_count(container)
        with_token = {path: client.post(path, data={"csrf": token}) for path in forms}
        with_token[api] = client.post(api, json={}, headers={"X-CSRF-Token": token})
        client.post("/admin/logout", data={"csrf": token})
        out = client.get("/admin", follow_redirects=False)
        client.cookies.clear()
    for path, answer in (*without.items(), *wrong.items()):
        assert answer.status_code == 403, (path, answer.status_code)
    assert logout.status_code == 303 and logout.headers["location"] == "/admin"
    assert "set-cookie" not in logout.headers and still_in.status_code == 200  # still in
    assert after == before  # nothing was done, nothing audited
    for path, answer in with_token.items():
        assert answer.status_code != 403, (path, answer.text[:300])
    assert out.status_code == 303  # the sign-out with its token ended the session


# -- requests from other sites ---------------------------------------------------------------


@ON_SQLITE
def test_a1_r6_a_write_from_another_site_is_refused_and_changes_nothing(
    container: Container,
) -> None:
    build_world(container)
    url = container.settings.database_url
    add_staff(url, DPO, "privacy_officer", PASSWORD)
    cross = {"Sec-Fetch-Site": "cross-site"}
    evil = {"Origin": "https://evil.example"}
    with running_server(url) as base, httpx.Client(base_url=base, headers=EN) as client:
        version = re.search(r'name="notice_version" value="([^"]*)"', client.get("/cookies").text)
        assert version
        accept = {"action": "accept", "notice_version": version.group(1), "lang": "en"}
        before = audit_count(container)
        refused = [
            client.post("/cookies", data=accept, headers=cross),
            client.post("/cookies", data=accept, headers={"Sec-Fetch-Site": "same-site"}),
            client.post("/cookies", data=accept, headers=evil),
            client.post(
                "/privacy/requests",
                data={"kind": "access", "email": "a@example.com"},
                headers=cross,
            ),
            client.post("/privacy/consents", data={"email": "a@example.com"}, headers=evil),
            client.post("/admin/login", data={"login": DPO, "password": PASSWORD}, headers=cross),
        ]
        api = client.post(
            "/api/v1/requests", json={"kind": "access", "email": "a@example.com"}, headers=evil
        )
        after = audit_count(container)
        own_page = client.post(
            "/cookies", data=accept, headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"}
        )
        own_origin = client.post("/cookies", data=accept, headers={"Origin": base})
        unsubscribe = client.post(
            "/unsubscribe/not-a-token", data={"List-Unsubscribe": "One-Click"}, headers=cross
        )
        banner = client.post(
            "/api/v1/consent/banner",
            json={
                "browser_id": "b" * 22,
                "notice_version": version.group(1),
                "language": "en",
                "choices": {"statistics": False},
            },
            headers={**cross, "Origin": "https://shop.example"},
        )
    for answer in refused:
        assert answer.status_code == 403, (answer.request.url.path, answer.status_code)
        assert "another website" in answer.text
        assert "set-cookie" not in answer.headers
    assert api.status_code == 403 and api.json()["message"].startswith("This form was sent")
    assert after == before
    assert own_page.status_code == 303 and own_origin.status_code == 303
    assert banner.status_code == 200, banner.text
    assert unsubscribe.status_code != 403  # a mail program's one-click post, from anywhere
