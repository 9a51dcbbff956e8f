"""subjects: a SIM's end-user reference in a table of its own (D4)

The customer's reference for the end user of a SIM (``sims.end_user_ref``) names a person.
Erasing it updated the SIM row, and since the column was indexed the update wrote a new entry
in each of the table's seven indexes: for a company's 50 SIMs it cost about as much as
deleting their 2,500 usage records. In ``sim_end_users`` (one row per SIM that has a
reference) erasing it is a DELETE, which writes no index entry. The SIM keeps its row; the
subject walk finds it through this table (a ``named_by`` link in the catalogue).

The references move with the upgrade, in the same transaction; the downgrade moves them back.

Revision ID: 0017
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sim_end_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("end_user_ref", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["sim_id"], ["sims.id"], name=op.f("fk_sim_end_users_sim_id_sims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sim_end_users")),
        sa.UniqueConstraint("sim_id", name=op.f("uq_sim_end_users_sim_id")),
    )
    op.execute(
        "INSERT INTO sim_end_users (sim_id, end_user_ref)"
        " SELECT id, end_user_ref FROM sims WHERE end_user_ref IS NOT NULL ORDER BY id"
    )
    op.create_index(op.f("ix_sim_end_users_end_user_ref"), "sim_end_users", ["end_user_ref"])
    op.drop_index(op.f("ix_sims_end_user_ref"), "sims")
    # SQLite (3.35 and later) drops the column in place: a batch copy of ``sims`` would drop
    # the table that devices and usage records point at
    op.execute("ALTER TABLE sims DROP COLUMN end_user_ref")


def downgrade() -> None:
    op.add_column("sims", sa.Column("end_user_ref", sa.String(length=120), nullable=True))
    op.create_index(op.f("ix_sims_end_user_ref"), "sims", ["end_user_ref"])
    op.execute(
        "UPDATE sims SET end_user_ref = (SELECT s.end_user_ref FROM sim_end_users s"
        " WHERE s.sim_id = sims.id)"
    )
    op.drop_index(op.f("ix_sim_end_users_end_user_ref"), "sim_end_users")
    op.drop_table("sim_end_users")
