"""subject rights: restrictions, objections, suppression list, rectification history, legal
holds, disclosure log, notice outbox, erasure runs, requests routed to controllers

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _person_fk(table: str, nullable: bool = True) -> list[Any]:
    return [
        sa.Column("person_id", sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f(f"fk_{table}_person_id_people")
        ),
    ]


def _organisation_fk(table: str, nullable: bool = True) -> list[Any]:
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f(f"fk_{table}_organisation_id_organisations"),
        ),
    ]


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person_fk("restrictions", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restricted_at", TZ, nullable=False),
        sa.Column("lifted_at", TZ, nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restrictions")),
    )
    _index("restrictions", "person_id")
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person_fk("objections", nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("objected_at", TZ, nullable=False),
        sa.Column("overriding_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    _index("objections", "person_id")
    op.create_table(
        "marketing_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_hmac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_suppressions")),
        sa.UniqueConstraint("email_hmac", name=op.f("uq_marketing_suppressions_email_hmac")),
    )
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person_fk("rectifications", nullable=False),
        sa.Column("record_table", sa.String(64), nullable=False),
        sa.Column("record_column", sa.String(64), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("rectified_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
    )
    _index("rectifications", "person_id")
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        *_person_fk("legal_holds"),
        *_organisation_fk("legal_holds"),
        sa.Column("scope_table", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("released_at", TZ, nullable=True),
        sa.CheckConstraint("kind IN ('legal_hold', 'evidence')", name=op.f("ck_legal_holds_kind")),
        sa.CheckConstraint(
            "scope IN ('person', 'organisation', 'table')", name=op.f("ck_legal_holds_scope")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    _index("legal_holds", "person_id", "organisation_id")
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        *_person_fk("disclosures", nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("disclosed_at", TZ, nullable=False),
        sa.Column("reference", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    _index("disclosures", "person_id")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=True),
        *_person_fk("outbox"),
        *_organisation_fk("outbox"),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    _index("outbox", "kind", "person_id", "organisation_id")
    op.create_table(
        "erasure_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person_fk("erasure_runs"),
        sa.Column("controller_instruction", sa.String(120), nullable=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("ran_at", TZ, nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_runs")),
    )
    _index("erasure_runs", "person_id")
    op.create_table(
        "controller_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        *_organisation_fk("controller_requests", nullable=False),
        *_person_fk("controller_requests"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sim_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("instruction_ref", sa.String(120), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("executed_at", TZ, nullable=True),
        sa.CheckConstraint(
            "status IN ('routed', 'executed')", name=op.f("ck_controller_requests_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controller_requests")),
    )
    _index("controller_requests", "organisation_id", "person_id")


def downgrade() -> None:
    for table in (
        "controller_requests",
        "erasure_runs",
        "outbox",
        "disclosures",
        "legal_holds",
        "rectifications",
        "marketing_suppressions",
        "objections",
        "restrictions",
    ):
        op.drop_table(table)
