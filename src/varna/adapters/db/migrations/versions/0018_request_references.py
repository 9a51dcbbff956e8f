"""requests: a random public reference per request; the throttle log by time

Requests were named in links and in the API by their sequential id, so anyone could address
every request in the queue (and spend its code tries). Each request gets a reference of 128
random bits (``subject_requests.reference``, unique); existing requests get a fresh one here.
``request_intake_log`` gets an index on ``at``, since its rows are now deleted after a day.

Revision ID: 0018
Revises: 0017 (and needs 0006, which made the request tables)
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = "0006"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:  # SQLite adds a NOT NULL column only with a default; no table copy
        op.execute(
            "ALTER TABLE subject_requests ADD COLUMN reference VARCHAR(32) NOT NULL DEFAULT ''"
        )
    else:
        op.add_column("subject_requests", sa.Column("reference", sa.String(32), nullable=True))
    requests = sa.table(
        "subject_requests", sa.column("id", sa.Integer), sa.column("reference", sa.String)
    )
    for (request_id,) in bind.execute(sa.select(requests.c.id)).all():
        bind.execute(
            sa.update(requests)
            .where(requests.c.id == request_id)
            .values(reference=secrets.token_urlsafe(16))
        )
    if sqlite:
        op.create_index(
            "uq_subject_requests_reference", "subject_requests", ["reference"], unique=True
        )
    else:
        op.alter_column("subject_requests", "reference", nullable=False)
        op.create_unique_constraint(
            op.f("uq_subject_requests_reference"), "subject_requests", ["reference"]
        )
    op.create_index(op.f("ix_request_intake_log_at"), "request_intake_log", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_request_intake_log_at"), "request_intake_log")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("uq_subject_requests_reference", "subject_requests")
    else:
        op.drop_constraint(op.f("uq_subject_requests_reference"), "subject_requests")
    op.execute("ALTER TABLE subject_requests DROP COLUMN reference")
