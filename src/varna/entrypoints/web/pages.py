"""Server-rendered pages: the start page (later: privacy center and admin console)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import varna

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("varna.entrypoints.web") / "templates"))


@dataclass(frozen=True)
class PageLink:
    href: str
    title: str
    description: str


# Pages of the product; each capability adds its own here.
PAGES: list[PageLink] = [
    PageLink("/api/docs", "API documentation", "Every endpoint, with its schema (OpenAPI)."),
    PageLink("/api/openapi.json", "OpenAPI document", "The machine-readable API description."),
    PageLink("/api/v1/stats", "Store contents", "How many rows each table holds right now."),
    PageLink("/api/v1/health", "Health", "Version, database kind and schema revision."),
    PageLink(
        "/admin/retention",
        "Retention",
        "What is due per rule, held data, the evidence vault, last runs and the backlog.",
    ),
    PageLink("/cookies", "Cookies", "Every cookie, who sets it and why; change your choice."),
    PageLink(
        "/api/v1/consent/notice",
        "Consent notice",
        "The notice version, consent purposes and cookie categories the banner shows.",
    ),
    PageLink(
        "/privacy/consents",
        "Your consents",
        "Get a link by e-mail to see, give and withdraw your consents (sv/en).",
    ),
    PageLink(
        "/privacy/requests",
        "Your rights: make a request",
        "Access, portability, rectification, restriction, erasure, objection (sv/en).",
    ),
    PageLink("/admin/requests", "Request queue", "Staff: requests by due date, with timelines."),
    PageLink(
        "/admin/outbox",
        "Mail outbox",
        "Privacy officer: the mail varna keeps when no SMTP server is set (codes, answers).",
    ),
]


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    container = request.app.state.container
    return templates.TemplateResponse(
        request,
        "start.html",
        {
            "version": varna.__version__,
            "pages": PAGES,
            "database": container.engine.dialect.name,
            "counts": container.row_counts(),
        },
    )
