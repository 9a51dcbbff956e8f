"""The retention dashboard of the admin console (R2, R3, R6): due per rule, held data, the
evidence vault, the last runs and a server-rendered SVG chart of the backlog (no JavaScript,
no CDN). The vault is for the privacy officer alone (R6), so the whole page is: support staff
get 403, and nobody signed in is sent to the login page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

import varna
from varna.bootstrap import Container
from varna.entrypoints.access import OFFICER, console
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import StaffSession
from varna.i18n import N_, translate
from varna.i18n.formats import format_date
from varna.i18n.labels import table_label, value_label
from varna.services.retention.dashboard import retention_dashboard

router = APIRouter(include_in_schema=False)
WIDTH, HEIGHT, PAD = 640, 200, 36


@dataclass(frozen=True)
class Chart:
    points: str  # the polyline's "x,y x,y" text
    dots: list[tuple[float, float, date, int]]  # x, y, the day and its rows (the dot's title)
    max_rows: int
    first: date
    last: date


def backlog_chart(series: list[tuple[date, int]]) -> Chart | None:
    """Scale (day, rows due) into the SVG box; None without runs."""
    if not series:
        return None
    top = max(max(rows for _, rows in series), 1)
    span = max((series[-1][0] - series[0][0]).days, 1)
    dots = []
    for day, rows in series:
        x = PAD + (WIDTH - 2 * PAD) * ((day - series[0][0]).days / span if len(series) > 1 else 0.5)
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * rows / top
        dots.append((round(x, 1), round(y, 1), day, rows))
    points = " ".join(f"{x},{y}" for x, y, _, _ in dots)
    return Chart(points, dots, top, series[0][0], series[-1][0])


def _rule_label(container: Container, rule: str, lang: str) -> str:
    """The rule in words (its description in the catalogue)."""
    found = container.catalog.retention_rules.get(rule)
    return found.description(lang) if found is not None else translate(lang, N_("Another rule"))


def _category_label(container: Container, category: str, lang: str) -> str:
    found = container.catalog.categories.get(category)
    return found.label(lang) if found is not None else translate(lang, N_("Other data"))


def held_label(reason: str, lang: str) -> str:
    """Why due rows are kept, in words (D1, G3): a legal hold, or a legitimate-interest
    decision (stored as ``legitimate_interest:ID:END``) and the day it ends."""
    kind, _, rest = reason.partition(":")
    if kind == "legitimate_interest":
        end = rest.rpartition(":")[2]
        return translate(
            lang, N_("a legitimate-interest decision, until %(date)s"), date=format_date(end, lang)
        )
    return value_label("kind", reason, lang)


@router.get("/admin/retention", response_model=None)
def retention_page(request: Request, staff: Annotated[StaffSession, console(*OFFICER)]) -> Response:
    container: Container = request.app.state.container
    settings = container.settings
    lang = page_language(request)
    board = retention_dashboard(
        container,
        k=settings.retention_k,
        usage_totals=settings.retention_usage_totals,
    )
    return templates.TemplateResponse(
        request,
        "retention.html",
        {
            "version": varna.__version__,
            "board": board,
            "chart": backlog_chart(board.backlog),
            "width": WIDTH,
            "height": HEIGHT,
            "pad": PAD,
            "staff": staff.account,
            "csrf": staff.csrf,
            "table_label": table_label,
            "value_label": value_label,
            "held_label": lambda reason: held_label(reason, lang),
            "rule_label": lambda rule: _rule_label(container, rule, lang),
            "category_label": lambda category: _category_label(container, category, lang),
            "lang": lang,
        },
    )
