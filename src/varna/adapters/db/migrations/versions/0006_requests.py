"""requests: data-subject requests, their timeline, verification codes, download tokens, the
intake log, the job queue, staff accounts and sessions

Revision ID: 0006
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = (
    "access",
    "portability",
    "rectification",
    "restriction",
    "erasure",
    "objection",
    "consent_withdrawal",
    "marketing_objection",
)
STATES = ("received", "verified", "in_progress", "extended", "completed", "refused", "forwarded")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_hmac", sa.String(64), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("details", sa.Text()),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("extension_months", sa.SmallInteger(), nullable=False),
        sa.Column("extension_reason", sa.Text()),
        sa.Column("refusal_ground", sa.String(32)),
        sa.Column("refusal_reason", sa.Text()),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", name="fk_subject_requests_person_id_people"),
        ),
        sa.Column(
            "controller_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id", name="fk_subject_requests_controller_id_organisations"
            ),
        ),
        sa.Column("outcome", sa.JSON()),
        sa.Column("verified_at", TZ),
        sa.Column("closed_at", TZ),
        sa.CheckConstraint(_in("kind", KINDS), name="ck_subject_requests_kind"),
        sa.CheckConstraint(_in("state", STATES), name="ck_subject_requests_state"),
        sa.PrimaryKeyConstraint("id", name="pk_subject_requests"),
    )
    for column in ("state", "email_hmac", "due_date", "person_id"):
        op.create_index(f"ix_subject_requests_{column}", "subject_requests", [column])

    def child(name: str, *columns: sa.schema.SchemaItem) -> None:
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(
                "request_id",
                sa.Integer(),
                sa.ForeignKey("subject_requests.id", name=f"fk_{name}_request_id_subject_requests"),
                nullable=False,
            ),
            *columns,
            sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        )
        op.create_index(f"ix_{name}_request_id", name, ["request_id"])

    child(
        "request_events",
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("note", sa.Text()),
    )
    child(
        "request_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("used_at", TZ),
    )
    child(
        "download_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ),
        sa.UniqueConstraint("token_hash", name="uq_download_tokens_token_hash"),
    )
    op.create_table(
        "request_intake_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hmac", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_request_intake_log"),
    )
    op.create_index("ix_request_intake_log_key_hmac", "request_intake_log", ["key_hmac"])
    op.create_table(
        "jobs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("task", sa.String(64), nullable=False),
        sa.Column("job_key", sa.String(160), nullable=False),
        sa.Column("request_id", sa.Integer()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", TZ, nullable=False),
        sa.Column("locked_by", sa.String(120)),
        sa.Column("locked_at", TZ),
        sa.Column("finished_at", TZ),
        sa.Column("last_error", sa.Text()),
        sa.CheckConstraint(
            _in("state", ("queued", "running", "done", "failed")), name="ck_jobs_state"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("job_key", name="uq_jobs_job_key"),
    )
    op.create_index("ix_jobs_state_run_after", "jobs", ["state", "run_after"])
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(120), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("disabled_at", TZ),
        sa.CheckConstraint(
            _in("role", ("privacy_officer", "support")), name="ck_staff_accounts_role"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_accounts"),
        sa.UniqueConstraint("login", name="uq_staff_accounts_login"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("staff_accounts.id", name="fk_staff_sessions_account_id_staff_accounts"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])


def downgrade() -> None:
    for name in (
        "staff_sessions",
        "staff_accounts",
        "jobs",
        "request_intake_log",
        "download_tokens",
        "request_codes",
        "request_events",
        "subject_requests",
    ):
        op.drop_table(name)
