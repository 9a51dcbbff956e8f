"""Privacy center request pages (G3: the contact point for rights, Swedish and English): the
request form, the code form, the status page and the answer to an access request. Work
without JavaScript; every text goes through the catalogue of words.

The answer to an access request (D1, R1; the rule in full in ``services.requests.execute``):
the mail's link opens a page that changes nothing and shows nothing (a mail scanner that
fetches it uses nothing up); its button (POST) opens the answer page, where the person reads
the data grouped by category and downloads it as PDF, JSON or CSV, as often as they like
until the link expires (7 days); each opening and download is an audit entry. "Delete my copy
now" drops the copy at once. An unknown, expired or ended link gets one and the same 410."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from varna.bootstrap.extracts import extract_file, extract_page_html
from varna.bootstrap.requests import intake_limits, request_context
from varna.domain.audit import SystemActor
from varna.domain.errors import InputRefused, InvalidIdentifier, VarnaError
from varna.domain.requests.codes import is_reference
from varna.domain.scan.errors import ChildDataRefused, ControlCharacters, SensitiveContentRefused
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.clients import client_of
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import container_of
from varna.i18n import N_, translate
from varna.i18n.formats import format_date
from varna.services.requests.answers import (
    IMY_TEXT,
    KIND_HINTS,
    KIND_NAMES,
    erasure_rows,
    kind_name,
    state_name,
    state_next,
)
from varna.services.requests.execute import DOWNLOAD_LIFETIME, delete_copy, open_answer
from varna.services.requests.intake import (
    CodeRejected,
    IntakeCommand,
    RateLimited,
    TooManyTries,
    submit_request,
    verify_request,
)
from varna.services.requests.status import request_status

router = APIRouter(
    include_in_schema=False, dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
IDENTIFIERS = ("phone", "personnummer", "iccid", "msisdn")
FIELD_LABELS = {
    "email": N_("Your e-mail address"),
    "phone": N_("Phone number"),
    "personnummer": N_("Swedish personal identity number"),
    "iccid": N_("The SIM card's ICCID"),
    "msisdn": N_("The SIM card's phone number (MSISDN)"),
    "details": N_("Anything you want to add"),
}
CODE_ERRORS = {
    "wrong": N_("The code is not right. Check the code and the link in the e-mail."),
    "expired": N_("The code has expired. Please make the request again."),
    "locked": N_("Too many wrong tries. Please make the request again."),
    "used": N_("The code has already been used."),
}
NOT_UTF8 = N_(
    "The form could not be read (it was not sent as UTF-8). Nothing was saved. "
    "Please send it again."
)
DOWNLOAD_FORMATS = ("pdf", "json", "csv")


def _render(
    request: Request, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    kinds = [
        {"value": k, "name": translate(lang, KIND_NAMES[k]), "hint": translate(lang, KIND_HINTS[k])}
        for k in KIND_NAMES
    ]
    return templates.TemplateResponse(
        request,
        name,
        {"lang": lang, "imy": translate(lang, IMY_TEXT), "kinds": kinds, **context},
        status_code=status,
        headers={"Cache-Control": "no-store"} if name.startswith("requests_answer") else None,
    )


def _form(
    request: Request,
    lang: str,
    status: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    chosen = (values or {}).get("kind") or request.query_params.get("kind", "")
    return _render(
        request,
        "requests_form.html",
        lang,
        status,
        values=values or {},
        errors=errors or {},
        error=error,
        chosen=chosen if chosen in KIND_NAMES else "access",
        identifiers=[(f, translate(lang, FIELD_LABELS[f])) for f in IDENTIFIERS],
    )


def _field_error(lang: str, exc: VarnaError) -> tuple[str, str] | None:
    """Which field a refusal is about, and what to say beside it (never the raw reason)."""
    if isinstance(exc, ChildDataRefused):
        return "details", translate(
            lang,
            "The text shows the age of a child under %(age)s. Leave it out; nothing was saved.",
            age=exc.min_age,
        )
    if isinstance(exc, SensitiveContentRefused):
        return "details", translate(
            lang,
            "The text holds sensitive personal data (such as health). Leave it out; nothing "
            "was saved.",
        )
    field = getattr(exc, "field", None) if isinstance(exc, InputRefused) else None
    if field == "details" and isinstance(exc, InputRefused):
        # the text guard records the refusal and raises it again under the field's name
        child = re.search(r"\bunder (\d+)\b", exc.reason)
        if child:
            return "details", translate(
                lang,
                "The text shows the age of a child under %(age)s. Leave it out; nothing was saved.",
                age=int(child.group(1)),
            )
        if exc.reason.startswith("special-category"):
            return "details", translate(
                lang,
                "The text holds sensitive personal data (such as health). Leave it out; nothing "
                "was saved.",
            )
    if isinstance(exc, ControlCharacters):
        return field or "details", translate(
            lang, "The text holds a character that cannot be saved. Remove it and send again."
        )
    if isinstance(exc, InvalidIdentifier):
        field = exc.kind
    if field == "kind":
        return "kind", translate(lang, "Choose what you want to do.")
    if field in FIELD_LABELS:
        return field, translate(
            lang,
            "This does not look like a valid %(field)s. Check it and send again.",
            field=translate(lang, FIELD_LABELS[field]).lower(),
        )
    return None


# -- the request form ------------------------------------------------------------------------


@router.get("/privacy/requests", response_class=HTMLResponse)
def request_form(request: Request, lang: str | None = None) -> HTMLResponse:
    return _form(request, page_language(request, lang))


@router.post("/privacy/requests", response_class=HTMLResponse)
async def request_submit(request: Request) -> HTMLResponse:
    wired = container_of(request)
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return _form(request, lang, 400, error=translate(lang, NOT_UTF8))
    lang = page_language(request, form.get("lang"))
    values = {k: form.get(k, "") for k in ("kind", "email", "details", *IDENTIFIERS)}
    identifiers = {k: form[k] for k in IDENTIFIERS if form.get(k, "").strip()}
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
        return _form(
            request,
            lang,
            429,
            values=values,
            error=translate(lang, "Too many requests right now. Please try later."),
        )
    except VarnaError as exc:
        where = _field_error(lang, exc)
        # The refused value is not echoed back (A1): the person types it again, the rest
        # of the form stays filled in.
        if where is None:
            return _form(
                request,
                lang,
                422,
                values={"kind": values["kind"]},
                error=translate(
                    lang, "The request could not be saved. Check the form and send it again."
                ),
            )
        kept = {k: v for k, v in values.items() if k != where[0]}
        return _form(request, lang, 422, values=kept, errors=dict([where]))
    return _render(
        request,
        "requests_verify.html",
        lang,
        reference=receipt.reference,
        due=receipt.due_date,
        received=True,
        error=None,
    )


@router.get("/privacy/requests/verify", response_class=HTMLResponse)
def verify_form(request: Request, lang: str | None = None) -> HTMLResponse:
    """The page the mail's link opens: the code form for the request its reference names.
    It looks nothing up: the same page for any well-formed reference."""
    lang = page_language(request, lang)
    reference = request.query_params.get("request", "")
    if not is_reference(reference):
        error = translate(
            lang,
            "The link is not complete. Open the link in the e-mail again, or make a new request.",
        )
        return _render(
            request, "requests_verify.html", lang, 400, reference=None, due=None, error=error
        )
    return _render(request, "requests_verify.html", lang, reference=reference, due=None, error=None)


@router.post("/privacy/requests/verify", response_class=HTMLResponse)
async def verify_submit(request: Request) -> HTMLResponse:
    wired = container_of(request)
    form = await read_utf8_form(request)
    if form is None:
        lang = page_language(request)
        return _render(
            request,
            "requests_verify.html",
            lang,
            400,
            reference=None,
            due=None,
            error=translate(lang, NOT_UTF8),
        )
    lang = page_language(request, form.get("lang"))
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
        error = translate(
            lang,
            "Too many wrong tries from here. Wait an hour, or use the link and the code in the "
            "e-mail.",
        )
        return _render(
            request, "requests_verify.html", lang, 429, reference=shown, due=None, error=error
        )
    except CodeRejected as exc:
        error = translate(lang, CODE_ERRORS.get(str(exc.check), CODE_ERRORS["wrong"]))
        if exc.tries_left is not None:
            error += " " + translate(lang, "Tries left: %(n)s.", n=exc.tries_left)
        return _render(
            request, "requests_verify.html", lang, 400, reference=shown, due=None, error=error
        )
    return _render(request, "requests_done.html", lang, reference=shown)


# -- the status page -------------------------------------------------------------------------


@router.get("/privacy/requests/status", response_class=HTMLResponse)
def status_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """What the reference's holder may see of a request (``services.requests.status``): the
    state in words; with the key from the request's mails, the answer too. Reads only."""
    wired = container_of(request)
    reference = request.query_params.get("request", "")[:64]
    key = request.query_params.get("key", "")[:64] or None
    status = request_status(wired, reference, key)
    lang = page_language(request, lang or (status.language if status else None))
    if status is None:
        return _render(request, "requests_status.html", lang, 404, found=None)
    rows = erasure_rows(wired.catalog, lang, (status.answer or {}).get("erasure"))
    return _render(
        request,
        "requests_status.html",
        lang,
        found=status,
        kind=kind_name(lang, status.kind),
        state=state_name(lang, status.state),
        next_step=state_next(lang, status.state),
        due=format_date(status.due_date, lang),
        erasure=rows,
    )


