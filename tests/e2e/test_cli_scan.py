"""``varna scan``: the real command over a file, stdin and the stored text (P4, C2, C3)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy import insert

from tests.e2e.helpers import VARNA, env_for, varna
from tests.factories import NOW
from varna.adapters.db.tables import support_tickets, ticket_messages
from varna.bootstrap import Container

TEXT = "Hej,\r\nkort 4111 1111 1111 1111, mejl anna@example.com. Jag är sjukskriven.\n"


def test_p4_scan_file_json_gives_character_offsets(tmp_path: Path) -> None:
    """P4: --json prints exactly the findings with character offsets into the input."""
    path = tmp_path / "ticket.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    result = varna(f"sqlite:///{tmp_path / 'unused.db'}", "scan", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["findings"]
    spans = {f["type"]: TEXT[f["start"] : f["end"]] for f in data["findings"]}
    assert spans == {
        "card": "4111 1111 1111 1111",
        "email": "anna@example.com",
        "special:health": "sjukskriven",
    }
    assert all(set(f) == {"type", "start", "end", "confidence"} for f in data["findings"])


def test_c2_scan_stdin_table_never_prints_the_number(tmp_path: Path) -> None:
    """C2: the table shows type, span and confidence, not the matched text."""
    result = subprocess.run(  # noqa: S603
        [VARNA, "scan", "-"],
        input=TEXT.encode("utf-8"),
        env=env_for(f"sqlite:///{tmp_path / 'unused.db'}"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "card" in out and "special:health" in out
    assert "4111 1111" not in out and "anna@example.com" not in out


def test_scan_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = varna(f"sqlite:///{tmp_path / 'unused.db'}", "scan", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_p4_scan_stored_reports_counts_only(container: Container) -> None:
    """P4, C3: the sweep over stored text reports counts by table, column and type."""
    with container.engine.begin() as conn:
        ticket = conn.execute(
            insert(support_tickets)
            .values(subject="Faktura", status="open", opened_at=NOW)
            .returning(support_tickets.c.id)
        ).scalar_one()
        conn.execute(
            insert(ticket_messages),
            [
                {"ticket_id": ticket, "body": "Jag är gravid.", "sent_at": NOW},
                {"ticket_id": ticket, "body": "Ring 070-174 06 05.", "sent_at": NOW},
            ],
        )
    url = container.settings.database_url
    result = varna(url, "scan", "stored", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    body = next(c for c in data["columns"] if c["column"] == "body")
    assert body == {
        "table": "ticket_messages",
        "column": "body",
        "rows": 2,
        "rows_with_findings": 2,
        "findings": {"phone": 1, "special:health": 1},
    }
    table = varna(url, "scan", "stored")
    assert table.returncode == 0, table.stderr
    assert "ticket_messages" in table.stdout and "gravid" not in table.stdout
