"""The staff sign-in page of the admin console (``/admin/login``).

A wrong login and a wrong password get the same answer in the same time, and failed sign-ins
are throttled per login and per client address (``services/requests/staff.py``); a throttled
sign-in gets 429 with a clear "wait" message, even with the right password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import varna
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import SESSION_COOKIE, container_of
from varna.i18n import translate
from varna.services.requests.staff import (
    LOGIN_WINDOW,
    SESSION_LIFETIME,
    LoginRefused,
    LoginThrottled,
    log_in,
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
        )
    except LoginRefused:
        return login_page(request, 401, translate(lang, "wrong login or password"), lang)
    except LoginThrottled:
        minutes = int(LOGIN_WINDOW.total_seconds() // 60)
        text = "too many failed sign-ins; wait %(minutes)s minutes, then try again"
        page = login_page(request, 429, translate(lang, text, minutes=minutes), lang)
        page.headers["Retry-After"] = str(int(LOGIN_WINDOW.total_seconds()))
        return page
    response = RedirectResponse("/admin", status_code=303)  # the dashboard
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        secure=wired.settings.public_url.startswith("https"),
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    return response
