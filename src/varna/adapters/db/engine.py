"""Engines for both stores, with the per-connection settings each needs.

A database error never carries the values it was given (personal data) into a log, a
traceback or an error page: every engine hides bound parameters (``hide_parameters``), and
PostgreSQL's DETAIL, HINT and CONTEXT lines, which quote them ("Key (email)=(...) already
exists", "Failing row contains (...)", "COPY ..., line 3: ..."), are cut from the error's
text; the error's class, constraint name and SQL stay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, ExceptionContext, create_engine, event
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
    kwargs = {**kwargs, "hide_parameters": True}
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool, **kwargs)
        event.listen(engine, "handle_error", _without_values)

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
    engine = create_engine(url, pool_pre_ping=True, **_iso_dates(url, kwargs))
    event.listen(engine, "handle_error", _without_values)
    return engine


def use_role(engine: Engine, role: str) -> None:
    """Work as ``role`` on every new PostgreSQL connection of ``engine`` (``SET ROLE``): the
    application's rights are the narrow ones migration 0028 gives it (docs/security.md, "The
    audit chain"). Until that migration has run in this database (its pruning function is
    missing, and the role may be missing or hold no rights here) the connection stays the
    login role's: the schema check then refuses to work and says to run ``varna db
    upgrade``. A login role that is not a member of ``role`` fails to connect ("permission
    denied to set role"). Migrations use an engine without this."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _set_role(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s"
                " AND to_regprocedure('public.varna_prune_audit(integer, bigint)') IS NOT NULL",
                (role,),
            )
            if cursor.fetchone() is not None:
                cursor.execute(f'SET ROLE "{role}"')
        dbapi_conn.commit()


def _without_values(context: ExceptionContext) -> None:
    """Keep only the first line of the driver's message (PostgreSQL's primary message, which
    names the constraint or type; the lines after it quote the values), in the driver's
    exception and in SQLAlchemy's wrapper alike."""
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is None or not error.args or not isinstance(error.args[0], str):
            continue
        text = error.args[0]
        cut = min((i for i in (text.find(f"\n{m}:") for m in _QUOTING) if i >= 0), default=-1)
        if cut >= 0:
            error.args = (text[:cut], *error.args[1:])


_QUOTING = ("DETAIL", "HINT", "CONTEXT")


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
