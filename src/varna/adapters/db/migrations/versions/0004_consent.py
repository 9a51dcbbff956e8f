"""consent: ledger, notice versions, mail outbox, unsubscribe tokens

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("browser_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("notice_version", sa.String(length=32), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "event IN ('given', 'refused', 'withdrawn', 'expired')",
            name=op.f("ck_consent_events_event"),
        ),
        sa.CheckConstraint(
            "channel IN ('banner', 'privacy_center', 'api', 'import', 'gpc', 'unsubscribe')",
            name=op.f("ck_consent_events_channel"),
        ),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (browser_id IS NULL)",
            name=op.f("ck_consent_events_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consent_events_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index(
        "ix_consent_events_person_purpose", "consent_events", ["person_id", "purpose", "at"]
    )
    op.create_index(
        "ix_consent_events_browser_purpose", "consent_events", ["browser_id", "purpose", "at"]
    )
    op.create_table(
        "notice_versions",
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item_hashes", sa.JSON(), nullable=False),
        sa.Column("text_hashes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_notice_versions")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("mail_subject", sa.String(length=200), nullable=False),
        sa.Column("message_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_mail_outbox_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(op.f("ix_mail_outbox_person_id"), "mail_outbox", ["person_id"])
    op.create_index(op.f("ix_mail_outbox_created_at"), "mail_outbox", ["created_at"])
    op.create_table(
        "unsubscribe_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_unsubscribe_tokens_person_id_people")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_unsubscribe_tokens")),
    )
    op.create_index(op.f("ix_unsubscribe_tokens_person_id"), "unsubscribe_tokens", ["person_id"])


def downgrade() -> None:
    op.drop_table("unsubscribe_tokens")
    op.drop_table("mail_outbox")
    op.drop_table("notice_versions")
    op.drop_index("ix_consent_events_browser_purpose", table_name="consent_events")
    op.drop_index("ix_consent_events_person_purpose", table_name="consent_events")
    op.drop_table("consent_events")
