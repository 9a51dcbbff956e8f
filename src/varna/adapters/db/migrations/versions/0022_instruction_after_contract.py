"""retention: the controller's instruction may say how long its processor data stays after its
contracts end (A2, GDPR Art. 28(3)(g)); empty: the catalogue's processor rule (365 days)

Revision ID: 0022
Revises: 0017
Depends on: 0015 (the instructions table)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0017"
branch_labels = None
depends_on = ("0015",)


def upgrade() -> None:
    with op.batch_alter_table("controller_instructions") as batch:
        batch.add_column(sa.Column("after_contract_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("controller_instructions") as batch:
        batch.drop_column("after_contract_days")
