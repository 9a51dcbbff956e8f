"""Migration 0026 chains the audit entries already written, in id order, on SQLite and
PostgreSQL (R6: an existing log is tamper-evident from the upgrade on), and the downgrade
takes the chain away again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from varna.adapters.db.migrate import alembic_config, upgrade
from varna.bootstrap import build
from varna.config import Settings
from varna.domain.audit_chain import LANES

ENTRY = (
    "INSERT INTO audit_events (at, actor, action, target, details) VALUES "
    "(:at, 'cli', 'subject.find', :target, :details)"
)


def test_r6_the_upgrade_chains_the_entries_already_written(settings: Settings) -> None:
    container = build(settings)
    engine = container.owner_engine()  # migrations run as the owner
    try:
        if settings.is_postgres:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine, "0006")
        at = "2025-01-0{} 10:00:00" + ("+00" if settings.is_postgres else "")
        with engine.begin() as conn:
            for i in range(1, 6):
                details = f'{{"tables": {i}, "words": ["å", "ö"]}}'
                target = None if i == 3 else f"person:{i}"
                conn.execute(
                    text(ENTRY), {"at": at.format(i), "target": target, "details": details}
                )
        upgrade(engine)
        verdict = container.verify_audit_chain()
        assert verdict.ok and verdict.entries == verdict.head_seq == 5
        assert [one.lane for one in verdict.lanes] == list(range(LANES))  # one head each
        with engine.begin() as conn:
            if settings.is_postgres:
                conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            else:
                conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("UPDATE audit_events SET target = 'person:9' WHERE seq = 2"))
        broken = container.verify_audit_chain().first_broken
        assert broken is not None and broken.seq == 2
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0028@-1")  # the application role's rights first
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0026@-1")
        columns = {c["name"] for c in inspect(engine).get_columns("audit_events")}
        assert not columns & {"seq", "prev_hash", "hash"}
        assert "audit_chain_head" not in inspect(engine).get_table_names()
    finally:
        if engine is not container.engine:
            engine.dispose()
        container.close()
