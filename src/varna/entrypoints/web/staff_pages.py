"""The staff member's own sign-in page (``/admin/account``: two-factor, recovery codes, sign
out everywhere) and the privacy officer's staff administration (``/admin/staff``).

Every form carries the session's CSRF token; ``/admin/staff`` is for the privacy officer only
(403 for every other role). A refused change (the last active privacy officer, a short
password, a login in use) is shown with its reason and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from varna.domain.access import STAFF_ROLES
from varna.domain.errors import InputRefused
from varna.entrypoints.access import ANY_ROLE, OFFICER, console
from varna.entrypoints.web.console_words import console_page
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language
from varna.entrypoints.web.staff_auth import (
    SESSION_COOKIE,
    StaffSession,
    container_of,
    csrf_ok,
)
from varna.entrypoints.web.staff_login import recovery_page
from varna.i18n import N_, translate
from varna.i18n.labels import value_label
from varna.services.requests.staff import Session, create_account, log_out_everywhere
from varna.services.requests.staff_admin import (
    StaffMember,
    reset_two_factor,
    set_disabled,
    set_role,
    sign_out_everywhere,
    staff_list,
)
from varna.services.requests.staff_second_factor import (
    recovery_codes_left,
    regenerate_recovery_codes,
)

router = APIRouter(include_in_schema=False)
EXPIRED_FORM = N_("The form's token is out of date: reload the page and try again.")
# What the privacy officer is told after each change (the service raises InputRefused for a
# refused one, with its reason in English; the page shows the Swedish of that reason).
DONE = {
    "disable": N_("The account is disabled and signed out everywhere."),
    "enable": N_("The account is enabled again."),
    "role": N_("The role is changed; the account is signed out everywhere."),
    "reset-2fa": N_("Two-factor sign-in is reset; the account is signed out everywhere."),
    "sign-out": N_("The account is signed out everywhere."),
    "add": N_("The account is added."),
}
REFUSALS = {  # the services' reasons, marked for translation
    N_("the last active privacy officer cannot be disabled"),
    N_("the last active privacy officer cannot be given another role"),
    N_("the password needs at least %(count)s characters"),
    N_("a login is required"),
    N_("this login exists already"),
    N_("no such staff account"),
    N_("two-factor sign-in is not on"),
}


# -- your own sign-in ------------------------------------------------------------------------


def account_page(
    request: Request,
    staff: StaffSession,
    lang: str,
    error: str | None = None,
    *,
    status: int | None = None,
) -> HTMLResponse:
    wired = container_of(request)
    enrolled = staff.account.totp_enrolled_at is not None
    return console_page(
        request,
        "admin_account.html",
        lang,
        status or (400 if error else 200),
        staff=staff.account,
        csrf=staff.csrf,
        error=error,
        enrolled=enrolled,
        codes_left=recovery_codes_left(wired, staff.account.id) if enrolled else 0,
        idle=wired.settings.staff_idle_minutes,
        hours=f"{wired.settings.staff_session_hours:g}",
    )


@router.get("/admin/account", response_model=None)
def account(request: Request, staff: Annotated[StaffSession, console(*ANY_ROLE)]) -> Response:
    return account_page(request, staff, page_language(request))


@router.post("/admin/account/recovery-codes", response_model=None)
async def new_recovery_codes(
    request: Request, staff: Annotated[StaffSession, console(*ANY_ROLE)]
) -> Response:
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if not csrf_ok(staff, form):
        return account_page(request, staff, lang, translate(lang, EXPIRED_FORM), status=403)
    try:
        codes = regenerate_recovery_codes(container_of(request), staff.account.id)
    except InputRefused as refused:
        return account_page(request, staff, lang, translate(lang, str(refused)))
    session = Session(staff.token, staff.account)
    return recovery_page(request, session, codes, lang, enrolled=False)


@router.post("/admin/logout-everywhere", response_model=None)
async def logout_everywhere(
    request: Request, staff: Annotated[StaffSession, console(*ANY_ROLE)]
) -> Response:
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if not csrf_ok(staff, form):
        return account_page(request, staff, lang, translate(lang, EXPIRED_FORM), status=403)
    log_out_everywhere(container_of(request), staff.account.id, staff.actor)
    response = RedirectResponse(f"/admin/login?lang={lang}", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- the staff administration (privacy officer) ----------------------------------------------


def staff_page(
    request: Request,
    staff: StaffSession,
    lang: str,
    *,
    error: str | None = None,
    done: str | None = None,
    status: int | None = None,
) -> HTMLResponse:
    members = staff_list(container_of(request))

    def actions(member: StaffMember) -> list[tuple[str, str]]:
        found = [("enable", N_("Enable"))] if member.disabled else [("disable", N_("Disable"))]
        if member.two_factor:
            found.append(("reset-2fa", N_("Reset two-factor")))
        found.append(("sign-out", N_("Sign out everywhere")))
        return [(action, translate(lang, label)) for action, label in found]

    role_word: Callable[[str], str] = lambda role: value_label("role", role, lang)  # noqa: E731
    return console_page(
        request,
        "admin_staff.html",
        lang,
        status or (400 if error else 200),
        staff=staff.account,
        csrf=staff.csrf,
        members=members,
        roles=STAFF_ROLES,
        role_word=role_word,
        actions=actions,
        error=error,
        done=done,
    )


def refusal(lang: str, refused: InputRefused) -> str:
    text = str(refused)
    if text.startswith("the password needs at least"):
        return translate(lang, "the password needs at least %(count)s characters", count=12)
    if text.startswith("role must be one of"):
        return translate(lang, "Choose one of the roles in the list.")
    return translate(lang, text)


@router.get("/admin/staff", response_model=None)
def staff_admin(request: Request, staff: Annotated[StaffSession, console(*OFFICER)]) -> Response:
    return staff_page(request, staff, page_language(request))


@router.post("/admin/staff/add", response_model=None)
async def staff_add(
    request: Request, staff: Annotated[StaffSession, console(*OFFICER)]
) -> Response:
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if not csrf_ok(staff, form):
        return staff_page(request, staff, lang, error=translate(lang, EXPIRED_FORM), status=403)
    wired = container_of(request)
    try:
        create_account(
            wired,
            form.get("login", ""),
            form.get("role", ""),
            form.get("password", ""),
            passwords=wired.passwords,
            actor=staff.actor,
        )
    except InputRefused as refused:
        return staff_page(request, staff, lang, error=refusal(lang, refused))
    return staff_page(request, staff, lang, done=translate(lang, DONE["add"]))


@router.post("/admin/staff/{account_id}/{action}", response_model=None)
async def staff_change(
    request: Request,
    account_id: int,
    action: str,
    staff: Annotated[StaffSession, console(*OFFICER)],
) -> Response:
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    if action not in DONE or action == "add":
        return staff_page(request, staff, lang, error=translate(lang, "no such staff account"))
    if not csrf_ok(staff, form):
        return staff_page(request, staff, lang, error=translate(lang, EXPIRED_FORM), status=403)
    wired = container_of(request)
    try:
        if action in ("disable", "enable"):
            set_disabled(wired, account_id, disabled=action == "disable", actor=staff.actor)
        elif action == "role":
            set_role(wired, account_id, form.get("role", ""), actor=staff.actor)
        elif action == "reset-2fa":
            reset_two_factor(wired, account_id, actor=staff.actor)
        else:
            sign_out_everywhere(wired, account_id, actor=staff.actor)
    except InputRefused as refused:
        return staff_page(request, staff, lang, error=refusal(lang, refused))
    if account_id == staff.account.id and action != "enable":
        # the officer's own sessions ended with the change: back to the sign-in
        response = RedirectResponse(f"/admin/login?lang={lang}", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response
    return staff_page(request, staff, lang, done=translate(lang, DONE[action]))
