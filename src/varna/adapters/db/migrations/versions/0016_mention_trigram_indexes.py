"""subjects: trigram indexes for the mention search in free text, PostgreSQL (D1, D4)

The subject walk finds a person's identifiers in the free-text columns the catalogue marks
``search_text`` with ``lower(column) LIKE '%term%'``, which no b-tree serves: without these
indexes every extract and erasure read the whole of every such table. A GIN index of the
column's trigrams (``pg_trgm``, a trusted extension shipped with PostgreSQL) answers the same
condition from the index. SQLite has no such index; its embedded stores stay small.

Building an index takes about 30 s per million messages on a small server, and writes to
that table wait while it is built (``db upgrade`` runs in one transaction).

Revision ID: 0016
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None

# (table, column): the catalogue's search_text columns when this revision was written;
# tests/integration/test_mention_indexes.py checks that every such column has its index
MENTION_COLUMNS = (
    ("organisations", "privacy_contact_email"),
    ("quote_requests", "message"),
    ("support_tickets", "subject"),
    ("ticket_messages", "body"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in MENTION_COLUMNS:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} "
            f"USING gin (lower({column}) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in MENTION_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
