"""audit chain: each audit entry carries its lane, its position in the lane, the previous
entry's hash and its own (R6, A1, G3); each lane's head; checkpoints (per lane) for entries
removed by retention; the database refuses changes to entries and deletions no checkpoint covers

The entries already written are chained here in lane 0, in id order.

Revision ID: 0026
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from varna.domain.audit_chain import GENESIS, entry_hash

revision = "0026"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 10_000
LANES = 8  # the independent chains (domain/audit_chain.py LANES): one head row each

_PG_ROWS = """
SELECT id, CAST(at AT TIME ZONE 'UTC' AS text), actor, action, target, details::text
FROM audit_events WHERE id > :after ORDER BY id LIMIT :n
"""
_SQLITE_ROWS = """
SELECT id, at, actor, action, target, details
FROM audit_events WHERE id > :after ORDER BY id LIMIT :n
"""

_PG_TRIGGERS = (
    """
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.seq <= (
            SELECT coalesce(max(through_seq), 0) FROM audit_checkpoints WHERE lane = OLD.lane
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
)
_PG_DROP = (
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints",
    "DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
)
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    WHEN OLD.seq > coalesce(
        (SELECT max(through_seq) FROM audit_checkpoints WHERE lane = OLD.lane), 0)
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END""",
    """CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END""",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
    "DROP TRIGGER IF EXISTS audit_checkpoints_no_update",
    "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete",
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("lane", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(f"lane >= 0 AND lane < {LANES}", name=op.f("ck_audit_chain_head_lanes")),
        sa.PrimaryKeyConstraint("lane", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lane", sa.Integer(), nullable=False),
        sa.Column("through_seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("entries_removed", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
        sa.UniqueConstraint("lane", "through_seq", name=op.f("uq_audit_checkpoints_lane")),
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("lane", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    seq, prev = _chain_existing()
    op.get_bind().execute(
        sa.text("INSERT INTO audit_chain_head (lane, seq, hash) VALUES (:lane, :seq, :hash)"),
        [{"lane": 0, "seq": seq, "hash": prev}]
        + [{"lane": lane, "seq": 0, "hash": GENESIS} for lane in range(1, LANES)],
    )

    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_events_lane"), ["lane", "seq"])
    for statement in _PG_TRIGGERS if _postgres() else _SQLITE_TRIGGERS:
        op.execute(statement)


def _chain_existing() -> tuple[int, str]:
    """Chain the entries already written, in id order, in lane 0; its head's position and
    hash."""
    bind = op.get_bind()
    if _postgres():
        bind.execute(sa.text("SET LOCAL DateStyle = 'ISO'"))  # the form the times are hashed in
    read = sa.text(_PG_ROWS if _postgres() else _SQLITE_ROWS)
    write = sa.text(
        "UPDATE audit_events SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id"
    )
    seq, prev, after = 0, GENESIS, 0
    while rows := bind.execute(read, {"after": after, "n": BATCH}).all():
        chained = []
        for row_id, at, actor, action, target, details in rows:
            seq += 1
            digest = entry_hash(prev, 0, seq, at, actor, action, target, details)
            chained.append({"id": row_id, "seq": seq, "prev": prev, "hash": digest})
            prev, after = digest, row_id
        bind.execute(write, chained)
    return seq, prev


def downgrade() -> None:
    for statement in _PG_DROP if _postgres() else _SQLITE_DROP:
        op.execute(statement)
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_lane"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
        batch.drop_column("lane")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_head")
