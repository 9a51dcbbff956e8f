"""api_tokens: bearer tokens for the API, one role each (and the customer a controller's
admin acts for); only a keyed hash of each token is stored (R6, A1-A3)

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
ROLES = ("privacy_officer", "support", "billing", "auditor", "controller_admin")


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column(
            "controller_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_api_tokens_controller_id_organisations"),
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ),
        sa.Column("revoked_at", TZ),
        sa.Column("last_used_at", TZ),
        sa.CheckConstraint(
            "role IN ({})".format(", ".join(f"'{role}'" for role in ROLES)),
            name="ck_api_tokens_role",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_controller_id", "api_tokens", ["controller_id"])


def downgrade() -> None:
    op.drop_index("ix_api_tokens_controller_id", table_name="api_tokens")
    op.drop_table("api_tokens")
