"""The console's own pages: the dashboard (``/admin``), the person search (``/admin/people``)
and failed work (``/admin/jobs``, with its retries). Each page declares its roles
(:mod:`varna.entrypoints.access`): the dashboard is for the company's staff, the search for
the privacy officer and support, failed work and its retries for the privacy officer alone.
A search is audited with the actor and the kind of identifier, never the value searched for
(the subject service does it); a retry is one transaction with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from varna.domain.access import Role
from varna.domain.errors import InvalidIdentifier
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.entrypoints.access import OFFICER, QUEUE_WORKERS, STAFF, console
from varna.entrypoints.web.console_words import IDENTIFIER_KINDS, STATES, console_page, word
from varna.entrypoints.web.forms import read_utf8_form
from varna.entrypoints.web.pages import page_language
from varna.entrypoints.web.staff_auth import StaffSession, container_of, csrf_ok
from varna.i18n import translate
from varna.services.notices.status import unsent_notices
from varna.services.requests.dashboard import request_dashboard
from varna.services.requests.failed_work import (
    NothingToRetry,
    failed_jobs,
    retry_job,
    retry_notice,
)
from varna.services.retention.dashboard import retention_dashboard
from varna.services.subjects.find import find_subject

router = APIRouter(include_in_schema=False)
WIDTH, HEIGHT, PAD = 640, 220, 40
# The kinds a search guesses between when none is chosen, in this order.
GUESS_ORDER = ("email", "iccid", "personnummer", "phone", "imsi", "msisdn")
SEARCH_KINDS = ("email", "phone", "personnummer", "iccid", "msisdn", "imsi", "end_user_ref")


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(values: list[tuple[str, int]]) -> tuple[list[Bar], int]:
    """Scale (label, count) into the SVG box; the bars and the top of the scale."""
    top = max([n for _, n in values] + [1])
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    inner = HEIGHT - 2 * PAD
    bars = []
    for i, (label, n) in enumerate(values):
        h = inner * n / top
        bars.append(
            Bar(
                round(PAD + i * slot + slot * 0.15, 1),
                round(HEIGHT - PAD - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                label,
                n,
            )
        )
    return bars, top


@router.get("/admin", response_model=None)
def dashboard(request: Request, staff: Annotated[StaffSession, console(*STAFF)]) -> Response:
    lang = page_language(request)
    wired = container_of(request)
    board = request_dashboard(wired)
    officer = staff.account.role == Role.PRIVACY_OFFICER
    retention_due: list[tuple[str, int]] = []
    notices_waiting = notices_failed = jobs_failed = 0
    if officer:
        settings = wired.settings
        retention = retention_dashboard(
            wired, k=settings.retention_k, usage_totals=settings.retention_usage_totals
        )
        retention_due = [
            (
                ", ".join(wired.catalog.category(c).label(lang) for c in line.categories),
                line.due_rows,
            )
            for line in retention.lines
            if line.due_rows
        ]
        notices = unsent_notices(wired)
        notices_failed = sum(1 for n in notices if n.state == "failed")
        notices_waiting = len(notices) - notices_failed
        jobs_failed = len(failed_jobs(wired))
    state_bars, state_top = bar_chart([(word(STATES, s, lang), n) for s, n in board.by_state])
    week_bars, week_top = bar_chart([(monday.isoformat(), n) for monday, n in board.weeks])
    return console_page(
        request,
        "admin_dashboard.html",
        lang,
        staff=staff.account,
        csrf=staff.csrf,
        board=board,
        officer=officer,
        retention_due=retention_due,
        retention_rows=sum(n for _, n in retention_due),
        notices_waiting=notices_waiting,
        notices_failed=notices_failed,
        jobs_failed=jobs_failed,
        state_bars=state_bars,
        state_top=state_top,
        week_bars=week_bars,
        week_top=week_top,
        width=WIDTH,
        height=HEIGHT,
        pad=PAD,
    )


def _guess(value: str) -> SubjectKey:
    for kind in GUESS_ORDER:
        try:
            return normalise(kind, value)
        except InvalidIdentifier:
            continue
    raise InvalidIdentifier("identifier", "not recognised")


@router.get("/admin/people", response_model=None)
def people_form(
    request: Request, staff: Annotated[StaffSession, console(*QUEUE_WORKERS)]
) -> Response:
    """The search form. The search itself is a POST: an identifier in an address would stay
    in the browser's history and in the log of any proxy in front of varna."""
    return _people(request, staff, "", "")


