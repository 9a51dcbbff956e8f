"""Whether a database is one that `varna demo` built (its ``demo_marker`` row), asked before
the settings refuse a placeholder secret."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import exists, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from varna.adapters.db.engine import make_engine
from varna.adapters.db.tables import demo_marker


def is_demo_database(url: str) -> bool:
    """True when the database at ``url`` holds the demo's marker. Never creates anything: a
    missing SQLite file, an unreachable server or a database without the table is no demo."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).is_file():
            return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(demo_marker.name):
                return False
            return bool(connection.execute(select(exists().select_from(demo_marker))).scalar())
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
