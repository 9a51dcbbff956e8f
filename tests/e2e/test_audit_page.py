"""The audit log in the console and the CLI, through a real server and real processes (R6,
A1): the page filters by actor, action, target and period and shows the chain's state; the
CSV export holds exactly the filtered entries; support gets 403; opening a request's case page
is itself recorded; `varna audit verify --json` names the first broken entry and exits 1."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, text

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.helpers import (
    PAGES_ON_SQLITE,
    add_staff,
    running_server,
    sign_in,
    sign_in_browser,
    varna,
)
from tests.e2e.language_leaks import assert_one_language
from varna.adapters.db.tables import audit_events, subject_requests
from varna.bootstrap import Container
from varna.domain.audit import AuditAction
from varna.services.ports import AuditEvent

PASSWORD = "correct-horse-battery-staple"
EN = {"Accept-Language": "en"}
DAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _sign_in(client: httpx.Client, login: str) -> None:
    signed = sign_in(client, login, PASSWORD)
    assert signed.status_code == 303, signed.text


def _entries(container: Container) -> None:
    """Entries of three actors on three days: staff:101 finds on day 0 and 1, staff:102 extracts
    on day 2, the worker completes request 7 on day 2."""
    plan = [
        ("staff:101", AuditAction.SUBJECT_FIND, "person:1", 0),
        ("staff:101", AuditAction.SUBJECT_FIND, "person:2", 1),
        ("staff:102", AuditAction.SUBJECT_EXTRACT, "person:1", 2),
        ("worker", AuditAction.REQUEST_COMPLETED, "request:7", 2),
    ]
    for actor, action, target, day in plan:
        with container.uow() as uow:
            event = AuditEvent(actor, action, target, {"rows": day})
            uow.audit.record(event, at=DAY + timedelta(days=day))
            uow.commit()


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_r6_a1_the_audit_page_filters_exports_and_is_for_the_officer_and_the_auditor(
    container: Container,
) -> None:
    _entries(container)
    url = container.settings.database_url
    add_staff(url, "audit@example.com", "auditor", PASSWORD)
    add_staff(url, "help@example.com", "support", PASSWORD)
    with (
        running_server(url) as base,
        httpx.Client(base_url=base, headers=EN) as auditor,
        httpx.Client(base_url=base, headers=EN) as support,
    ):
        _sign_in(auditor, "audit@example.com")
        _sign_in(support, "help@example.com")
        everything = auditor.get("/admin/audit")
        by_actor = auditor.get("/admin/audit", params={"actor": "staff:101"})
        by_action = auditor.get("/admin/audit", params={"action": "subject.extract"})
        by_target = auditor.get("/admin/audit", params={"target": "request:7"})
        by_day = auditor.get("/admin/audit", params={"from": "2026-06-02", "to": "2026-06-02"})
        exported = auditor.get("/admin/audit.csv", params={"actor": "staff:101"})
        exported_day = auditor.get(
            "/admin/audit.csv", params={"from": "2026-06-03", "action": "request.completed"}
        )
        refused = [support.get("/admin/audit"), support.get("/admin/audit.csv")]
    assert everything.status_code == 200
    assert re.search(r"The log holds: \d+ entries checked", everything.text)
    assert "Search for a person&#39;s data" in everything.text  # the action in words
    assert "Register extract made" in everything.text
    assert "subject.find<" not in everything.text

    def targets(page: httpx.Response) -> list[str]:
        return re.findall(r">((?:person|request):\d+)</a></td>", page.text)

    assert targets(everything) == ["request:7", "person:1", "person:2", "person:1"]  # newest first
    assert targets(by_actor) == ["person:2", "person:1"]
    assert targets(by_action) == ["person:1"]
    assert targets(by_target) == ["request:7"]
    assert targets(by_day) == ["person:2"]
    rows = _csv(exported)
    assert [(r["actor"], r["target"]) for r in rows] == [
        ("staff:101", "person:2"),
        ("staff:101", "person:1"),
    ]
    assert rows[0]["action_words"] == "Search for a person's data"
    assert json.loads(rows[0]["details"]) == {"rows": 1}
    assert [r["target"] for r in _csv(exported_day)] == ["request:7"]
    assert [r.status_code for r in refused] == [403, 403]


def test_r6_a1_opening_a_case_page_is_recorded(container: Container) -> None:
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    with container.engine.begin() as conn:
        request_id = conn.execute(
            insert(subject_requests)
            .values(
                reference="r" * 22,
                kind="access",
                state="received",
                email="eva.lind@example.com",
                email_hmac="h",
                identifiers={},
                language="sv",
                received_at=DAY,
                due_date=DAY.date() + timedelta(days=30),
                extension_months=0,
            )
            .returning(subject_requests.c.id)
        ).scalar_one()
    with running_server(url) as base, httpx.Client(base_url=base, headers=EN) as officer:
        _sign_in(officer, "dpo@example.com")
        assert officer.get(f"/admin/requests/{request_id}").status_code == 200
        assert officer.get("/admin/requests/999999").status_code == 404
    with container.engine.connect() as conn:
        viewed = conn.execute(
            select(audit_events.c.actor, audit_events.c.target, audit_events.c.details).where(
                audit_events.c.action == "request.viewed"
            )
        ).all()
    assert len(viewed) == 1
    actor, target, details = viewed[0]
    assert actor.startswith("staff:") and target == f"request:{request_id}"
    assert "eva" not in json.dumps(details)
    assert container.verify_audit_chain().ok


def test_r6_g3_varna_audit_verify_names_the_first_broken_entry(container: Container) -> None:
    _entries(container)
    url = container.settings.database_url
    holds = varna(url, "audit", "verify", "--json")
    assert holds.returncode == 0, holds.stderr
    assert json.loads(holds.stdout)["ok"] is True and json.loads(holds.stdout)["entries"] == 4
    owner = container.owner_engine()  # tampering as the tables' owner
    with owner.begin() as conn:
        if container.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor = 'staff:9' WHERE seq = 3"))
    if owner is not container.engine:
        owner.dispose()
    broken = varna(url, "audit", "verify", "--json")
    assert broken.returncode == 1
    found = json.loads(broken.stdout)
    assert found["ok"] is False and found["entries"] == 2
    assert found["first_broken"]["seq"] == 3 and found["first_broken"]["problem"] == "hash mismatch"
    said = varna(url, "audit", "verify")
    assert said.returncode == 1 and "position 3" in said.stderr and "hash mismatch" in said.stderr


@pytest.mark.e2e
@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r6_g3_the_audit_page_is_accessible_in_both_languages(
    container: Container, browser: Any, lang: str
) -> None:
    _entries(container)
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    with running_server(url) as base:
        page = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB").new_page()
        sign_in_browser(page, base, "dpo@example.com", PASSWORD)
        page.wait_for_selector("#stats")
        page.goto(f"{base}/admin/audit?lang={lang}")
        page.wait_for_selector("#entries")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        assert_one_language(page.content(), lang)
        assert page.locator("#entries tbody tr").count() >= 4
        page.context.close()
