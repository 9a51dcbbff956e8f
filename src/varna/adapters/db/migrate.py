"""Schema migrations (Alembic) on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from varna.domain.errors import VarnaError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE = "run `varna db upgrade` first"
# A migration file's revision lines, in the plain form Alembic writes them.
REVISION_LINE = re.compile(r"^(revision|down_revision|depends_on)\s*(?::[^=\n]*)?=\s*(.+)$", re.M)


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
    migrations: empty, behind, or from a newer varna. Changes nothing.

    A schema that is exactly up to date, the case of every command, is recognised without
    Alembic (whose import costs more than the check); anything else goes through Alembic,
    which also words the refusal."""
    database = engine.url.database
    sqlite_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    if sqlite_file and not Path(str(database)).exists():  # connecting would create it
        raise SchemaNotCurrent(f"there is no database file {database}; {UPGRADE}")
    expected = up_to_date_versions()
    if expected:
        with opening(), engine.connect() as connection:
            if applied_versions(connection) == expected:
                return
    _require_current_by_alembic(engine)


def up_to_date_versions() -> frozenset[str] | None:
    """The revisions the version table lists once every migration here has run, read from
    the migration files: each revision no other one names as its down revision, less those
    another depends on (Alembic lists a dependency's head only until its dependant runs).
    None when a file does not state its revisions in the plain form."""
    revisions: set[str] = set()
    below: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        lines = dict(REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(lines["revision"].strip())
            down = ast.literal_eval(lines["down_revision"].strip())
            depends = ast.literal_eval(lines.get("depends_on", "None").strip())
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        for named in (down, depends):
            names = (named,) if isinstance(named, str) else named or ()
            if not all(isinstance(name, str) for name in names):
                return None
            below.update(names)
    return frozenset(revisions - below) or None


def applied_versions(connection: Connection) -> frozenset[str] | None:
    """The revisions the database's version table lists; None when it has none."""
    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)
    except DBAPIError:  # no version table: the slow path says what is missing
        return None


def _require_current_by_alembic(engine: Engine) -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

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
