"""``varna retention run`` through the real binary (R2, R6): killed with SIGKILL between
batches and run again, it ends in the same state as an uninterrupted run on a copy, with
nothing lost and nothing counted twice."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import TEST_SECRET, keystore_url_for
from tests.e2e.helpers import VARNA, env_for, varna
from tests.retention_factories import (
    add_consent,
    add_customer,
    add_invoice,
    add_person,
    add_quote_request,
    add_sims,
    add_visits,
    load_usage,
    usage_rows,
)
from varna.adapters.db.engine import make_engine
from varna.bootstrap import build
from varna.config import Settings

AS_OF = "2026-06-01"


def _world(url: str) -> None:
    container = build(
        Settings(database_url=url, secret_key=TEST_SECRET, keystore_url=keystore_url_for(url))  # type: ignore[arg-type]
    )
    container.upgrade_schema()
    try:
        for n in range(1, 4):
            customer = add_customer(
                container, n, terminated_on=date(2025, 1, 10) if n == 3 else None
            )
            sim_ids = add_sims(container, customer, 6 + n, first=100 * n)
            load_usage(container, list(usage_rows(sim_ids, date(2026, 1, 1), 90, 4)))
            add_invoice(
                container,
                customer,
                number=f"F-{n}",
                fiscal_year=2026,
                issued_on=date(2026, 3, 1),
                paid_on=date(2026, 3, 15),
            )
        add_visits(container, [date(2024, 1, 1) + timedelta(days=d % 300) for d in range(2000)])
        for n in range(10, 16):  # leads without order and newsletter subscribers who withdrew
            lead = add_person(container, n, "lead", started_on=date(2024, 2, 1))
            add_quote_request(container, lead, datetime(2024, 2, 1, 9, tzinfo=UTC))
            reader = add_person(
                container, n + 10, "newsletter_subscriber", started_on=date(2024, 1, 1)
            )
            add_consent(
                container,
                reader,
                [
                    ("given", datetime(2024, 1, 1, tzinfo=UTC)),
                    ("withdrawn", datetime(2026, 4, 1, tzinfo=UTC)),
                ],
                purpose="newsletter",
            )
    finally:
        container.close()


STATE_QUERIES = {
    "usage": "SELECT count(*), min(id), max(id), sum(id) FROM usage_records",
    "totals": "SELECT customer_id, day, mcc, sessions, sims, bytes_up, bytes_down"
    " FROM usage_daily_totals ORDER BY customer_id, day, mcc",
    "visits": "SELECT count(*) FROM web_visits",
    "people": "SELECT id, full_name, email FROM people ORDER BY id",
    "batches": "SELECT target, action, sum(rows), sum(subjects) FROM retention_batches"
    " GROUP BY target, action ORDER BY target, action",
    "runs": "SELECT count(*), min(status), max(status) FROM retention_runs",
}


def _state(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in STATE_QUERIES.items()}
    finally:
        engine.dispose()


def _batches(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM retention_batches")).scalar_one())
    except OperationalError:
        return 0


def _copies(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        killed, whole = tmp_path / "killed.db", tmp_path / "whole.db"
        _world(f"sqlite:///{killed}")
        shutil.copy(killed, whole)
        yield f"sqlite:///{killed}", f"sqlite:///{whole}"
        return
    base: str = request.getfixturevalue("pg_database_url")
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"{make_url(base).database}_{suffix}" for suffix in ("killed", "whole")]
    urls = [make_url(base).set(database=n).render_as_string(hide_password=False) for n in names]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[0]}"'))
    _world(urls[0])
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"'))
    try:
        yield urls[0], urls[1]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_R2_sigkill_mid_sweep_then_resume_equals_uninterrupted_run(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """R2: a sweep killed with SIGKILL after some batches, run again, ends like a run that was
    never interrupted: same rows left, same anonymised totals, same counts per target."""
    copies = _copies(kind, tmp_path, request)
    killed, whole = next(copies)
    try:
        _kill_resume_compare(killed, whole)
    finally:
        copies.close()


def _kill_resume_compare(killed: str, whole: str) -> None:
    env = env_for(killed, VARNA_RETENTION_BATCH_ROWS="100", VARNA_RETENTION_PAUSE_SECONDS="0.02")
    process = subprocess.Popen(  # noqa: S603
        [VARNA, "retention", "run", "--as-of", AS_OF, "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    threshold = 3 + int.from_bytes(os.urandom(1), "big") % 12  # a random point
    watcher = make_engine(killed)
    while _batches(watcher) < threshold and process.poll() is None:
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.01)
    watcher.dispose()
    assert process.poll() is None, "the sweep ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = _state(killed)
    assert interrupted["runs"] == [(1, "running", "running")]

    resumed = varna(killed, "retention", "run", "--as-of", AS_OF, "--json")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    report = json.loads(resumed.stdout)
    assert report["resumed"] is True

    uninterrupted = varna(whole, "retention", "run", "--as-of", AS_OF, "--json")
    assert uninterrupted.returncode == 0, uninterrupted.stderr[-2000:]

    after_kill, after_whole = _state(killed), _state(whole)
    assert after_kill == after_whole
    assert after_kill["runs"] == [(1, "finished", "finished")]
    usage_done = {(row[0], row[1]): row[2] for row in after_whole["batches"]}
    assert usage_done[("usage_records", "anonymise")] > 0
    assert usage_done[("web_visits", "delete")] == 2000
    assert usage_done[("people.lead_no_order", "anonymise")] > 0
    assert usage_done[("people.newsletter", "anonymise")] > 0


def history_of(url: str, org: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(
        varna(url, "retention", "instructions", "--customer", org, "--json").stdout
    )
    return found


@pytest.mark.e2e
def test_A2_cli_records_and_shows_a_customers_instruction(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'varna.db'}"
    container = build(
        Settings(database_url=url, secret_key=TEST_SECRET, keystore_url=keystore_url_for(url))  # type: ignore[arg-type]
    )
    container.upgrade_schema()
    customer = add_customer(container, 1, terminated_on=None)
    container.close()
    org = str(customer.organisation_id)
    first = varna(url, "retention", "instruct", "--customer", org, "--usage-days", "90", "--json")
    second = varna(
        url,
        *("retention", "instruct", "--customer", org, "--usage-days", "30"),
        *("--action", "anonymise", "--location-days", "7", "--reference", "DPA-2026-004"),
        *("--after-contract-days", "30"),
        "--json",
    )
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    recorded = json.loads(second.stdout)
    assert {k: recorded[k] for k in ("customer_id", "version", "usage_days", "action")} == {
        "customer_id": customer.organisation_id,
        "version": 2,
        "usage_days": 30,
        "action": "anonymise",
    }
    assert (recorded["location_days"], recorded["reference"]) == (7, "DPA-2026-004")
    assert recorded["after_contract_days"] == 30  # its processor data, after the contract
    assert history_of(url, org)[0]["after_contract_days"] is None  # version 1: the default
    history = json.loads(
        varna(url, "retention", "instructions", "--customer", org, "--json").stdout
    )
    assert [v["version"] for v in history] == [1, 2]
    in_force = json.loads(varna(url, "retention", "instructions", "--json").stdout)
    assert [(i["customer_id"], i["version"]) for i in in_force] == [(customer.organisation_id, 2)]

    refused = varna(url, "retention", "instruct", "--customer", org, "--usage-days", "0")
    too_long = varna(
        url,
        *("retention", "instruct", "--customer", org, "--usage-days", "30"),
        *("--after-contract-days", "-1"),
    )
    assert too_long.returncode == 1 and "--after-contract-days" in too_long.stderr
    unknown = varna(url, "retention", "instruct", "--customer", "999", "--usage-days", "30")
    assert refused.returncode == 1 and "--usage-days" in refused.stderr
    assert unknown.returncode == 1 and "--customer 999" in unknown.stderr
    history = json.loads(
        varna(url, "retention", "instructions", "--customer", org, "--json").stdout
    )
    assert len(history) == 2  # refused instructions changed nothing
