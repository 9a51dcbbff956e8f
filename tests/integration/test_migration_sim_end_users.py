"""Migration 0017 moves each SIM's end-user reference into ``sim_end_users`` with the data
already stored, and the downgrade moves it back (D4: an erasure deletes the reference)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from varna.adapters.db.migrate import alembic_config, upgrade
from varna.bootstrap import build
from varna.config import Settings

SIMS = (
    "INSERT INTO sims (id, iccid, imsi, status, customer_id, end_user_ref, created_at) VALUES"
    " (1, '89469990000000000001', '240990000000001', 'activated', 1, 'kund-7@example.com',"
    "  '2026-01-01 00:00:00+00'),"
    " (2, '89469990000000000002', '240990000000002', 'activated', 1, NULL,"
    "  '2026-01-01 00:00:00+00')"
)


def test_d4_the_upgrade_moves_end_user_references_and_the_downgrade_restores_them(
    settings: Settings,
) -> None:
    container = build(settings.model_copy(update={"database_role": ""}))  # as the owner
    engine = container.engine
    try:
        if settings.is_postgres:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organisations (id, kind, name, source, created_at)"
                    " VALUES (1, 'customer', 'Kund AB', 'manual',"
                    " '2026-01-01 00:00:00+00')"
                )
            )
            conn.execute(text(SIMS))
        upgrade(engine)
        with engine.connect() as conn:
            moved = conn.execute(text("SELECT sim_id, end_user_ref FROM sim_end_users")).all()
        assert [tuple(row) for row in moved] == [(1, "kund-7@example.com")]
        assert "end_user_ref" not in {c["name"] for c in inspect(engine).get_columns("sims")}
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")  # 0017 and what builds on it (0018, 0020, 0022)
        with engine.connect() as conn:
            back = conn.execute(text("SELECT id, end_user_ref FROM sims ORDER BY id")).all()
        assert [tuple(row) for row in back] == [(1, "kund-7@example.com"), (2, None)]
        assert "sim_end_users" not in inspect(engine).get_table_names()
    finally:
        container.close()
