"""Server-rendered pages: the public start page and the console's store page.

The start page is public, so it shows nothing that is not public (A1, R6): a sentence in the
visitor's language, the way to the privacy center for people and to the console for staff.
Row counts are business figures, and a count that moves after someone asks for a consent
link tells whether an address is known; only signed-in staff see them
(``/admin/store`` and ``GET /api/v1/stats``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import PackageLoader

import varna
from varna.bootstrap import Container
from varna.entrypoints.access import PUBLIC, QUEUE_READERS, console
from varna.entrypoints.web.brand import brand_of
from varna.entrypoints.web.staff_auth import StaffSession
from varna.i18n import DEFAULT_LANGUAGE, from_accept_language, language
from varna.i18n.jinja import environment
from varna.i18n.labels import table_label

router = APIRouter(include_in_schema=False)
LANGUAGE_NAMES = {"sv": "På svenska", "en": "In English"}


def page_context(request: Request) -> dict[str, Any]:
    """What every page's frame needs: the company's look, varna's version, and a link to the
    same page in the other language (for a GET; a form's answer links back to its form)."""
    container: Container = request.app.state.container
    return {"brand": brand_of(container), "version": varna.__version__, "switch": _switch}


def _switch(request: Request, lang: str, href: str | None = None) -> dict[str, str] | None:
    other = "en" if lang == "sv" else "sv"
    if href is None:
        if request.method != "GET":
            return None
        href = str(request.url.include_query_params(lang=other).replace(scheme="", netloc=""))
    return {"code": other, "name": LANGUAGE_NAMES[other], "href": href}


templates = Jinja2Templates(
    env=environment(PackageLoader("varna.entrypoints.web", "templates")),
    context_processors=[page_context],
)


def page_language(request: Request, chosen: str | None = None) -> str:
    """The language a page speaks: the visitor's choice (``?lang=`` or a form's ``lang``),
    else the browser's Accept-Language, else Swedish."""
    if chosen:
        return language(chosen)
    query = request.query_params.get("lang")
    if query:
        return language(query)
    return from_accept_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


@router.get("/", response_class=HTMLResponse, dependencies=[PUBLIC])
def start_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """Where people go for their data and staff for the console; nothing else (A1, R6)."""
    return templates.TemplateResponse(
        request,
        "start.html",
        {"lang": page_language(request, lang), "version": varna.__version__},
    )


@router.get("/admin/store", response_model=None)
def store_page(
    request: Request, staff: Annotated[StaffSession, console(*QUEUE_READERS)]
) -> Response:
    """Rows per table and the database kind, for the staff who read the queue."""
    container: Container = request.app.state.container
    lang = page_language(request)
    counts = sorted(
        ((table_label(name, lang), rows) for name, rows in container.row_counts().items()),
        key=lambda pair: pair[0].casefold(),
    )
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        container.engine.dialect.name, container.engine.dialect.name
    )
    return templates.TemplateResponse(
        request,
        "admin_store.html",
        {
            "lang": lang,
            "version": varna.__version__,
            "database": database,
            "counts": counts,
            "staff": staff.account,
            "csrf": staff.csrf,
        },
    )
