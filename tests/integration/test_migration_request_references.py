"""Migration 0018 gives every stored request a fresh random reference (unique, not null), on
SQLite and PostgreSQL, and the downgrade takes the column away again (D1: no request is named
in public by its sequential number)."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import exc, inspect, text

from varna.adapters.db.migrate import alembic_config, upgrade
from varna.bootstrap import build
from varna.config import Settings

REQUEST = (
    "INSERT INTO subject_requests (id, kind, state, email, email_hmac, identifiers, language,"
    " received_at, due_date, extension_months) VALUES (:id, 'access', 'received',"
    " 'anna.berg@example.com', 'h', '{}', 'sv', '2026-01-01 00:00:00+00', '2026-02-01', 0)"
)


def test_d1_the_upgrade_gives_stored_requests_fresh_references(settings: Settings) -> None:
    """D1: existing requests get distinct 128-bit references; a duplicate is refused."""
    container = build(settings.model_copy(update={"database_role": ""}))  # as the owner
    engine = container.engine
    try:
        if settings.is_postgres:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine, "0006")
        with engine.begin() as conn:
            for request_id in (1, 2, 3):
                conn.execute(text(REQUEST), {"id": request_id})
        upgrade(engine)
        with engine.connect() as conn:
            ordered = text("SELECT reference FROM subject_requests ORDER BY id")
            found = list(conn.execute(ordered).scalars())
        assert len(found) == len(set(found)) == 3
        assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", r) for r in found)
        with pytest.raises(exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                text("UPDATE subject_requests SET reference = :r WHERE id = 2"), {"r": found[0]}
            )
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0018@-1")
        columns = {c["name"] for c in inspect(engine).get_columns("subject_requests")}
        assert "reference" not in columns
    finally:
        container.close()
