"""retention: the controllers' instructions on their usage data (A2), versioned

Revision ID: 0015
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "controller_instructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("usage_days", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("location_days", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(120), nullable=True),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('delete', 'anonymise')", name=op.f("ck_controller_instructions_action")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["organisations.id"],
            name=op.f("fk_controller_instructions_customer_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controller_instructions")),
        sa.UniqueConstraint(
            "customer_id", "version", name=op.f("uq_controller_instructions_customer_id")
        ),
    )
    op.create_index(
        op.f("ix_controller_instructions_customer_id"), "controller_instructions", ["customer_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_controller_instructions_customer_id"), "controller_instructions")
    op.drop_table("controller_instructions")
