"""``varna db``: the schema."""

from __future__ import annotations

import typer

from varna.entrypoints.cli.common import console, container, print_json

app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Bring the schema of VARNA_DATABASE_URL up to the newest migration."""
    with container(upgrade=True) as wired:
        revision = wired.schema_revision()
    if json_output:
        print_json({"revision": revision})
    else:
        console.print(f"schema at revision [bold]{revision}[/]")
