"""The README's commands in order: build the demo, then serve it and run a command on it,
with no secret and no VARNA_DEMO in the environment; a database the demo did not build still
refuses a placeholder secret (G3: the privacy center of the demo is reachable; D8: the keyed
hashes of a real database never run on a known key)."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import text

from tests.e2e.helpers import running_server, varna
from varna.adapters.db.engine import make_engine

pytestmark = pytest.mark.e2e


def test_g3_the_demo_database_serves_again_without_settings(empty: str) -> None:
    """G3: after `varna demo --size small --no-serve` (what scripts/demo runs), `varna serve`
    and the CLI work on that database with no VARNA_SECRET_KEY or VARNA_DEMO (they refused
    to start: the secret is a placeholder)."""
    built = varna(empty, "demo", "--reset", "--size", "small", "--no-serve", "--json", secret=None)
    assert built.returncode == 0, built.stderr
    email = json.loads(built.stdout)["samples"]["emails"][0]

    with running_server(empty, secret=None) as base:
        assert httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200
        assert httpx.get(f"{base}/privacy/requests", timeout=10).status_code == 200
    found = varna(empty, "subject", "find", "--email", email, "--json", secret=None)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["person_ids"]


def test_d8_a_database_the_demo_did_not_build_refuses_a_placeholder_secret(empty: str) -> None:
    """D8: the marker is the demo's alone: a database made by `varna db upgrade` (or one
    whose demo marker is gone) still refuses a placeholder or missing secret."""
    assert varna(empty, "db", "upgrade").returncode == 0
    for secret in (None, "change-me"):
        result = varna(empty, "requests", "list", secret=secret)
        assert result.returncode == 2
        assert "VARNA_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(RuntimeError, match="VARNA_SECRET_KEY"), running_server(empty, secret=None):
        pass

    built = varna(empty, "demo", "--size", "small", "--no-serve", secret=None)
    assert built.returncode == 0, built.stderr
    engine = make_engine(empty)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM demo_marker"))
    engine.dispose()
    assert varna(empty, "requests", "list", secret=None).returncode == 2
