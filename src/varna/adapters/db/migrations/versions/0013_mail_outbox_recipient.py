"""mail outbox for every message: a recipient column, and person and unsubscribe link
optional, so that request mails (codes, answers, controller notices) land there when no SMTP
server is configured

Revision ID: 0013
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("recipient", sa.String(320), nullable=True))
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("unsubscribe_url", existing_type=sa.String(300), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM mail_outbox WHERE person_id IS NULL OR unsubscribe_url IS NULL")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("unsubscribe_url", existing_type=sa.String(300), nullable=False)
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("recipient")
