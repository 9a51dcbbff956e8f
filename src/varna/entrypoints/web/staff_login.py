"""The staff sign-in page of the admin console (``/admin/login``).

A wrong login and a wrong password get the same answer in the same time, and failed sign-ins
are throttled per login and per client address (``services/requests/staff.py``); a throttled
sign-in gets 429 with a clear "wait" message, even with the right password.

The second step (``/admin/login/code``): after the password, an account with two-factor on
gives a TOTP code or a recovery code; a privacy officer without it is taken to enrolment
(``/admin/enrol``) and reaches nothing else until it is done. Until then the cookie holds a
half-open session that opens only these pages and ends after a few minutes."""

from __future__ import annotations

import hmac
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import varna
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.api.headers import secure_cookies
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import (
    SESSION_COOKIE,
    container_of,
    session_cookie,
)
from varna.i18n import N_, translate
from varna.services.requests.staff import (
    LOGIN_WINDOW,
    LoginRefused,
    LoginThrottled,
    Session,
    Stage,
    csrf_token,
    log_in,
)
from varna.services.requests.staff_second_factor import (
    CodeRefused,
    begin_enrolment,
    confirm_enrolment,
    second_step,
)

router = APIRouter(include_in_schema=False)


def login_page(
    request: Request, status: int = 200, error: str | None = None, lang: str | None = None
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "admin_login.html",
        {"lang": lang or page_language(request), "version": varna.__version__, "error": error},
        status_code=status,
    )


@router.get("/admin/login", response_class=HTMLResponse, dependencies=[PUBLIC])
def login_form(request: Request) -> HTMLResponse:
    return login_page(request)


@router.post("/admin/login", response_model=None, dependencies=[PUBLIC])
async def login_submit(request: Request) -> Response:
    wired = container_of(request)
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return login_page(
            request,
            400,
            translate(lang, "The form was not sent as UTF-8; reload the page and try again."),
        )
    lang = page_language(request, form.get("lang"))
    try:
        session = log_in(
            wired,
            form.get("login", ""),
            form.get("password", ""),
            passwords=wired.passwords,
            client=client_of(request),
            lifetime=lifetime_of(request),
        )
    except LoginRefused:
        return login_page(request, 401, translate(lang, "wrong login or password"), lang)
    except LoginThrottled:
        return throttled(login_page(request, 429, throttled_text(lang), lang))
    return with_session(request, session, NEXT[session.stage] + f"?lang={lang}")


NEXT = {Stage.DONE: "/admin", Stage.CODE: "/admin/login/code", Stage.ENROL: "/admin/enrol"}


def lifetime_of(request: Request) -> timedelta:
    return timedelta(hours=container_of(request).settings.staff_session_hours)


def throttled_text(lang: str) -> str:
    minutes = int(LOGIN_WINDOW.total_seconds() // 60)
    text = "too many failed sign-ins; wait %(minutes)s minutes, then try again"
    return translate(lang, text, minutes=minutes)


def throttled(page: HTMLResponse) -> HTMLResponse:
    page.headers["Retry-After"] = str(int(LOGIN_WINDOW.total_seconds()))
    return page


def with_session(request: Request, session: Session, to: str) -> Response:
    """A redirect to ``to`` that sets the session cookie (a new token after each step)."""
    response = RedirectResponse(to, status_code=303)
    set_session_cookie(request, response, session.token)
    return response


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    wired = container_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(wired.settings),
        max_age=int(lifetime_of(request).total_seconds()),
    )


# -- the second step: a code ---------------------------------------------------------------


def code_page(
    request: Request, session: Session, lang: str, status: int = 200, error: str | None = None
) -> HTMLResponse:
    wired = container_of(request)
    return templates.TemplateResponse(
        request,
        "admin_login_code.html",
        {
            "lang": lang,
            "version": varna.__version__,
            "error": error,
            "csrf": csrf_token(session.token, secret=wired.secret),
        },
        status_code=status,
    )


@router.get("/admin/login/code", response_model=None, dependencies=[PUBLIC])
def code_form(request: Request) -> Response:
    session = session_cookie(request)
    if session is None or session.stage != Stage.CODE:
        return RedirectResponse("/admin/login", status_code=303)
    return code_page(request, session, page_language(request))


