"""The audit log in the console (R6, A1): ``/admin/audit`` lists the entries newest first,
filtered by actor, action, target and period, a page at a time, with the state of the audit
chain; ``/admin/audit.csv`` exports the same filter, streamed. For the privacy officer and the
auditor only (support gets 403). The page shows ids and counts, as the log holds, and every
action in words."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from varna.domain.access import Role
from varna.domain.audit import AuditAction
from varna.domain.audit_chain import AuditEntry, AuditFilter
from varna.entrypoints.access import console
from varna.entrypoints.web.console_words import console_page
from varna.entrypoints.web.pages import page_language
from varna.entrypoints.web.staff_auth import StaffSession, container_of
from varna.i18n import N_, translate
from varna.i18n.labels import TABLES, table_label, value_label

router = APIRouter(include_in_schema=False)
READERS = (Role.PRIVACY_OFFICER, Role.AUDITOR)
PER_PAGE = 100
# The page verifies the chain by itself up to this many entries (well under a second);
# beyond, it verifies when asked (the button).
VERIFY_ON_LOAD = 100_000
PROBLEMS = {
    "hash mismatch": N_("the entry was changed after it was written"),
    "prev mismatch": N_("the entry does not follow the one before it"),
    "gap": N_("an entry is missing here"),
    "unexpected entry": N_("an entry was added that the chain does not know"),
    "out of order": N_("the entries were reordered"),
    "missing at end": N_("the newest entries are missing"),
    "head mismatch": N_("the newest entry is not the one the chain recorded"),
}
CSV_HEAD = ("seq", "id", "at", "actor", "action", "action_words", "target", "details")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _filter(request: Request) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the query asks for, and the values to put back in the form."""
    q = request.query_params
    given = {k: q.get(k, "").strip() for k in ("actor", "action", "target", "from", "to")}
    if given["action"] not in {a.value for a in AuditAction}:
        given["action"] = ""
    for key in ("from", "to"):
        if _day(given[key]) is None:
            given[key] = ""
    filt = AuditFilter(
        actor=given["actor"] or None,
        action=given["action"] or None,
        target=given["target"] or None,
        since=_day(given["from"]),
        until=_day(given["to"]),
    )
    return filt, given


@router.get("/admin/audit", response_model=None)
def audit_page(
    request: Request,
    staff: Annotated[StaffSession, console(*READERS)],
    page: Annotated[int, Query(le=1_000_000)] = 1,
    verify: str = "",
) -> Response:
    lang = page_language(request)
    wired = container_of(request)
    filt, given = _filter(request)
    page = max(1, page)
    rows = wired.audit_entries(filt, offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1)
    more = len(rows) > PER_PAGE
    state = None
    newest = rows[0].id if rows and page == 1 and not any(given.values()) else None
    if verify or (newest is not None and newest <= VERIFY_ON_LOAD) or not rows:
        verdict = wired.verify_audit_chain()
        broken = verdict.first_broken
        state = {
            "ok": verdict.ok,
            "entries": verdict.entries,
            "seq": broken.seq if broken else None,
            "problem": translate(lang, PROBLEMS.get(broken.problem, broken.problem))
            if broken
            else None,
        }
    query = urlencode({k: v for k, v in given.items() if v})
    return console_page(
        request,
        "admin_audit.html",
        lang,
        staff=staff.account,
        csrf=staff.csrf,
        rows=[
            (entry, value_label("action", entry.action, lang), _target_words(entry.target, lang))
            for entry in rows[:PER_PAGE]
        ],
        actions=sorted(
            ((a.value, value_label("action", a.value, lang)) for a in AuditAction),
            key=lambda pair: pair[1].casefold(),
        ),
        given=given,
        page=page,
        more=more,
        query=query,
        state=state,
    )


def _target_words(target: str | None, lang: str) -> str:
    """A target (``kind:id``, or a table) as people read it: a table by its label."""
    if not target:
        return "–"
    if target in TABLES:  # a table an erasure or a retention batch changed
        return table_label(target, lang)
    kind, colon, rest = target.partition(":")
    return f"{table_label(kind, lang)} {rest}" if colon and kind in TABLES else target


def _safe(value: str) -> str:
    """A cell a spreadsheet would take for a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_lines(entries: Iterator[AuditEntry], lang: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEAD)
    for count, entry in enumerate(entries, 1):
        writer.writerow(
            (
                entry.seq,
                entry.id,
                entry.at.isoformat(),
                _safe(entry.actor),
                entry.action,
                value_label("action", entry.action, lang),
                _safe(entry.target or ""),
                _safe(entry.details),
            )
        )
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/admin/audit.csv", response_model=None)
def audit_csv(request: Request, staff: Annotated[StaffSession, console(*READERS)]) -> Response:
    lang = page_language(request)
    filt, _ = _filter(request)
    entries = container_of(request).audit_export(filt)
    return StreamingResponse(
        _csv_lines(entries, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
