"""privacy events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("finding_type", sa.String(length=40), nullable=False),
        sa.Column("source_table", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_events")),
    )
    op.create_index(op.f("ix_privacy_events_at"), "privacy_events", ["at"], unique=False)
    op.create_index(op.f("ix_privacy_events_kind"), "privacy_events", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_privacy_events_kind"), table_name="privacy_events")
    op.drop_index(op.f("ix_privacy_events_at"), table_name="privacy_events")
    op.drop_table("privacy_events")
