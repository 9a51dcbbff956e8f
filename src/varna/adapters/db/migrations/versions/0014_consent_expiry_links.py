"""consent: expiry events carry the channel ``expiry``; privacy-center links asked for by
e-mail (only their SHA-256 is stored) and the rate-limit log of those asks

Revision ID: 0014
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
OLD = ("banner", "privacy_center", "api", "import", "gpc", "unsubscribe")
NEW = (*OLD, "expiry")


def _channels(values: tuple[str, ...]) -> str:
    return f"channel IN ({', '.join(repr(v) for v in values)})"


def _set_channels(values: tuple[str, ...]) -> None:
    with op.batch_alter_table("consent_events") as batch:
        batch.drop_constraint(op.f("ck_consent_events_channel"), type_="check")
        batch.create_check_constraint(op.f("ck_consent_events_channel"), _channels(values))


def upgrade() -> None:
    _set_channels(NEW)
    op.create_table(
        "privacy_center_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_privacy_center_links_person_id_people")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_privacy_center_links")),
    )
    op.create_index("ix_privacy_center_links_person_id", "privacy_center_links", ["person_id"])
    op.create_table(
        "privacy_center_link_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hmac", sa.String(length=64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_center_link_asks")),
    )
    op.create_index(
        "ix_privacy_center_link_asks_key_hmac", "privacy_center_link_asks", ["key_hmac"]
    )


def downgrade() -> None:
    op.drop_index("ix_privacy_center_link_asks_key_hmac", table_name="privacy_center_link_asks")
    op.drop_table("privacy_center_link_asks")
    op.drop_index("ix_privacy_center_links_person_id", table_name="privacy_center_links")
    op.drop_table("privacy_center_links")
    op.execute("DELETE FROM consent_events WHERE channel = 'expiry'")
    _set_channels(OLD)
