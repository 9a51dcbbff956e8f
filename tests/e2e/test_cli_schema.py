"""Only ``varna db upgrade`` (and the demo, on its own database) changes the schema; every
other command, and ``varna serve``, stops with a message when the schema is empty, behind or
newer than this varna (A1: the catalogue describes the schema this varna knows)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.conftest import TEST_SECRET
from tests.e2e.helpers import VARNA, env_for, free_port, varna
from varna.adapters.db import migrate
from varna.adapters.db.engine import make_engine

pytestmark = pytest.mark.e2e
UPGRADE = "varna db upgrade"


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    engine: Engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def serve_exits(url: str) -> subprocess.CompletedProcess[str]:
    """``varna serve`` that is expected to stop at once."""
    return subprocess.run(
        [VARNA, "serve", "--port", str(free_port())],
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a1_commands_on_an_empty_database_create_nothing(empty: str, tmp_path: Path) -> None:
    """A1: every command migrated the database it was pointed at (production included); now
    a read-only command on an empty database says to run `varna db upgrade` and creates
    nothing, and `varna serve` refuses too."""
    for args in (
        ["requests", "list", "--json"],
        ["subject", "find", "--email", "a@example.com"],
        ["retention", "run", "--dry-run"],
        ["scan", "stored"],
    ):
        result = varna(empty, *args)
        assert result.returncode == 1, result.stderr
        assert UPGRADE in result.stderr and "Traceback" not in result.stderr
    served = serve_exits(empty)
    assert served.returncode == 1 and UPGRADE in served.stderr
    if empty.startswith("sqlite"):
        assert list(tmp_path.glob("*.db*")) == []  # not even an empty file
    else:
        assert tables(empty) == set()

    assert varna(empty, "db", "upgrade").returncode == 0
    listed = varna(empty, "requests", "list", "--json")
    assert listed.returncode == 0, listed.stderr


def test_a1_a_schema_behind_is_refused_and_left_as_it_is(empty: str) -> None:
    """A1: a schema an older varna left is not upgraded behind the operator's back."""
    engine = make_engine(empty)
    try:
        migrate.upgrade(engine, "0001")
    finally:
        engine.dispose()

    result = varna(empty, "subject", "find", "--email", "a@example.com", "--json")
    served = serve_exits(empty)

    assert result.returncode == 1 and "behind" in result.stderr and UPGRADE in result.stderr
    assert served.returncode == 1 and "behind" in served.stderr
    assert revision(empty) == "0001"


def test_a1_a_schema_from_a_newer_varna_is_refused(empty: str) -> None:
    """A1: a revision this varna does not know (a newer varna wrote it) is named, not
    'upgraded'."""
    assert varna(empty, "db", "upgrade").returncode == 0
    engine = make_engine(empty)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999')"))
    finally:
        engine.dispose()
    result = varna(empty, "requests", "list")
    assert result.returncode == 1 and "newer" in result.stderr
    assert "9999" in (revision(empty) or "")


def test_a1_the_placeholder_refusal_comes_before_any_database_work(tmp_path: Path) -> None:
    """A1: with a placeholder secret nothing is opened or created (no SQLite file)."""
    url = f"sqlite:///{tmp_path / 'v.db'}"
    result = varna(url, "requests", "list", secret="change-me")
    assert result.returncode == 2 and "VARNA_SECRET_KEY" in result.stderr
    assert not (tmp_path / "v.db").exists()
    assert TEST_SECRET not in result.stderr
