"""Schema migrations (Alembic) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from varna.domain.errors import VarnaError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE = "run `varna db upgrade` first"


class SchemaNotCurrent(VarnaError):
    """The database's schema is not the one this varna was built for; only ``varna db
    upgrade`` changes it."""


class DatabaseUnavailable(VarnaError):
    """The database cannot be opened (server down, wrong address, no such file)."""

    def __init__(self, cause: OperationalError) -> None:
        reason = str(cause.orig).strip().splitlines()[0] if cause.orig else type(cause).__name__
        super().__init__(f"cannot open the database of VARNA_DATABASE_URL: {reason}")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic loads only when the schema is touched

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser interpolates "%": a percent-encoded password or option must be doubled
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@contextmanager
def opening() -> Iterator[None]:
    """Turn a failure to open the database (no statement ran yet) into
    :class:`DatabaseUnavailable`; errors of statements pass unchanged."""
    try:
        yield
    except OperationalError as exc:
        if exc.statement is None:
            raise DatabaseUnavailable(exc) from None
        raise


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision`` (every branch head by default) in one
    transaction. Capabilities add their tables in migrations of their own that branch
    from the spine's revision, so there may be several heads."""
    from alembic import command

    cfg = alembic_config(engine)
    with opening(), engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The applied revisions, comma-separated (one per branch head)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def require_current(engine: Engine) -> None:
    """Refuse (:class:`SchemaNotCurrent`) a schema that is not at every head of this varna's
    migrations: empty, behind, or from a newer varna. Changes nothing."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    database = engine.url.database
    sqlite_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    if sqlite_file and not Path(str(database)).exists():  # connecting would create it
        raise SchemaNotCurrent(f"there is no database file {database}; {UPGRADE}")
    script = ScriptDirectory.from_config(alembic_config(engine))
    heads = set(script.get_heads())
    with opening(), engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if not current:
        raise SchemaNotCurrent(f"the database holds no varna schema yet; {UPGRADE}")
    unknown = current - {revision.revision for revision in script.walk_revisions()}
    if unknown:
        raise SchemaNotCurrent(
            f"the database's schema (revision {', '.join(sorted(unknown))}) is newer than this "
            "varna; install the varna that wrote it"
        )
    # Applied: the current revisions and all they stand on, dependencies included (a head
    # that another revision depends on is not listed as current once that one is applied).
    applied = {revision.revision for revision in script.iterate_revisions(tuple(current), "base")}
    if heads <= applied:
        return
    raise SchemaNotCurrent(
        f"the database's schema is behind this varna (at {', '.join(sorted(current))}, "
        f"needs {', '.join(sorted(heads))}); {UPGRADE}"
    )
