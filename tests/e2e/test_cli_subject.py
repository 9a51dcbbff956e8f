"""``varna subject`` through the real binary (D1, D4, A3): JSON output, exit codes, files."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.e2e.helpers import VARNA, env_for, varna
from tests.mail_server import Inbox, smtp_server
from tests.subject_factories import NOW, build_world
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e


def test_d1_d4_cli_find_export_erase(container: Container, tmp_path: Path) -> None:
    url = container.settings.database_url
    world = build_world(container)
    found = varna(url, "subject", "find", "--email", "Anna.Berg@Example.com", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["person_ids"] == [world.anna_id]

    out = tmp_path / "extract"
    export = varna(url, "subject", "export", "--phone", "0701234567", "--out", str(out), "--json")
    assert export.returncode == 0, export.stderr
    bundle = json.loads((out / "extract.json").read_text(encoding="utf-8"))
    assert bundle["schema"] == "varna.extract/v1" and bundle["complaint"]["short_name"] == "IMY"
    with zipfile.ZipFile(out / "extract-csv.zip") as archive:
        assert "email.csv" in archive.namelist()
    assert (out / "extract.sv.pdf").read_bytes().startswith(b"%PDF")
    assert "Integritetsskyddsmyndigheten" in (out / "extract.sv.html").read_text("utf-8")

    dry = varna(url, "subject", "erase", "--email", "anna.berg@example.com", "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["run_id"] is None
    erased = varna(url, "subject", "erase", "--email", "anna.berg@example.com", "--json")
    outcome = json.loads(erased.stdout)
    kept = [c for c in outcome["categories"] if c["exception"] == "bookkeeping"]
    assert kept and kept[0]["until"] == "2032-12-31"  # R4


def test_cli_refuses_a_malformed_identifier_without_echoing_it(container: Container) -> None:
    url = container.settings.database_url
    result = varna(url, "subject", "find", "--personnummer", "19850412-1231")
    assert result.returncode == 1
    assert "personnummer" in result.stderr and "check digit" in result.stderr
    assert "19850412" not in result.stderr
    empty = varna(url, "subject", "find", "--email", "nobody@example.com", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout)["found"] is False


def test_a3_cli_executes_a_controller_instruction(container: Container) -> None:
    url = container.settings.database_url
    world = build_world(container)
    result = varna(
        url,
        "subject",
        "erase",
        "--iccid",
        world.anna_iccids[0],
        "--controller-instruction",
        "DPA-ORDER-7",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changed"]["usage_records"] == world.usage_per_sim
    refused = varna(
        url, "subject", "erase", "--email", "anna.berg@example.com", "--controller-instruction", "X"
    )
    assert refused.returncode == 1 and "names SIMs" in refused.stderr


def test_a3_cli_finds_sims_by_end_user_reference_and_an_instruction_erases_it(
    container: Container,
) -> None:
    """A3, D1: ``--end-user-ref`` finds the SIMs whose customer named that end user (their
    reference kept in sim_end_users), their usage too; the controller's instruction for one
    of them deletes its reference and usage, and the SIM stays the customer's."""
    url = container.settings.database_url
    world = build_world(container)

    def tables(*option: str) -> dict[str, int]:
        found = varna(url, "subject", "find", *option, "--json")
        assert found.returncode == 0, found.stderr
        return {t["table"]: t["rows"] for t in json.loads(found.stdout)["tables"]}

    by_reference = ("--end-user-ref", "anna.berg@example.com")
    assert tables(*by_reference) == {
        "sims": 2,
        "sim_end_users": 2,
        "usage_records": 2 * world.usage_per_sim,
    }
    erased = varna(
        url,
        "subject",
        "erase",
        "--iccid",
        world.anna_iccids[0],
        "--controller-instruction",
        "DPA-ORDER-8",
        "--json",
    )
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["changed"]["sim_end_users"] == 1
    assert tables(*by_reference) == {
        "sims": 1,
        "sim_end_users": 1,
        "usage_records": world.usage_per_sim,
    }
    assert tables("--iccid", world.anna_iccids[0]) == {"sims": 1}


def test_d4_cli_notify_sends_the_art19_notices_once(container: Container) -> None:
    """D4, Art. 19: ``varna subject notify --json`` sends the erasure's notices by SMTP (a real
    aiosmtpd server); a second run sends nothing."""
    url = container.settings.database_url
    world = build_world(container)
    with container.uow() as uow:
        uow.rights.record_disclosure("credit_reference_agency", world.anna_id, ["name"], NOW)
        uow.commit()
    erased = varna(url, "subject", "erase", "--email", "anna.berg@example.com", "--json")
    assert json.loads(erased.stdout)["notices_queued"] >= 1, erased.stderr
    with smtp_server(Inbox()) as (port, inbox):
        env = env_for(url, VARNA_SMTP_HOST="127.0.0.1", VARNA_SMTP_PORT=str(port))
        command = [VARNA, "subject", "notify", "--json"]
        first, again = (
            subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            for _ in range(2)
        )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["by_kind"]["art19_erasure"] == 1
    assert json.loads(again.stdout)["sent"] == 0
    assert [m["To"] for m in inbox.messages] == ["privacy@credit-reference-agency.example.com"]
