"""``varna demo`` on SQLite and PostgreSQL: builds, is deterministic, refuses a second build."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.subject_factories import subject_context
from varna.adapters.db.demo_store import BUSINESS_TABLES
from varna.adapters.db.tables import (
    disclosures,
    organisations,
    payments,
    people,
    sim_end_users,
    sims,
)
from varna.bootstrap import Container
from varna.domain.subjects.keys import normalise
from varna.entrypoints.cli.main import app
from varna.services.demo.build import DemoCommand, DemoRefused, DemoResult, build_demo
from varna.services.subjects.extract import build_extract

AS_OF = date(2026, 3, 1)
CLI_ARGS = [
    "demo",
    "--size",
    "small",
    "--seed",
    "5",
    "--as-of",
    "2026-03-01",
    "--no-serve",
    "--json",
]


def _build(container: Container, *, seed: int = 3, reset: bool = False) -> DemoResult:
    return build_demo(
        container.uow(),
        DemoCommand("small", seed, AS_OF, reset=reset),
        actor="test",
        clock=container.clock,
    )


def test_small_build_fills_every_business_table(container: Container) -> None:
    result = _build(container)
    assert set(result.tables) == {table.name for table in BUSINESS_TABLES}
    assert all(rows > 0 for rows in result.tables.values()), result.tables
    with container.engine.connect() as conn:
        for table in BUSINESS_TABLES:
            stored = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert stored == result.tables[table.name]


def test_samples_exist_in_the_database(container: Container) -> None:
    samples = _build(container).samples
    assert all(len(values) == 5 for values in (samples.emails, samples.iccids, samples.msisdns))
    assert samples.customers
    with container.engine.connect() as conn:
        stored_emails = set(conn.execute(select(people.c.email)).scalars())
        stored_sims = {row.iccid: row.msisdn for row in conn.execute(select(sims))}
        names = set(conn.execute(select(organisations.c.name)).scalars())
        references = set(conn.execute(select(sim_end_users.c.end_user_ref)).scalars())
        cards = conn.execute(select(payments.c.card_last4).where(payments.c.method == "card"))
        last4 = list(cards.scalars())
    assert set(samples.emails) <= stored_emails
    assert set(samples.iccids) <= stored_sims.keys()
    assert set(samples.msisdns) <= set(stored_sims.values())
    assert set(samples.customers) <= names
    assert samples.end_user_refs and set(samples.end_user_refs) <= references
    assert last4 and all(re.fullmatch(r"\d{4}", value) for value in last4)


def test_a_second_build_is_refused_and_reset_rebuilds_the_same(container: Container) -> None:
    first = _build(container)
    with pytest.raises(DemoRefused):
        _build(container)
    assert _build(container, reset=True) == first

    # After the build, the stores hand out ids after the demo's own.
    with container.engine.begin() as conn:
        new_id = conn.execute(
            organisations.insert()
            .values(
                kind="customer",
                name="Ny Kund AB",
                source="crm",
                created_at=datetime(2026, 3, 2, tzinfo=UTC),
            )
            .returning(organisations.c.id)
        ).scalar_one()
    assert new_id == first.tables["organisations"] + 1


def test_cli_prints_the_documented_json_and_refuses_a_second_build(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VARNA_DATABASE_URL", container.settings.database_url)
    runner = CliRunner()
    result = runner.invoke(app, CLI_ARGS)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {"tables", "samples"}
    assert set(report["samples"]) == {"emails", "iccids", "msisdns", "customers", "end_user_refs"}
    assert all(report["tables"][table.name] > 0 for table in BUSINESS_TABLES)

    again = runner.invoke(app, CLI_ARGS)
    assert again.exit_code == 1
    assert "already holds business data" in again.stderr
    assert again.stdout == ""

    rebuilt = runner.invoke(app, [*CLI_ARGS, "--reset"])
    assert rebuilt.exit_code == 0, rebuilt.output
    again_report = json.loads(rebuilt.stdout)
    assert again_report["samples"] == report["samples"]
    assert again_report["tables"] == report["tables"]


def test_d1_d4_the_demo_holds_a_sole_trader_and_credit_check_disclosures(
    container: Container,
) -> None:
    """A sole trader (its organisationsnummer is its owner's personnummer) whose extract
    holds the firm's records, and credit checks in the disclosure log, so that the register
    extract's recipients and the Art. 19 notices have something to show."""
    _build(container)
    with container.engine.connect() as conn:
        firm = conn.execute(
            select(organisations.c.id, organisations.c.orgnr)
            .where(organisations.c.name.like("%(enskild firma)"))
            .order_by(organisations.c.id)
        ).first()
        # encrypted: compared once read (a lookup by value compares a blind index)
        numbers = conn.execute(select(people.c.personnummer)).scalars().all()
        owners = [n for n in numbers if firm and n and n[2:] == firm.orgnr.replace("-", "")]
        owner = owners[0] if len(owners) == 1 else None
        checks = conn.execute(select(func.count()).select_from(disclosures)).scalar_one()
    assert firm is not None and owner is not None
    assert checks > 0
    keys = (normalise("personnummer", owner, today=AS_OF),)
    bundle = build_extract(
        subject_context(container, clock=container.clock, secret=b"test-secret"), keys, actor="test"
    ).bundle
    company = [b for b in bundle["data"].get("company_data", []) if b["table"] == "organisations"]
    assert [row[0] for block in company for row in block["rows"]] == [firm.id]
    assert any(r["id"] == "credit_reference_agency" for r in bundle["recipients"])
