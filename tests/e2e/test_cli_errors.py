"""Bad input to the real ``varna`` command: a clear message naming the option, field or
line, exit 1 (refused) or 2 (bad usage), never a traceback, nothing half done."""

from __future__ import annotations

import io
import subprocess
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.e2e.helpers import VARNA, env_for, varna
from tests.factories import add_customer_with_sims
from tests.integration.test_ingest import HEADER, csv_rows, streamer_line
from varna.adapters.db.tables import audit_events, usage_records
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
HUGE = "99999999999999999999"  # past the 64-bit integers of both stores


def stored(container: Container) -> tuple[int, int]:
    with container.engine.connect() as conn:
        usage = conn.execute(select(func.count()).select_from(usage_records)).scalar_one()
        audit = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    return int(usage), int(audit)


def refused(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_p3_unreadable_usage_files_are_refused_by_line(
    container: Container, tmp_path: Path
) -> None:
    """P3: latin-1, UTF-16, binary, nested NDJSON and a 60 MB CSV field each ended in a
    traceback (UnicodeDecodeError, RecursionError, _csv.Error); now a message names the line,
    exit 1, nothing stored."""
    (iccid,) = add_customer_with_sims(container.engine, 1)
    url = container.settings.database_url
    files = {
        "latin1.csv": ("\n".join([HEADER, *csv_rows([iccid], 3), "Sverige åäö"]) + "\n").encode(
            "latin-1"
        ),
        "utf16.csv": ("\n".join([HEADER, *csv_rows([iccid], 3)]) + "\n").encode("utf-16"),
        "binary.csv": bytes(range(128, 256)) * 64,
        "nested.ndjson": (streamer_line(1, iccid) + "\n" + "[" * 100_000 + "\n").encode(),
        "nested-short.ndjson": (streamer_line(1, iccid) + "\n" + "[" * 50_000 + "\n").encode(),
        "field.csv": (HEADER + "\n" + ",".join(["7" * 60_000_000] + ["x"] * 7) + "\n").encode(),
    }
    lines = {"latin1.csv": 5, "utf16.csv": 1, "binary.csv": 1, "field.csv": 2}
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = varna(url, "ingest", "usage", str(path), "--json")
        refused(result, 1, f"line {lines.get(name, 2)}")
        assert result.stdout == ""
    assert stored(container) == (0, 0)


@pytest.mark.parametrize(
    "command",
    [
        ["subject", "find"],
        ["subject", "export", "--out", "extract"],
        ["subject", "erase"],
        ["subject", "restrict", "--reason", "contested"],
        ["subject", "unrestrict", "--reason", "settled"],
        ["subject", "object", "--purpose", "direct_marketing"],
        ["subject", "rectify", "--field", "full_name", "--value", "Ny"],
    ],
)
def test_d1_a_person_id_past_the_stores_range_is_a_usage_error(
    container: Container, command: list[str]
) -> None:
    """D1, D3, D4: --person-id 99999999999999999999 was an OverflowError (SQLite) or a
    DataError (PostgreSQL) traceback; now exit 2 naming the option, and nothing recorded."""
    result = varna(container.settings.database_url, *command, "--person-id", HUGE)
    refused(result, 2, "--person-id")
    assert stored(container) == (0, 0)


@pytest.mark.parametrize(
    "args",
    [
        ["retention", "run", "--as-of", "9999-12-31"],
        ["retention", "run", "--as-of", "0001-01-01", "--dry-run"],
        [
            "retention",
            "decide-interest",
            "--category",
            "name",
            "--reason",
            "r",
            "--end-date",
            "9999-12-31",
        ],
        ["retention", "reapprove-hold", "1", "--review-date", "0001-01-01"],
        ["consent", "expire", "--as-of", "9999-12-31"],
        ["demo", "--as-of", "0001-01-01", "--no-serve"],
    ],
)
def test_r2_dates_at_the_edges_of_the_calendar_are_usage_errors(
    container: Container, args: list[str]
) -> None:
    """R2: `varna retention run --as-of 9999-12-31` overflowed adding days (a traceback);
    every date option takes 1990-01-01 to 2999-12-31 and says so."""
    result = varna(container.settings.database_url, *args)
    option = next(a for a in args if a.startswith("--") and a.endswith(("of", "date")))
    refused(result, 2, option, "1990-01-01")


@pytest.mark.parametrize(
    "args",
    [
        ["requests", "show", HUGE],
        ["retention", "reapprove-hold", HUGE, "--review-date", "2027-01-01"],
        ["retention", "vault", "read", HUGE, "--role", "privacy_officer"],
        ["retention", "instructions", "--customer", HUGE],
        ["retention", "instruct", "--customer", HUGE, "--usage-days", "30"],
        ["retention", "run", "--batch-rows", HUGE],
        ["subject", "notify", "--limit", HUGE],
        [
            "subject",
            "rectify",
            "--email",
            "a@example.com",
            "--field",
            "full_name",
            "--value",
            "Ny",
            "--record-id",
            HUGE,
        ],
        ["serve", "--port", "99999"],
        ["worker", "--poll", "-1", "--once"],
    ],
)
def test_r6_numbers_past_what_the_stores_hold_are_usage_errors(
    container: Container, args: list[str]
) -> None:
    """R6, D1: ids, limits and ports past their range are refused before anything runs."""
    result = varna(container.settings.database_url, *args)
    refused(result, 2, "Invalid value")


def test_d1_unreadable_files_and_unwritable_directories_are_messages(
    container: Container, tmp_path: Path
) -> None:
    """D1, C5: a missing usage file, a template that is not UTF-8, and an extract directory
    that is a file or cannot be made are messages, not tracebacks."""
    url = container.settings.database_url
    refused(varna(url, "ingest", "usage", str(tmp_path / "missing.csv")), 2, "does not exist")
    template = tmp_path / "mail.txt"
    template.write_bytes("Subject: Nyheter\n\nHej å\n".encode("latin-1"))
    send = varna(url, "marketing", "send", "--purpose", "newsletter", "--template", str(template))
    refused(send, 2, "--template", "not UTF-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    as_file = varna(url, "subject", "export", "--email", "a@example.com", "--out", str(a_file))
    refused(as_file, 2, "--out")
    nowhere = varna(url, "subject", "export", "--email", "a@example.com", "--out", "/proc/x/y")
    refused(nowhere, 1, "--out")


def test_a1_an_unreachable_database_is_a_message(tmp_path: Path) -> None:
    """A1: a server that does not answer, or an SQLite file in a missing directory, is named
    as such (it was an OperationalError traceback), exit 1."""
    for url in (
        "postgresql://varna@127.0.0.1:1/varna",
        f"sqlite:///{tmp_path / 'missing' / 'v.db'}",
    ):
        result = subprocess.run(
            [VARNA, "db", "upgrade"],
            env=env_for(url),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        refused(result, 1, "cannot open the database")


def test_a1_an_unforeseen_error_is_reported_without_its_text() -> None:
    """A1: a bug still stops with exit 1 and a short message that names its type and
    place, never its text (which may hold personal data)."""
    from varna.entrypoints.cli.common import run_guarded

    def buggy() -> None:
        raise KeyError("anna.berg@example.com")

    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as stopped:
        run_guarded(buggy)
    assert stopped.value.code == 1
    assert "unexpected KeyError" in err.getvalue()
    assert "anna.berg" not in err.getvalue()


def test_g3_a_staff_password_that_is_not_utf8_is_a_usage_error(container: Container) -> None:
    """G3: `varna admin create --password-stdin` with a byte that is not UTF-8 was a
    UnicodeEncodeError traceback from the password hash; now exit 2 and no account."""
    result = subprocess.run(
        [VARNA, "admin", "create", "dpo@example.com", "--password-stdin"],
        input=b"a-long-password-\xff\n",
        env=env_for(container.settings.database_url),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert b"--password-stdin" in result.stderr and b"Traceback" not in result.stderr
    with container.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM staff_accounts")).scalar_one() == 0
