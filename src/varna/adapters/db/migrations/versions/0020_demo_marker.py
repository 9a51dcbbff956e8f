"""demo: the marker `varna demo` writes into the database it builds

A database with a row in ``demo_marker`` holds the synthetic demo data set; commands run on it
in demo mode (a placeholder secret allowed) without VARNA_DEMO in the environment.

Revision ID: 0020
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_marker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.String(16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_marker")),
    )


def downgrade() -> None:
    op.drop_table("demo_marker")
