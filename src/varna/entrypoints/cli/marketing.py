"""``varna marketing``: sends that reach only people who pass the consent gate."""

from __future__ import annotations

from pathlib import Path

import typer

from varna.domain.audit import SystemActor
from varna.domain.marketing import MAIL_PURPOSES
from varna.entrypoints.cli.common import (
    EXIT_USAGE,
    console,
    container,
    fail,
    print_json,
    read_text_file,
)

app = typer.Typer(
    help="Marketing sends (newsletter, direct marketing, surveys).", no_args_is_help=True
)


@app.command("send")
def send(
    purpose: str = typer.Option(..., "--purpose", help=f"One of {', '.join(MAIL_PURPOSES)}."),
    template: Path = typer.Option(
        ...,
        "--template",
        exists=True,
        dir_okay=False,
        readable=True,
        help="A text file: 'Subject: ...', a blank line, the body. $unsubscribe_url and "
        "$privacy_center_url are filled in (and added at the end when missing).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Send to every person whose consent for PURPOSE passes the gate; report the skipped."""
    from varna.bootstrap.consent import run_send
    from varna.services.consent.marketing import MailTemplate

    if purpose not in MAIL_PURPOSES:
        fail(f"--purpose must be one of {', '.join(MAIL_PURPOSES)}", code=EXIT_USAGE)
    mail = MailTemplate.parse(read_text_file(template, "--template"))
    with container() as wired:
        report = run_send(wired, purpose, mail, actor=SystemActor.CLI)
    if json_output:
        print_json(report.as_dict())
        return
    where = "sent by SMTP" if report.delivered else "queued in the mail outbox"
    console.print(f"{report.sent} messages {where}; {report.skipped_total} people skipped")
    for reason, count in sorted(report.skipped.items()):
        console.print(f"  skipped {count}: {reason}")
