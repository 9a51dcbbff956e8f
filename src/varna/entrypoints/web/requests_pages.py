"""Privacy center request pages (G3: the contact point for rights, Swedish and English) and
the staff request queue in the admin console (login, queue, timeline, decisions). Works
without JavaScript; staff forms carry a CSRF token derived from the session."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

import varna
from varna.bootstrap.requests import intake_limits, request_context
from varna.domain.audit import SystemActor
from varna.domain.errors import VarnaError
from varna.domain.requests.codes import is_reference
from varna.entrypoints.api.routers.requests import RECEIVED_MESSAGE
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import templates
from varna.entrypoints.web.staff_auth import (
    container_of,
)
from varna.services.requests.execute import download
from varna.services.requests.intake import (
    CodeRejected,
    IntakeCommand,
    RateLimited,
    TooManyTries,
    submit_request,
    verify_request,
)
from varna.services.requests.messages import IMY, KIND_NAMES

router = APIRouter(include_in_schema=False)
NOT_UTF8 = "The form was not sent as UTF-8 text; nothing was saved. Send it again."
TEXT = {
    "sv": {
        "title": "Begäran om dina personuppgifter",
        "kind": "Vad vill du göra?",
        "email": "Din e-postadress",
        "optional": "Om du vill (hjälper oss hitta dina uppgifter)",
        "phone": "Telefonnummer",
        "personnummer": "Personnummer",
        "iccid": "SIM-kortets ICCID",
        "msisdn": "SIM-kortets telefonnummer (MSISDN)",
        "details": "Något du vill lägga till",
        "no_reason": "Du behöver inte ange något skäl.",
        "send": "Skicka",
        "received": "Tack. Om adressen är din får du strax en kod via e-post. Ange koden här.",
        "code": "Kod från e-postmeddelandet",
        "verify": "Bekräfta",
        "verified": "Tack, din begäran är bekräftad. Du får svaret via e-post inom en månad.",
        "language": "In English",
        "rate": "För många förfrågningar just nu. Försök senare.",
        "due": "Vi svarar senast",
        "code_wrong": "Koden stämmer inte. Kontrollera koden och länken i e-postmeddelandet.",
        "code_expired": "Koden har gått ut. Gör din begäran igen.",
        "code_locked": "För många felaktiga försök. Gör din begäran igen.",
        "code_used": "Koden har redan använts.",
        "tries_left": "Försök kvar: {n}.",
        "too_many": "För många felaktiga försök härifrån. Vänta en timme eller använd länken "
        "och koden i e-postmeddelandet.",
        "bad_link": "Länken är inte komplett. Öppna länken i e-postmeddelandet igen, eller gör "
        "en ny begäran.",
        "not_utf8": "Formuläret kunde inte läsas (det skickades inte som UTF-8). Inget har "
        "sparats. Skicka det igen.",
        "new_request": "Gör en ny begäran",
    },
    "en": {
        "title": "A request about your personal data",
        "kind": "What do you want to do?",
        "email": "Your e-mail address",
        "optional": "Optional (helps us find your data)",
        "phone": "Phone number",
        "personnummer": "Swedish personal identity number",
        "iccid": "The SIM card's ICCID",
        "msisdn": "The SIM card's phone number (MSISDN)",
        "details": "Anything you want to add",
        "no_reason": "You do not need to give a reason.",
        "send": "Send",
        "received": "Thank you. If the address is yours, a code is on its way by e-mail. "
        "Enter it here.",
        "code": "Code from the e-mail",
        "verify": "Confirm",
        "verified": "Thank you, your request is confirmed. You will get the answer by e-mail "
        "within one month.",
        "language": "På svenska",
        "rate": "Too many requests right now. Please try later.",
        "due": "We answer by",
        "code_wrong": "The code is not right. Check the code and the link in the e-mail.",
        "code_expired": "The code has expired. Please make the request again.",
        "code_locked": "Too many wrong tries. Please make the request again.",
        "code_used": "The code has already been used.",
        "tries_left": "Tries left: {n}.",
        "too_many": "Too many wrong tries from here. Wait an hour, or use the link and the code "
        "in the e-mail.",
        "bad_link": "The link is not complete. Open the link in the e-mail again, or make a new "
        "request.",
        "not_utf8": "The form could not be read (it was not sent as UTF-8). Nothing was saved. "
        "Please send it again.",
        "new_request": "Make a new request",
    },
}


def _lang(value: str | None) -> str:
    return value if value in TEXT else "sv"


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", "sv")
    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": TEXT[lang],
            "imy": IMY[lang],
            "kinds": KIND_NAMES[lang],
            "version": varna.__version__,
            **context,
        },
        status_code=status,
    )


# -- privacy center --------------------------------------------------------------------------


def _code_error(lang: str, exc: CodeRejected) -> str:
    text = TEXT[lang].get(f"code_{exc.check}", TEXT[lang]["code_wrong"])
    if exc.tries_left is not None:
        text += " " + TEXT[lang]["tries_left"].format(n=exc.tries_left)
    return text


@router.get("/privacy/requests", response_class=HTMLResponse)
def request_form(request: Request, lang: str = "sv") -> HTMLResponse:
    return _render(request, "requests_form.html", lang=_lang(lang), error=None)


@router.post("/privacy/requests", response_class=HTMLResponse)
async def request_submit(request: Request) -> HTMLResponse:
    wired = container_of(request)
    form = await read_utf8_form(request)
    if form is None:
        lang = _lang(request.query_params.get("lang"))
        return _render(request, "requests_form.html", 400, lang=lang, error=TEXT[lang]["not_utf8"])
    lang = _lang(form.get("lang"))
    identifiers = {
        k: form[k] for k in ("phone", "personnummer", "iccid", "msisdn") if form.get(k, "").strip()
    }
    try:
        receipt = submit_request(
            wired,
            IntakeCommand(
                form.get("kind", ""), form.get("email", ""), identifiers, form.get("details"), lang
            ),
            actor=SystemActor.PRIVACY_CENTER,
            client=client_of(request),
            mailer=wired.mailer(),
            verify_url=f"{wired.settings.public_url.rstrip('/')}/privacy/requests/verify",
            special_policy=wired.settings.scan_special_policy,
            limits=intake_limits(wired),
        )
    except RateLimited:
        return _render(request, "requests_form.html", 429, lang=lang, error=TEXT[lang]["rate"])
    except VarnaError as exc:
        return _render(request, "requests_form.html", 422, lang=lang, error=str(exc))
    return _render(
        request,
        "requests_verify.html",
        lang=lang,
        reference=receipt.reference,
        due=receipt.due_date.isoformat(),
        message=RECEIVED_MESSAGE,
        error=None,
    )


@router.get("/privacy/requests/verify", response_class=HTMLResponse)
def verify_form(request: Request, lang: str = "sv") -> HTMLResponse:
    """The page the mail's link opens: the code form for the request its reference names.
    It looks nothing up: the same page for any well-formed reference."""
    lang = _lang(lang)
    reference = request.query_params.get("request", "")
    if not is_reference(reference):
        return _render(
            request,
            "requests_verify.html",
            400,
            lang=lang,
            reference=None,
            due=None,
            message=None,
            error=TEXT[lang]["bad_link"],
        )
    return _render(
        request,
        "requests_verify.html",
        lang=lang,
        reference=reference,
        due=None,
        message=None,
        error=None,
    )


@router.post("/privacy/requests/verify", response_class=HTMLResponse)
async def verify_submit(request: Request) -> HTMLResponse:
    wired = container_of(request)
    form = await read_utf8_form(request)
    if form is None:
        lang = _lang(request.query_params.get("lang"))
        return _render(
            request,
            "requests_verify.html",
            400,
            lang=lang,
            reference=None,
            due=None,
            message=None,
            error=TEXT[lang]["not_utf8"],
        )
    lang = _lang(form.get("lang"))
    reference = form.get("request_id", "")
    shown = reference if is_reference(reference) else None
    try:
        verify_request(
            wired,
            reference,
            form.get("code", ""),
            client=client_of(request),
            limits=intake_limits(wired),
        )
    except TooManyTries:
        return _render(
            request,
            "requests_verify.html",
            429,
            lang=lang,
            reference=shown,
            due=None,
            message=None,
            error=TEXT[lang]["too_many"],
        )
    except CodeRejected as exc:
        return _render(
            request,
            "requests_verify.html",
            400,
            lang=lang,
            reference=shown,
            due=None,
            message=None,
            error=_code_error(lang, exc),
        )
    return _render(request, "requests_done.html", lang=lang)


@router.get("/privacy/requests/download/{token}", response_class=HTMLResponse)
def download_page(request: Request, token: str) -> HTMLResponse:
    """The page the answer mail's link opens: a button that downloads. It changes nothing and
    looks nothing up, so a mail scanner that follows the link does not use it up."""
    return _render(request, "requests_download.html", lang="sv", gone=False)


@router.post("/privacy/requests/download/{token}", response_model=None)
def download_file(request: Request, token: str) -> Response:
    """The button: the extract, once; afterwards (or for any unknown link) the same 410."""
    extract = download(request_context(container_of(request)), token[:128])
    if extract is None:
        return _render(request, "requests_download.html", 410, lang="sv", gone=True)
    return Response(
        json.dumps(extract, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="extract.json"',
            "Cache-Control": "no-store",
        },
    )
