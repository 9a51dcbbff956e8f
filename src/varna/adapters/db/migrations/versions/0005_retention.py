"""retention: sweep runs and batches, legitimate-interest decisions, the evidence vault and
its read log, anonymised daily usage totals

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("due_rows", sa.BigInteger(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'finished')", name=op.f("ck_retention_runs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    _index("retention_runs", "as_of")
    op.create_table(
        "retention_batches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_retention_batches_run_id_retention_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_batches")),
    )
    _index("retention_batches", "run_id")
    op.create_table(
        "legitimate_interest_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legitimate_interest_decisions")),
    )
    _index("legitimate_interest_decisions", "category")
    op.create_table(
        "evidence_vault",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("source_table", sa.String(64), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("moved_at", TZ, nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["legal_holds.id"], name=op.f("fk_evidence_vault_hold_id_legal_holds")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_evidence_vault_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_evidence_vault_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["retention_runs.id"], name=op.f("fk_evidence_vault_run_id_retention_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_vault")),
    )
    _index("evidence_vault", "hold_id", "person_id", "organisation_id", "end_date")
    op.create_table(
        "evidence_vault_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_vault_reads")),
    )
    _index("evidence_vault_reads", "entry_id")
    op.create_table(
        "usage_daily_totals",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mcc", sa.String(3), nullable=False),
        sa.Column("sessions", sa.BigInteger(), nullable=False),
        sa.Column("sims", sa.Integer(), nullable=False),
        sa.Column("bytes_up", sa.BigInteger(), nullable=False),
        sa.Column("bytes_down", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_daily_totals")),
    )
    _index("usage_daily_totals", "customer_id", "day")


def downgrade() -> None:
    for table in (
        "usage_daily_totals",
        "evidence_vault_reads",
        "evidence_vault",
        "legitimate_interest_decisions",
        "retention_batches",
        "retention_runs",
    ):
        op.drop_table(table)
