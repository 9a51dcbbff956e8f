"""application role (PostgreSQL): the application works as ``varna_app``, which may only read
and add audit entries; pruning goes through an owner's function that deletes only what a
checkpoint covers (R6, A1, G3). Migrations keep running as the owner. SQLite: nothing.

Revision ID: 0028
Revises: 0026
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None

ROLE = "varna_app"
AUDIT_TABLES = ("audit_events", "audit_chain_head", "audit_checkpoints")

# The role is the cluster's, shared by its databases: parallel migrations may race to make it.
_CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
        CREATE ROLE {ROLE} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$
"""

# Usage ingest and retention create, attach, detach and drop the monthly partitions of the
# usage table at run time, which needs ownership of the table and its partitions.
_OWN_USAGE = f"""
DO $$
DECLARE part regclass;
BEGIN
    ALTER TABLE usage_records OWNER TO {ROLE};
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits
                WHERE inhparent = 'usage_records'::regclass LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO {ROLE}', part);
    END LOOP;
END $$
"""

_PRUNE = """
CREATE FUNCTION varna_prune_audit(chain_lane integer, through bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE covered bigint; removed bigint;
BEGIN
    SELECT coalesce(max(through_seq), 0) INTO covered
        FROM audit_checkpoints WHERE lane = chain_lane;
    IF through > covered THEN
        RAISE EXCEPTION 'no checkpoint covers the audit entries to remove'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM audit_events WHERE lane = chain_lane AND seq <= through;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$
"""


def _grants() -> tuple[str, ...]:
    audit = ", ".join(AUDIT_TABLES)
    return (
        "DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO "
        f"{ROLE}', current_database()); END $$",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {ROLE}",
        f"REVOKE ALL ON {audit} FROM {ROLE}",
        f"GRANT SELECT, INSERT ON {audit} TO {ROLE}",
        f"GRANT UPDATE ON audit_chain_head TO {ROLE}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {ROLE}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE,"
        f" TRUNCATE ON TABLES TO {ROLE}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES"
        f" TO {ROLE}",
        _OWN_USAGE,
        _PRUNE,
        "REVOKE ALL ON FUNCTION varna_prune_audit(integer, bigint) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION varna_prune_audit(integer, bigint) TO {ROLE}",
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_CREATE_ROLE)
    for statement in _grants():
        op.execute(statement)


def downgrade() -> None:
    """Give the usage table back to the migrating owner and take this database's rights
    from the role; the role itself stays (other databases of the cluster may use it)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (
        "DROP FUNCTION IF EXISTS varna_prune_audit(integer, bigint)",
        _OWN_USAGE.replace(f"OWNER TO {ROLE}", "OWNER TO CURRENT_USER"),
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM " + ROLE,
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM " + ROLE,
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLE}",
        f"REVOKE ALL ON SCHEMA public FROM {ROLE}",
        "DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM "
        f"{ROLE}', current_database()); END $$",
    ):
        op.execute(statement)
