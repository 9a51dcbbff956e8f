"""Server-rendered pages: the public start page and the console's store page.

The start page is public, so it shows nothing that is not public (A1, R6): what varna is and
links to the privacy center. Row counts are business figures, and a count that moves after
someone asks for a consent link tells whether an address is known; only signed-in staff see
them (``/admin/store`` and ``GET /api/v1/stats``)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

import varna
from varna.bootstrap import Container
from varna.entrypoints.web.staff_auth import current_staff, require_staff

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("varna.entrypoints.web") / "templates"))


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
    return templates.TemplateResponse(
        request,
        "admin_store.html",
        {
            "version": varna.__version__,
            "database": container.engine.dialect.name,
            "counts": container.row_counts(),
        },
    )
