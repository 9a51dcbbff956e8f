"""``varna serve``: the web server (API, privacy center, admin console)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from varna.entrypoints.cli.common import console, container, load_settings

if TYPE_CHECKING:
    from varna.config import Settings


def run_server(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Serve ``settings``' database until interrupted."""
    import uvicorn  # the web stack loads only for the commands that serve

    from varna.entrypoints.api.app import create_app

    host = host or settings.host
    port = port or settings.port
    with container(settings):
        pass  # validates settings and catalogue, brings the schema up to date
    console.print(f"varna is serving on [bold]http://{host}:{port}[/] (Ctrl+C stops it)")
    # No access log: request paths and query strings can carry identifiers (personal data).
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level,
        access_log=False,
    )


def serve(
    host: str | None = typer.Option(None, help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(
        None, help="Port to listen on (default 8000).", min=1, max=65535
    ),
) -> None:
    """Serve an existing database (VARNA_DATABASE_URL)."""
    run_server(load_settings(), host=host, port=port)
