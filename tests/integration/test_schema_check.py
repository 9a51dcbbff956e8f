"""The schema check recognises an up-to-date schema from the migration files alone, and
agrees with Alembic on what "up to date" is."""

from __future__ import annotations

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from varna.adapters.db import migrate


def test_the_versions_read_from_the_files_are_those_alembic_leaves(engine: Engine) -> None:
    with engine.connect() as connection:
        alembic_heads = frozenset(MigrationContext.configure(connection).get_current_heads())
        applied = migrate.applied_versions(connection)
    assert migrate.up_to_date_versions() == alembic_heads == applied


def test_a_schema_one_migration_behind_is_refused(engine: Engine) -> None:
    latest = max(migrate.up_to_date_versions() or ())
    with engine.begin() as connection:
        connection.execute(
            text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": latest}
        )
    with pytest.raises(migrate.SchemaNotCurrent):
        migrate.require_current(engine)


def test_a_database_without_a_version_table_reads_as_none(
    engine: Engine, owner_engine: Engine
) -> None:
    with owner_engine.begin() as connection:  # only the owner may drop a table
        connection.execute(text("DROP TABLE alembic_version"))
    with engine.connect() as connection:
        assert migrate.applied_versions(connection) is None
    with pytest.raises(migrate.SchemaNotCurrent, match="no varna schema"):
        migrate.require_current(engine)