# -- the answer to an access request ---------------------------------------------------------


def _gone(request: Request, lang: str) -> HTMLResponse:
    return _render(request, "requests_download.html", lang, 410, gone=True)


@router.get("/privacy/requests/download/{token}", response_class=HTMLResponse)
def download_page(request: Request, token: str, lang: str | None = None) -> HTMLResponse:
    """The page the answer mail's link opens: a button that opens the answer. It changes
    nothing and looks nothing up, so a mail scanner that follows the link does not use it."""
    lang = page_language(request, lang)
    days = DOWNLOAD_LIFETIME.days
    return _render(request, "requests_download.html", lang, gone=False, days=days)


@router.post("/privacy/requests/download/{token}", response_model=None)
async def download_answer(request: Request, token: str) -> Response:
    """The buttons: open the answer page (no ``action``), download one format
    (``action`` = pdf, json or csv), or delete the copy now (``action`` = delete)."""
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    action = form.get("action", "open")
    ctx = request_context(container_of(request))
    token = token[:128]
    if action == "delete":
        if not delete_copy(ctx, token):
            return _gone(request, lang)
        return _render(request, "requests_answer_deleted.html", lang)
    fmt = action if action in DOWNLOAD_FORMATS else None
    answer = open_answer(ctx, token, download_format=fmt)
    if answer is None:
        return _gone(request, lang)
    if fmt is not None:
        file = extract_file(answer.extract, fmt, lang)
        return Response(
            file.content,
            media_type=file.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{file.filename}"',
                "Cache-Control": "no-store",
            },
        )
    return _render(
        request,
        "requests_answer.html",
        lang,
        extract_html=extract_page_html(answer.extract, lang),
        expires=format_date(answer.expires_at, lang) if answer.expires_at else "",
        formats=DOWNLOAD_FORMATS,
    )
