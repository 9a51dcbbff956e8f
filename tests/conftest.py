"""Shared fixtures: every storage test runs on SQLite and on the real PostgreSQL.

PostgreSQL comes from ``VARNA_TEST_DATABASE_URL`` (default: the local server on
127.0.0.1:5432). Each test run gets its own database, dropped at the end. When the
server cannot be reached the PostgreSQL tests skip with a loud reason, except in CI
(``CI=true``), where the run fails instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from varna.adapters.db.engine import make_engine
from varna.adapters.db.tables import metadata
from varna.bootstrap import Container, build
from varna.config import Settings

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_SECRET = "test-secret-key-not-for-production-0123456789"


def _pg_admin_url() -> str:
    return os.environ.get("VARNA_TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run (per xdist worker)."""
    admin_url = _pg_admin_url()
    try:
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means no server
        reason = f"PostgreSQL not reachable at {make_url(admin_url).render_as_string()}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        sys.__stderr__.write(f"\n*** SKIPPING ALL POSTGRESQL TESTS: {reason}\n")
        pytest.skip(f"SKIPPING ALL POSTGRESQL TESTS: {reason}")
    name = f"varna_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database of each kind; the schema is not created."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'varna.db'}"
    base: str = request.getfixturevalue("pg_database_url")
    return base


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def reset_postgres_of(container: Container) -> None:
    """Empty the PostgreSQL schema of ``container`` as the tables' owner (the application's
    role may not drop it)."""
    owner = container.owner_engine()
    try:
        _reset_postgres(owner)
    finally:
        if owner is not container.engine:
            owner.dispose()


def keystore_url_for(database_url: str) -> str | None:
    """The key store of field encryption for a test database: beside an SQLite file (the
    default), an SQLite file in the temporary directory named after a PostgreSQL database
    (the ``varna`` children of end-to-end tests are given the same, ``env_for``)."""
    if not database_url.startswith("postgres"):
        return None
    name = make_url(database_url).database
    return f"sqlite:///{Path(tempfile.gettempdir()) / f'varna-keys-{name}.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        keystore_url=keystore_url_for(database_url),
    )


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """A wired container over a migrated, empty database of each kind."""
    container = build(settings)
    if settings.is_postgres:
        reset_postgres_of(container)
        if container.crypto is not None and container.crypto.keys is not None:
            with container.crypto.keys.engine.begin() as conn:  # the keys of the old rows
                conn.execute(text("DROP TABLE IF EXISTS data_keys"))
    container.upgrade_schema()
    try:
        yield container
    finally:
        container.close()


@pytest.fixture
def engine(container: Container) -> Engine:
    return container.engine


@pytest.fixture
def owner_engine(container: Container) -> Iterator[Engine]:
    """An engine of the tables' owner, as migrations use (on PostgreSQL without the
    application's role; on SQLite the container's own)."""
    owner = container.owner_engine()
    yield owner
    if owner is not container.engine:
        owner.dispose()


__all__ = ["metadata"]
