"""Engines for both stores, with the per-connection settings each needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk loads touch big indexes
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **_iso_dates(url, kwargs))


def _iso_dates(url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Every PostgreSQL session writes dates and times as ISO 8601 (``DateStyle=ISO``, in the
    connection's start-up options, so no round trip): the subject extract takes the
    timestamps' text output as they are (``subjects/rows.py``), and a server or URL set to
    another style would change it. Options the URL gives are kept; this one comes last."""
    connect_args = dict(kwargs.pop("connect_args", {}))
    given = connect_args.get("options") or make_url(url).query.get("options") or ""
    if isinstance(given, tuple):
        given = " ".join(given)
    connect_args["options"] = f"{given} -c DateStyle=ISO".strip()
    return {**kwargs, "connect_args": connect_args}
