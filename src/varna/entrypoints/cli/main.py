"""The ``varna`` command."""

from __future__ import annotations

import typer

from varna.entrypoints.cli import (
    audit,
    consent,
    db,
    demo,
    ingest,
    keys,
    marketing,
    requests,
    retention,
    scan,
    serve,
    staff,
    subject,
    tokens,
)
from varna.entrypoints.cli.common import run_guarded

app = typer.Typer(
    name="varna",
    help="varna: the personal-data side of an IoT connectivity business, kept in code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(ingest.app, name="ingest")
app.add_typer(subject.app, name="subject")
app.add_typer(marketing.app, name="marketing")
app.add_typer(consent.app, name="consent")
app.add_typer(retention.app, name="retention")
app.add_typer(requests.app, name="requests")
app.add_typer(requests.admin_app, name="admin")
app.add_typer(staff.app, name="staff")
app.add_typer(tokens.app, name="token")
app.command("worker")(requests.worker)
app.command("serve")(serve.serve)
app.command("scan")(scan.scan)
app.command("demo")(demo.demo)


def run() -> None:
    run_guarded(app)
