"""Server-rendered consent pages that work without JavaScript: a person's consents in the
privacy center, the one-click unsubscribe page, and the cookie page (C7, C8, D6)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import varna
from varna.bootstrap import Container
from varna.bootstrap.consent import deliver_link, link_person, run_ask_for_link
from varna.domain.audit import Actor, SystemActor
from varna.domain.consent import Channel, ConsentSubject
from varna.domain.consent.events import BROWSER_ID
from varna.domain.errors import InputRefused
from varna.entrypoints import people_messages as words
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.api.headers import secure_cookies
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language, templates
from varna.services.consent.center_links import AskForLink, TooManyAsks, TooManyAsksFromClient
from varna.services.consent.decisions import (
    Decisions,
    InvalidLink,
    StaleNotice,
    consent_states,
    record_decisions,
    unsubscribe,
)
from varna.services.consent.notice import cookie_key

router = APIRouter(
    include_in_schema=False, dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
CONSENT_COOKIE = "varna_consent"
CONSENT_COOKIE_MAX_AGE = 365 * 24 * 3600


def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def _not_utf8(request: Request, lang: str, back: str) -> HTMLResponse:
    """400 for a form that is not UTF-8 (G3): nothing is stored, nothing is mailed."""
    return _page(request, "consent_error.html", lang, 400, message=words.NOT_UTF8, back=back)


def _page(
    request: Request, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {"lang": lang, "version": varna.__version__, **context},
        status_code=status,
    )


# -- the privacy center: a person's consents ---------------------------------------------------


@router.get("/privacy/consents", response_class=HTMLResponse)
def link_form(request: Request, lang: str | None = None) -> Response:
    """Ask for a link to one's consents by e-mail."""
    return _page(request, "consent_link.html", page_language(request, lang), sent=False)


@router.post("/privacy/consents", response_class=HTMLResponse)
async def link_ask(request: Request, tasks: BackgroundTasks) -> Response:
    """The same page for a known and an unknown address; the mail goes out afterwards."""
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return _page(request, "consent_link.html", lang, 400, sent=False, error=words.NOT_UTF8)
    lang = page_language(request, form.get("lang"))
    container = _container(request)
    try:
        asked = run_ask_for_link(
            container, AskForLink(form.get("email", ""), lang), client=client_of(request)
        )
    except (TooManyAsks, TooManyAsksFromClient) as exc:
        return _page(
            request, "consent_link.html", lang, 429, sent=False, error=words.for_error(exc, 429)
        )
    except InputRefused as exc:
        return _page(
            request, "consent_link.html", lang, 422, sent=False, error=words.for_error(exc, 422)
        )
    tasks.add_task(deliver_link, container, asked, actor=SystemActor.PRIVACY_CENTER)
    return _page(request, "consent_link.html", lang, sent=True)


@router.get("/privacy/consents/{link}", response_class=HTMLResponse)
def consents_page(request: Request, link: str, lang: str | None = None, saved: int = 0) -> Response:
    lang = page_language(request, lang)
    container = _container(request)
    try:
        person_id = link_person(container, link)
    except InvalidLink:
        return _page(request, "consent_invalid.html", lang, status=404)
    gate = container.consent_gate
    states = consent_states(container, ConsentSubject.person(person_id), gate=gate)
    purposes = [{"purpose": p, "state": states[p.id]} for p in container.catalog.consent_purposes()]
    return _page(
        request,
        "consent_center.html",
        lang,
        link=link,
        purposes=purposes,
        notice_version=gate.notice.version,
        preamble=gate.notice.preamble[lang],
        saved=bool(saved),
    )


@router.post("/privacy/consents/{link}", response_class=HTMLResponse)
async def save_consents(request: Request, link: str) -> Response:
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return _not_utf8(request, lang, f"/privacy/consents/{link}?lang={lang}")
    lang = page_language(request, form.get("lang"))
    container = _container(request)
    try:
        person_id = link_person(container, link)
    except InvalidLink:
        return _page(request, "consent_invalid.html", lang, status=404)
    choices = {
        p.id: form.get(f"consent_{p.id}") == "yes" for p in container.catalog.consent_purposes()
    }
    try:
        record_decisions(
            container,
            Decisions(
                subject=ConsentSubject.person(person_id),
                choices=choices,
                channel=Channel.PRIVACY_CENTER,
                language=lang,
                notice_version=form.get("notice_version", ""),
                age_confirmed=form.get("age_confirmed") == "yes",
            ),
            gate=container.consent_gate,
            actor=Actor.person(person_id),
        )
    except (InputRefused, StaleNotice) as exc:
        status = 422 if isinstance(exc, InputRefused) else 409
        return _page(
            request,
            "consent_error.html",
            lang,
            status=status,
            message=words.for_error(exc, status),
            back=f"/privacy/consents/{link}?lang={lang}",
        )
    return RedirectResponse(f"/privacy/consents/{link}?lang={lang}&saved=1", status_code=303)


