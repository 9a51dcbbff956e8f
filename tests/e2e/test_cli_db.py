"""``varna db upgrade`` on both stores, and what a user sees without a usable secret."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.helpers import VARNA, env_for, varna


def test_db_upgrade_creates_the_schema_and_is_repeatable(database_url: str) -> None:
    first = varna(database_url, "db", "upgrade", "--json")
    again = varna(database_url, "db", "upgrade", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["revision"]
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_placeholder_secret_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    env = env_for(f"sqlite:///{tmp_path / 'v.db'}", VARNA_SECRET_KEY="change-me")
    result = subprocess.run(
        [VARNA, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert "VARNA_SECRET_KEY" in result.stderr
    assert "change-me" not in result.stderr
