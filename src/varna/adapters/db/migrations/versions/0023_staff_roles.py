"""staff: the billing, auditor and controller admin roles beside the privacy officer and
support (R6, A1-A3: every route names the roles that may use it)

Revision ID: 0023
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD = ("privacy_officer", "support")
NEW = ("privacy_officer", "support", "billing", "auditor", "controller_admin")


def _in(values: tuple[str, ...]) -> str:
    return "role IN ({})".format(", ".join(f"'{value}'" for value in values))


def _replace(values: tuple[str, ...]) -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_constraint("ck_staff_accounts_role", type_="check")
        batch.create_check_constraint("ck_staff_accounts_role", _in(values))


def upgrade() -> None:
    _replace(NEW)


def downgrade() -> None:
    _replace(OLD)