# -- one-click unsubscribe ---------------------------------------------------------------------


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str, lang: str | None = None) -> Response:
    lang = page_language(request, lang)
    return _page(request, "unsubscribe.html", lang, token=token, done=None)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_now(request: Request, token: str, lang: str | None = None) -> Response:
    """One action withdraws (D6); also the RFC 8058 one-click POST of mail clients."""
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request, lang)
        return _not_utf8(request, lang, f"/unsubscribe/{token}?lang={lang}")
    lang = page_language(request, form.get("lang") or lang)
    container = _container(request)
    try:
        purpose = unsubscribe(
            container,
            token,
            gate=container.consent_gate,
            language=lang,
        )
    except InvalidLink:
        return _page(request, "consent_invalid.html", lang, status=404)
    label = container.catalog.purpose(purpose).label(lang)
    return _page(request, "unsubscribe.html", lang, token=token, done=label)


# -- the cookie page (and the banner's settings without JavaScript) ---------------------------


def read_consent_cookie(value: str | None) -> tuple[str, str, set[str]] | None:
    """(notice version, browser id, granted categories) from the consent cookie."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) < 3 or not BROWSER_ID.match(parts[1]):
        return None
    return parts[0], parts[1], {c for c in parts[2].split(":") if c}


@router.get("/cookies", response_class=HTMLResponse)
def cookies_page(request: Request, lang: str | None = None, saved: int = 0) -> Response:
    lang = page_language(request, lang)
    container = _container(request)
    stored = read_consent_cookie(request.cookies.get(CONSENT_COOKIE))
    current = stored is not None and stored[0] == container.consent_gate.notice.version
    granted = stored[2] if stored is not None and current else set()
    return _page(
        request,
        "cookies.html",
        lang,
        categories=list(container.catalog.cookies.values()),
        granted=granted,
        notice_version=container.consent_gate.notice.version,
        preamble=container.consent_gate.notice.preamble[lang],
        saved=bool(saved),
        recipient_names={r.id: r.name for r in container.catalog.recipients.values()},
    )


@router.post("/cookies", response_class=HTMLResponse)
async def save_cookie_choice(request: Request) -> Response:
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return _not_utf8(request, lang, f"/cookies?lang={lang}")
    lang = page_language(request, form.get("lang"))
    container = _container(request)
    gate = container.consent_gate
    stored = read_consent_cookie(request.cookies.get(CONSENT_COOKIE))
    browser_id = stored[1] if stored else secrets.token_urlsafe(16)
    action = form.get("action", "save")
    optional = [c.id for c in container.catalog.cookies.values() if not c.necessary]
    if action in ("accept", "reject"):
        choices = dict.fromkeys(optional, action == "accept")
    else:
        choices = {c: form.get(f"cookie_{c}") == "yes" for c in optional}
    try:
        record_decisions(
            container,
            Decisions(
                subject=ConsentSubject.browser(browser_id),
                choices={cookie_key(c): v for c, v in choices.items()},
                channel=Channel.BANNER,
                language=lang,
                notice_version=form.get("notice_version", ""),
                age_confirmed=True,  # the page states that choosing yes confirms 13+ (C4)
            ),
            gate=gate,
            actor=SystemActor.BROWSER,
        )
    except (InputRefused, StaleNotice) as exc:
        status = 422 if isinstance(exc, InputRefused) else 409
        return _page(
            request,
            "consent_error.html",
            lang,
            status=status,
            message=words.for_error(exc, status),
            back=f"/cookies?lang={lang}",
        )
    granted = ":".join(c for c, yes in choices.items() if yes)
    response = RedirectResponse(f"/cookies?lang={lang}&saved=1", status_code=303)
    response.set_cookie(
        CONSENT_COOKIE,
        f"{gate.notice.version}.{browser_id}.{granted}",
        max_age=CONSENT_COOKIE_MAX_AGE,
        path="/",
        samesite="lax",
        # Not HttpOnly: the cookie banner reads the choice (it holds no secret: the notice
        # version, a random browser id and the categories).
        secure=request.url.scheme == "https" or secure_cookies(container.settings),
    )
    for category in container.catalog.cookies.values():
        if not category.necessary and not choices[category.id]:
            for cookie in category.cookies:
                if cookie.storage.value == "cookie":
                    response.delete_cookie(cookie.name, path="/", samesite="lax")
    return response
