"""people: field encryption of direct identifiers under a data key per person (D4, R6, A1)

``people.key_id`` names the person's data key in the key store (a database of its own); the
identifiers hold ``v1:<key id>:<ciphertext>`` and widen to 1,024 characters. Lookups by
value compare keyed blind indexes (``email_bidx``, ``phone_bidx``, ``personnummer_bidx``):
the indexes on the identifier columns go, since nothing compares ciphertext.

Rows written before: the migration needs no key; ``varna db upgrade`` seals them after the
migrations run (adapters/db/seal_existing.py), with the key store and KEK of the settings.
The downgrade drops the columns; values already encrypted stay as they are.

Revision ID: 0027
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0017"
branch_labels = None
depends_on = None

IDENTIFIERS = ("full_name", "email", "phone", "address", "personnummer")
INDEXED = ("email", "phone", "personnummer")


def upgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_people_{column}"), "people")
    with op.batch_alter_table("people") as batch:
        for column in IDENTIFIERS:
            batch.alter_column(
                column,
                type_=sa.String(length=1024),
                existing_type=sa.String(length=320),
                existing_nullable=column != "full_name",
            )
        batch.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
        for column in INDEXED:
            batch.add_column(sa.Column(f"{column}_bidx", sa.String(length=32), nullable=True))
    for column in INDEXED:
        op.create_index(op.f(f"ix_people_{column}_bidx"), "people", [f"{column}_bidx"])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_people_{column}_bidx"), "people")
    with op.batch_alter_table("people") as batch:
        for column in INDEXED:
            batch.drop_column(f"{column}_bidx")
        batch.drop_column("key_id")
        for column in IDENTIFIERS:
            batch.alter_column(
                column,
                type_=sa.String(length=320),
                existing_type=sa.String(length=1024),
                existing_nullable=column != "full_name",
            )
    for column in INDEXED:
        op.create_index(op.f(f"ix_people_{column}"), "people", [column])