@router.post("/admin/people", response_model=None)
async def people_search(
    request: Request, staff: Annotated[StaffSession, console(*QUEUE_WORKERS)]
) -> Response:
    form = await read_utf8_form(request)
    if form is None or not csrf_ok(staff, form):
        return _people(request, staff, "", "", status=403)
    return _people(request, staff, form.get("q", ""), form.get("kind", ""))


def _people(
    request: Request, staff: StaffSession, q: str, kind: str, *, status: int = 200
) -> Response:
    lang = page_language(request)
    wired = container_of(request)
    query, error, result, searched_kind = q.strip(), None, None, None
    if status == 403:
        error = translate(lang, "The form has expired. Search again.")
    if query:
        try:
            key = normalise(kind, query) if kind in SEARCH_KINDS else _guess(query)
        except InvalidIdentifier:
            error = translate(
                lang, "This is not an identifier varna can search by; check what you typed."
            )
        else:
            searched_kind = key.kind.value
            result = find_subject(wired, [key], actor=staff.actor)
    categories = []
    if result is not None:
        for category, rows in result.categories.items():
            categories.append((wired.catalog.category(category).label(lang), rows))
    return console_page(
        request,
        "admin_people.html",
        lang,
        status,
        staff=staff.account,
        csrf=staff.csrf,
        q=query,
        kind=kind if kind in SEARCH_KINDS else "",
        kinds=[(k, translate(lang, IDENTIFIER_KINDS[k])) for k in SEARCH_KINDS],
        searched_kind=translate(lang, IDENTIFIER_KINDS[searched_kind]) if searched_kind else None,
        error=error,
        result=result,
        categories=categories,
    )


@router.get("/admin/jobs", response_model=None)
def jobs_page(
    request: Request,
    staff: Annotated[StaffSession, console(*OFFICER)],
    done: str = "",
    error: str = "",
) -> Response:
    lang = page_language(request)
    wired = container_of(request)
    return console_page(
        request,
        "admin_jobs.html",
        lang,
        staff=staff.account,
        csrf=staff.csrf,
        jobs=failed_jobs(wired),
        notices=unsent_notices(wired),
        done=done,
        error=error,
    )


@router.post("/admin/jobs/{job_id}/retry", response_model=None)
async def retry_job_form(
    request: Request, job_id: int, staff: Annotated[StaffSession, console(*OFFICER)]
) -> Response:
    return await _retry(request, staff, "job", job_id)


@router.post("/admin/notices/{notice_id}/retry", response_model=None)
async def retry_notice_form(
    request: Request, notice_id: int, staff: Annotated[StaffSession, console(*OFFICER)]
) -> Response:
    return await _retry(request, staff, "notice", notice_id)


async def _retry(request: Request, staff: StaffSession, what: str, item: int) -> Response:
    form = await read_utf8_form(request) or {}
    lang = page_language(request, form.get("lang"))
    wired = container_of(request)
    if not csrf_ok(staff, form):
        return console_page(
            request,
            "admin_jobs.html",
            lang,
            403,
            staff=staff.account,
            csrf=staff.csrf,
            jobs=failed_jobs(wired),
            notices=unsent_notices(wired),
            done="",
            error="token",
        )
    try:
        if what == "job":
            retry_job(wired, item, actor=staff.actor)
        else:
            retry_notice(wired, item, actor=staff.actor)
    except NothingToRetry:
        return RedirectResponse(f"/admin/jobs?lang={lang}&error=gone", status_code=303)
    return RedirectResponse(f"/admin/jobs?lang={lang}&done={what}", status_code=303)