@router.post("/admin/login/code", response_model=None, dependencies=[PUBLIC])
async def code_submit(request: Request) -> Response:
    wired = container_of(request)
    session = session_cookie(request)
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if session is None or session.stage != Stage.CODE:
        return RedirectResponse(f"/admin/login?lang={lang}", status_code=303)
    if not csrf_ok_for(request, session, form):
        return code_page(request, session, lang, 400, translate(lang, EXPIRED_FORM))
    try:
        done = second_step(
            wired,
            session.token,
            form.get("code", ""),
            client=client_of(request),
            lifetime=lifetime_of(request),
        )
    except CodeRefused:
        return code_page(request, session, lang, 401, translate(lang, WRONG_CODE))
    except LoginThrottled:
        return throttled(code_page(request, session, lang, 429, throttled_text(lang)))
    return with_session(request, done, f"/admin?lang={lang}")


WRONG_CODE = N_("wrong or already used code")
EXPIRED_FORM = N_("The form's token is out of date: reload the page and try again.")


def csrf_ok_for(request: Request, session: Session, form: dict[str, str]) -> bool:
    token = csrf_token(session.token, secret=container_of(request).secret)
    return hmac.compare_digest(token, form.get("csrf", ""))


# -- enrolment -------------------------------------------------------------------------------


def enrol_page(
    request: Request,
    session: Session,
    lang: str,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    """A new secret (each visit makes a new one until a code confirms it), shown once."""
    import segno

    wired = container_of(request)
    totp_secret, uri = begin_enrolment(wired, session.account.id)
    qr = segno.make(uri, error="m").svg_inline(
        scale=4, title=translate(lang, "QR code of the sign-in key"), svgclass="qr", lineclass=None
    )
    page = templates.TemplateResponse(
        request,
        "admin_enrol.html",
        {
            "lang": lang,
            "version": varna.__version__,
            "error": error,
            "csrf": csrf_token(session.token, secret=wired.secret),
            "key": " ".join(totp_secret[i : i + 4] for i in range(0, len(totp_secret), 4)),
            "uri": uri,
            "qr": qr,
            "required": session.stage == Stage.ENROL,
            "staff": session.account if session.stage == Stage.DONE else None,
        },
        status_code=status,
    )
    page.headers["Cache-Control"] = "no-store"
    return page


def enrolling(request: Request) -> Session | None:
    """The session that may enrol: waiting for enrolment, or finished and without 2FA."""
    session = session_cookie(request)
    if session is None or session.account.totp_enrolled_at is not None:
        return None
    return session if session.stage in (Stage.ENROL, Stage.DONE) else None


@router.get("/admin/enrol", response_model=None, dependencies=[PUBLIC])
def enrol_form(request: Request) -> Response:
    session = enrolling(request)
    if session is None:  # signed out, or two-factor is on already
        return RedirectResponse("/admin/account", status_code=303)
    return enrol_page(request, session, page_language(request))


@router.post("/admin/enrol", response_model=None, dependencies=[PUBLIC])
async def enrol_submit(request: Request) -> Response:
    wired = container_of(request)
    session = enrolling(request)
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if session is None:
        return RedirectResponse(f"/admin/login?lang={lang}", status_code=303)
    if not csrf_ok_for(request, session, form):
        return enrol_page(request, session, lang, 400, translate(lang, EXPIRED_FORM))
    try:
        codes, opened = confirm_enrolment(
            wired,
            session.token,
            form.get("code", ""),
            client=client_of(request),
            lifetime=lifetime_of(request),
        )
    except CodeRefused:
        return enrol_page(request, session, lang, 401, translate(lang, WRONG_CODE))
    except LoginThrottled:
        return throttled(enrol_page(request, session, lang, 429, throttled_text(lang)))
    page = recovery_page(request, opened, codes, lang, enrolled=True)
    if opened.token != session.token:
        set_session_cookie(request, page, opened.token)
    return page


def recovery_page(
    request: Request, session: Session, codes: list[str], lang: str, *, enrolled: bool
) -> HTMLResponse:
    """The recovery codes, shown this once."""
    from varna.entrypoints.web.console_words import console_page

    wired = container_of(request)
    page = console_page(
        request,
        "admin_recovery_codes.html",
        lang,
        staff=session.account,
        csrf=csrf_token(session.token, secret=wired.secret),
        codes=codes,
        enrolled=enrolled,
    )
    page.headers["Cache-Control"] = "no-store"
    return page
