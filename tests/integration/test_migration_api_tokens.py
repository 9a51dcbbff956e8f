"""Migration 0024 adds ``api_tokens`` (with its role check and the unique hash) and its
downgrade removes it, on both stores (R6)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from varna.adapters.db.migrate import alembic_config, upgrade
from varna.bootstrap import Container

ROW = (
    "INSERT INTO api_tokens (label, role, token_hash, created_at) "
    "VALUES ('export', :role, :hash, '2026-12-01 00:00:00+00')"
)


def test_r6_migration_0024_adds_api_tokens_and_the_downgrade_removes_them(
    container: Container, owner_engine: Engine
) -> None:
    engine = container.engine
    with engine.begin() as conn:
        conn.execute(text(ROW), {"role": "auditor", "hash": "a" * 64})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one hash, one token
        conn.execute(text(ROW), {"role": "support", "hash": "a" * 64})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # no role outside the five
        conn.execute(text(ROW), {"role": "root", "hash": "b" * 64})
    command.downgrade(alembic_config(owner_engine), "0024-1")  # as the owner
    assert "api_tokens" not in inspect(engine).get_table_names()
    upgrade(owner_engine)
    assert "api_tokens" in inspect(engine).get_table_names()
