"""The console's person search, failed work and store page through a real server (G3):
a search is audited with the actor and the kind of identifier, never the value; the retry is
for the privacy officer only (support gets 403) and audited; no console page shows a table's
name."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import insert, select

from tests.e2e.helpers import add_staff, running_server, sign_in
from tests.subject_factories import build_world
from varna.adapters.db.tables import audit_events, jobs, metadata
from varna.bootstrap import Container

PASSWORD = "correct-horse-battery-staple"
EN = {"Accept-Language": "en"}
PAGES = (
    "/admin",
    "/admin/requests",
    "/admin/people",
    "/admin/jobs",
    "/admin/retention",
    "/admin/outbox",
    "/admin/store",
)


def _sign_in(client: httpx.Client, login: str) -> None:
    signed = sign_in(client, login, PASSWORD)
    assert signed.status_code == 303, signed.text


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_g3_person_search_is_audited_without_the_value(container: Container) -> None:
    """G3: the search finds the person by e-mail and shows category counts in words; the
    audit entry names the actor and the kind, not the address; nobody found says so."""
    build_world(container)
    url = container.settings.database_url
    add_staff(url, "help@example.com", "support", PASSWORD)
    with running_server(url) as base, httpx.Client(base_url=base, headers=EN) as support:
        _sign_in(support, "help@example.com")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', support.get("/admin/people").text)
        assert csrf

        def search(**form: str) -> httpx.Response:
            return support.post("/admin/people", data={"csrf": csrf.group(1), **form})

        found = search(q="Anna.Berg@example.com")
        nobody = search(q="nobody@example.com")
        wrong = search(q="x", kind="phone")
        in_address = support.get("/admin/people", params={"q": "Anna.Berg@example.com"})
        forged = support.post("/admin/people", data={"q": "Anna.Berg@example.com"})
    assert found.status_code == 200 and 'id="categories"' in found.text
    assert "E-mail addresses" in found.text  # a catalogue label, not a category id
    assert "Nobody was found" in nobody.text
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.text
    # a search is a POST with the form's token: an identifier in an address searches nothing
    assert in_address.status_code == 200 and 'id="categories"' not in in_address.text
    assert forged.status_code == 403 and 'id="categories"' not in forged.text
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(audit_events.c.actor, audit_events.c.details, audit_events.c.target).where(
                audit_events.c.action == "subject.find"
            )
        ).all()
    assert len(rows) == 2  # the refused identifier was not searched
    for actor, details, target in rows:
        assert actor.startswith("staff:")
        assert details["kinds"] == ["email"]
        text = json.dumps(details) + (target or "")
        assert "anna" not in text.lower() and "nobody" not in text and "@" not in text


def test_g3_retry_is_for_the_privacy_officer_and_audited(container: Container) -> None:
    """G3: a failed job is listed with its reason and retried by the privacy officer (one
    audit entry); support gets 403 for the page and the retry."""
    build_world(container)
    url = container.settings.database_url
    with container.engine.begin() as conn:
        job_id = conn.execute(
            insert(jobs)
            .values(
                task="send_result",
                job_key="result:test",
                request_id=None,
                state="failed",
                attempts=5,
                run_after=container.clock.now(),
                last_error="TimeoutError",
            )
            .returning(jobs.c.id)
        ).scalar_one()
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    add_staff(url, "help@example.com", "support", PASSWORD)
    with (
        running_server(url) as base,
        httpx.Client(base_url=base, headers=EN) as dpo,
        httpx.Client(base_url=base, headers=EN) as support,
    ):
        _sign_in(support, "help@example.com")
        assert support.get("/admin/jobs").status_code == 403
        page = support.get("/admin/requests")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert token
        refused = support.post(f"/admin/jobs/{job_id}/retry", data={"csrf": token.group(1)})
        assert refused.status_code == 403 and "privacy officer" in refused.text
        assert "<nav" in refused.text  # the 403 is in the console's frame
        _sign_in(dpo, "dpo@example.com")
        listing = dpo.get("/admin/jobs")
        assert "Send the answer to a request" in listing.text and "TimeoutError" in listing.text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', listing.text)
        assert token
        forged = dpo.post(f"/admin/jobs/{job_id}/retry", data={"csrf": "0" * 64})
        assert forged.status_code == 403
        retried = dpo.post(f"/admin/jobs/{job_id}/retry", data={"csrf": token.group(1)})
        assert retried.status_code == 303
    with container.engine.connect() as conn:
        state = conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar_one()
        audits = conn.execute(
            select(audit_events.c.actor, audit_events.c.target).where(
                audit_events.c.action == "job.retried"
            )
        ).all()
    assert state in ("queued", "running", "done", "failed")
    assert state != "failed" or len(audits) == 1
    assert [target for _, target in audits] == [f"job:{job_id}"]
    assert audits[0][0].startswith("staff:")


def test_g3_no_console_page_shows_a_table_name(container: Container) -> None:
    """G3: the store page shows every table by its label; no console page, in either
    language, shows a table's name."""
    build_world(container)
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    names = sorted(metadata.tables)
    with running_server(url) as base, httpx.Client(base_url=base) as dpo:
        _sign_in(dpo, "dpo@example.com")
        for lang in ("sv", "en"):
            store = dpo.get("/admin/store", params={"lang": lang})
            assert store.status_code == 200
            cells = re.findall(r"<th scope=\"row\">([^<]*)</th>", store.text)
            assert cells and not set(cells) & set(names)
            for path in PAGES:
                sep = "&" if "?" in path else "?"
                page = dpo.get(f"{path}{sep}lang={lang}")
                assert page.status_code == 200, path
                text = _visible(page.text)
                shown = [n for n in names if "_" in n and re.search(rf"\b{n}\b", text)]
                assert not shown, (path, lang, shown)


def test_g3_the_case_view_shows_typed_identifiers_only_by_their_last_four() -> None:
    """G3: an identifier typed with a request may be someone else's (that is what the
    identity check is about): the case view names its kind and shows its last four only."""
    from varna.entrypoints.web.console_words import masked

    assert masked("198504121230") == "•••• 1230"
    assert "198504121230" not in masked("198504121230")
    assert masked("123") == "••••" and masked(None) == "••••"
