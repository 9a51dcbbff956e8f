"""``varna requests``, ``varna admin`` and ``varna worker`` (D1-D8, G3, A3)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import ID_MAX, container, fail, print_json

if TYPE_CHECKING:
    from varna.bootstrap import Container
    from varna.services.requests.ports import RequestRecord

app = typer.Typer(
    help="Data-subject requests: the queue and each request's timeline.", no_args_is_help=True
)
admin_app = typer.Typer(help="Staff accounts of the admin console.", no_args_is_help=True)
stdout = Console()


def _identity_labels() -> dict[str, str]:
    from varna.domain.requests.identity import IdentityStatus

    return {
        IdentityStatus.NEEDS_CHECKING.value: "needs checking",
        IdentityStatus.CONFIRMED_BY_STAFF.value: "checked by staff",
    }


def _summary(record: RequestRecord, today: date) -> dict[str, Any]:
    from varna.domain.requests.deadlines import is_overdue
    from varna.services.requests.identity import identity_of

    overdue = is_overdue(record.state, record.due_date, today)
    return {
        "id": record.id,
        "kind": record.kind,
        "state": record.state,
        "received_at": record.received_at.isoformat(),
        "due_date": record.due_date.isoformat(),
        "overdue": overdue,
        "extension_months": record.extension_months,
        "identity": identity_of(record.outcome),
    }


@app.command("list")
def list_requests(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open requests past due.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Requests sorted by due date (ids, kinds, clocks and identity checks; no personal
    data)."""
    from rich.table import Table

    from varna.domain.requests.kinds import OPEN_STATES
    from varna.services.requests.intake import receipt_date

    with container() as wired:
        today = receipt_date(wired.clock)
        with wired.uow() as uow:
            records = uow.requests.listing(
                states=[s.value for s in OPEN_STATES] if overdue else [],
                due_before=today if overdue else None,
            )
        rows = [_summary(r, today) for r in records]
    if json_output:
        print_json(rows)
        return
    table = Table("id", "kind", "state", "identity", "received", "due", title="Requests")
    labels = _identity_labels()
    for row in rows:
        due = f"[red]{row['due_date']} (overdue)[/]" if row["overdue"] else row["due_date"]
        identity = labels.get(row["identity"] or "", "")
        table.add_row(
            str(row["id"]), row["kind"], row["state"], identity, row["received_at"][:10], due
        )
    stdout.print(table)


@app.command("show")
def show_request(
    request_id: Annotated[int, typer.Argument(help="The request id.", min=1, max=ID_MAX)],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One request with its timeline (every state change with actor and time)."""
    from varna.domain.requests.identity import IDENTITY, IdentityStatus
    from varna.services.requests.intake import receipt_date

    with container() as wired:
        today = receipt_date(wired.clock)
        with wired.uow() as uow:
            record = uow.requests.get(request_id)
            if record is None:
                fail(f"no request {request_id}")
            events = uow.requests.events(request_id)
    data = _summary(record, today) | {
        "extension_reason": record.extension_reason,
        "refusal_ground": record.refusal_ground,
        "refusal_reason": record.refusal_reason,
        "controller_id": record.controller_id,
        "identity_reason": ((record.outcome or {}).get(IDENTITY) or {}).get("reason"),
        "timeline": [
            {"state": e.state, "actor": e.actor, "at": e.at.isoformat(), "note": e.note}
            for e in events
        ],
    }
    if json_output:
        print_json(data)
        return
    stdout.print(f"request {record.id}: {record.kind}, {record.state}, due {record.due_date}")
    if data["identity"] == IdentityStatus.NEEDS_CHECKING:
        stdout.print(f"  identity needs checking: {data['identity_reason']}")
    for event in data["timeline"]:
        stdout.print(
            f"  {event['at']}  {event['state']:<12} {event['actor']}  {event['note'] or ''}"
        )


def create_staff(wired: Container, login: str, role: str, password: str) -> int:
    """Create a staff account (also used by the demo to create a privacy officer)."""
    from varna.services.requests.staff import create_account

    return create_account(
        wired, login, role, password, passwords=wired.passwords, actor=SystemActor.CLI
    )


def demo_privacy_officer(wired: Container, *, login: str = "dpo@example.com") -> str:
    """For ``varna demo``: create a privacy officer with a random password; returns the
    lines that tell how to log in."""
    import secrets

    password = secrets.token_urlsafe(12)
    base = wired.settings.public_url.rstrip("/")
    outbox = (
        ""
        if wired.settings.smtp_host
        else f"\nMail outbox (no SMTP server set; codes and answers wait here): {base}/admin/outbox"
    )
    with wired.uow() as uow:
        exists = uow.staff.account(login) is not None
    if exists:
        return f"Request queue: {base}/admin/requests (login {login}){outbox}"
    create_staff(wired, login, "privacy_officer", password)
    return (
        f"Request queue: {base}/admin/login\n"
        f"  privacy officer login: {login}\n  password: {password}\n"
        "  two-factor: the first sign-in sets it up; have an authenticator app ready (it\n"
        "  scans the QR code on the page or takes the text key), then give its 6-digit code"
        f"{outbox}"
    )


@admin_app.command("create")
def admin_create(
    login: Annotated[str, typer.Argument(help="The staff member's login (an e-mail address).")],
    role: Annotated[
        str, typer.Option(help="privacy_officer, support, billing, auditor or controller_admin.")
    ] = "support",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account; the password is hashed with argon2 (the same as ``varna staff
    add``)."""
    from varna.entrypoints.cli.staff import add

    add(login, role, password_stdin)


def worker(
    name: Annotated[str | None, typer.Option(help="Worker name (default host:pid).")] = None,
    poll: Annotated[
        float, typer.Option(help="Seconds between polls when idle.", min=0, max=3600)
    ] = 1.0,
    lease: Annotated[
        float | None,
        typer.Option(
            help="Seconds before a stuck job is taken over (VARNA_JOB_LEASE_SECONDS).",
            min=1,
            max=86_400,
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run queued jobs, then stop.")] = False,
) -> None:
    """Run jobs (request execution, answers) from the database; start as many as needed."""
    from varna.entrypoints.worker import run_worker

    with container() as wired:
        done = run_worker(wired, name=name, poll_seconds=poll, lease_seconds=lease, once=once)
    if once:
        print_json({"jobs": done})
