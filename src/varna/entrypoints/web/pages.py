"""Server-rendered pages: the public start page and the console's store page.

The start page is public, so it shows nothing that is not public (A1, R6): what varna is and
links to the privacy center. Row counts are business figures, and a count that moves after
someone asks for a consent link tells whether an address is known; only signed-in staff see
them (``/admin/store`` and ``GET /api/v1/stats``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import PackageLoader

import varna
from varna.bootstrap import Container
from varna.entrypoints.web.brand import brand_of
from varna.entrypoints.web.staff_auth import current_staff, require_staff
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


@dataclass(frozen=True)
class PageLink:
    href: str
    title: str
    description: str


# Public pages: anyone may open them, and none shows more than its visitor may know.
PAGES: list[PageLink] = [
    PageLink(
        "/privacy/requests",
        "Your rights: make a request",
        "Access, portability, rectification, restriction, erasure, objection (sv/en).",
    ),
    PageLink(
        "/privacy/consents",
        "Your consents",
        "Get a link by e-mail to see, give and withdraw your consents (sv/en).",
    ),
    PageLink("/cookies", "Cookies", "Every cookie, who sets it and why; change your choice."),
    PageLink("/api/docs", "API documentation", "Every endpoint, with its parameters and schemas."),
    PageLink("/api/openapi.json", "OpenAPI document", "The machine-readable API description."),
]

# Pages of the admin console; each asks for a staff sign-in (and some for a role).
STAFF_PAGES: list[PageLink] = [
    PageLink("/admin/requests", "Request queue", "Requests by due date, with timelines."),
    PageLink(
        "/admin/retention",
        "Retention",
        "Privacy officer: what is due per rule, held data, the evidence vault, last runs.",
    ),
    PageLink(
        "/admin/outbox",
        "Mail outbox",
        "Privacy officer: the mail varna keeps when no SMTP server is set (codes, answers).",
    ),
    PageLink("/admin/store", "Store contents", "How many rows each table holds right now."),
]


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "start.html",
        {
            "version": varna.__version__,
            "pages": PAGES,
            "staff_pages": STAFF_PAGES,
            "signed_in": current_staff(request) is not None,
        },
    )


@router.get("/admin/store", response_model=None)
def store_page(request: Request) -> Response:
    """Rows per table and the database kind, for signed-in staff."""
    staff = require_staff(request)
    if isinstance(staff, Response):
        return staff
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
