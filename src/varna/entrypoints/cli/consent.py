"""``varna consent``: the expiry sweep (consents older than their validity period)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import typer

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import console, container, parse_day, print_json

app = typer.Typer(help="Consent: the expiry sweep.", no_args_is_help=True)
END_OF_DAY = time(23, 59, 59, 999999)


@app.command("expire")
def expire(
    as_of: date | None = typer.Option(
        None,
        "--as-of",
        parser=parse_day,
        help="Expire what has lapsed by the end of this day (YYYY-MM-DD, UTC).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would expire; change nothing."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Write an 'expired' event for every consent older than its validity period (24 months
    for purposes, 12 for cookie categories unless VARNA_CONSENT_VALIDITY_MONTHS says
    otherwise). Running it twice adds nothing."""
    from varna.bootstrap.consent import run_expiry
    from varna.services.consent.expiry import ExpireCommand

    moment = datetime.now(UTC)
    if as_of is not None:
        moment = datetime.combine(as_of, END_OF_DAY, tzinfo=UTC)
    with container() as wired:
        report = run_expiry(
            wired, ExpireCommand(as_of=moment, dry_run=dry_run), actor=SystemActor.CLI
        )
    if json_output:
        print_json(report.as_dict())
        return
    verb = "would expire" if dry_run else "expired"
    console.print(f"{report.total} consents {verb} as of {moment.date().isoformat()}")
    for key, count in sorted(report.expired.items()):
        console.print(f"  {key}: {count} (valid {report.months[key]} months)")
