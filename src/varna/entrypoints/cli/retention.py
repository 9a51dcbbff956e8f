"""``varna retention``: the sweep (R1-R6, P6), the evidence vault (R6), legitimate-interest
decisions (R3), legal-hold re-approval (R-RET-06) and the controllers' instructions on usage
data (A2)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from varna.domain.audit import SystemActor
from varna.domain.errors import VarnaError
from varna.entrypoints.cli.common import (
    ID_MAX,
    console,
    container,
    fail,
    parse_day,
    print_json,
)

if TYPE_CHECKING:
    from varna.services.retention.sweep import SweepReport

app = typer.Typer(
    help="Retention: sweep what is due, the evidence vault, legitimate-interest decisions.",
    no_args_is_help=True,
)
vault_app = typer.Typer(help="The evidence vault (R6): list entries; read one as privacy officer.")
app.add_typer(vault_app, name="vault")
stdout = Console()
ACTOR = SystemActor.CLI
JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _summary(report: SweepReport) -> None:
    from rich.table import Table

    title = "due on" if report.dry_run else "swept on"
    table = Table(title=f"Retention {title} {report.as_of.isoformat()}")
    for column in ("target", "rule", "categories", "due", "subjects", "oldest", "held"):
        table.add_column(column)
    if not report.dry_run:
        for column in ("deleted", "anonymised", "cleared", "moved"):
            table.add_column(column, justify="right")
    for line in report.lines:
        cells = [
            line.target,
            line.rule,
            ", ".join(line.categories),
            str(line.due_rows),
            str(line.subjects),
            line.oldest.isoformat() if line.oldest else "-",
            f"{line.held_rows} ({line.held_reason})" if line.held_rows else "0",
        ]
        if not report.dry_run:
            cells += [
                str(line.done.get(action, 0)) for action in ("delete", "anonymise", "clear", "move")
            ]
        table.add_row(*cells)
    stdout.print(table)
    if report.released_holds:
        stdout.print(f"Released holds past their review date: {report.released_holds}")
    if report.resumed:
        stdout.print(f"Resumed run {report.run_id}.")


@app.command("run")
def run(
    as_of: date | None = typer.Option(
        None, "--as-of", parser=parse_day, help="Sweep as of this day (YYYY-MM-DD)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what is due; change nothing."),
    batch_rows: int | None = typer.Option(
        None,
        "--batch-rows",
        min=1,
        max=ID_MAX,
        help="Rows per batch (default VARNA_RETENTION_BATCH_ROWS).",
    ),
    target: list[str] | None = typer.Option(  # noqa: B008
        None, "--target", help="Sweep only this target (repeatable), e.g. usage_records."
    ),
    json_output: bool = JSON,
) -> None:
    """Delete, anonymise or move to the vault what its retention rule says is due; legal
    holds are skipped and lapsed holds released. Interrupted runs resume where they stopped."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from varna.services.retention.sweep import SweepCommand, run_sweep

    with container() as wired:
        settings = wired.settings
        day = as_of or wired.clock.now().date()
        command = SweepCommand(
            as_of=day,
            dry_run=dry_run,
            batch_rows=batch_rows or settings.retention_batch_rows,
            k=settings.retention_k,
            usage_totals=settings.retention_usage_totals,
            only=frozenset(target) if target else None,
            pause_seconds=settings.retention_pause_seconds,
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=json_output or dry_run,
        ) as progress:
            task: list[Any] = []

            def planned(report: SweepReport) -> None:
                task.append(progress.add_task("sweeping", total=max(report.due_rows, 1)))

            def advanced(key: str, rows: int) -> None:
                progress.update(task[0], advance=rows, description=f"sweeping {key}")

            report = run_sweep(
                wired,
                command,
                actor=ACTOR,
                on_progress=advanced,
                on_plan=planned,
            )
        if json_output:
            print_json(report.as_dict())
        else:
            _summary(report)


@app.command("decide-interest")
def decide_interest(
    category: str = typer.Option(..., "--category", help="Catalogue data category id."),
    reason: str = typer.Option(..., "--reason", help="The security or economic interest."),
    end_date: date = typer.Option(
        ..., "--end-date", parser=parse_day, help="Keep until this day (YYYY-MM-DD)."
    ),
    json_output: bool = JSON,
) -> None:
    """Record a decision to keep a category on legitimate interest (R3), with its end date."""
    from varna.services.retention.interest import decide_legitimate_interest

    with container() as wired:
        decision_id = decide_legitimate_interest(
            wired,
            category=category,
            reason=reason,
            end_date=end_date,
            actor=ACTOR,
            special_policy=wired.settings.scan_special_policy,
        )
    if json_output:
        print_json({"decision_id": decision_id})
    else:
        stdout.print(f"Recorded legitimate-interest decision {decision_id}.")


@app.command("reapprove-hold")
def reapprove(
    hold_id: int = typer.Argument(..., help="The legal hold's id.", min=1, max=ID_MAX),
    review_date: date = typer.Option(
        ..., "--review-date", parser=parse_day, help="Next review (YYYY-MM-DD)."
    ),
) -> None:
    """Re-approve a legal hold at review: it stays until its new review date (R-RET-06)."""
    from varna.services.retention.interest import reapprove_hold

    day = review_date
    with container() as wired:
        reapprove_hold(wired, hold_id, review_date=day, actor=ACTOR)
    stdout.print(f"Hold {hold_id} re-approved until {day.isoformat()}.")


@app.command("instruct")
def instruct(
    customer: int = typer.Option(
        ..., "--customer", help="The customer's organisation id.", min=1, max=ID_MAX
    ),
    usage_days: int = typer.Option(
        ..., "--usage-days", help="Keep each usage record this many days after it started."
    ),
    action: str = typer.Option(
        "delete", "--action", help="Then delete the records, or anonymise them into totals."
    ),
    location_days: int | None = typer.Option(
        None, "--location-days", help="Empty cell id and LAC/TAC after this many days."
    ),
    reference: str | None = typer.Option(
        None, "--reference", help="The DPA or instruction reference (e.g. DPA-2026-004)."
    ),
    after_contract_days: int | None = typer.Option(
        None,
        "--after-contract-days",
        help="Keep the customer's SIMs, devices, end-user references and usage this many days "
        "after its last contract ended (default: the catalogue's processor rule, 365).",
    ),
    json_output: bool = JSON,
) -> None:
    """Record the customer's (the controller's) instruction on its usage data (A2): a new
    version; the sweep applies it instead of the default rule set (the LEK traffic rules)."""
    from varna.services.retention.instructions import InstructCommand, instruct_retention

    with container() as wired:
        recorded = instruct_retention(
            wired,
            InstructCommand(
                customer_id=customer,
                usage_days=usage_days,
                action=action,
                location_days=location_days,
                reference=reference,
                after_contract_days=after_contract_days,
            ),
            actor=ACTOR,
        )
    if json_output:
        print_json(recorded.as_dict())
    else:
        stdout.print(
            f"Recorded instruction version {recorded.version} for customer {customer}: "
            f"usage kept {usage_days} days, then {action}."
        )


@app.command("instructions")
def instructions(
    customer: int | None = typer.Option(
        None, "--customer", help="Every version of this customer's instruction.", min=1, max=ID_MAX
    ),
    json_output: bool = JSON,
) -> None:
    """The instructions in force per customer, or one customer's every version."""
    from rich.table import Table

    from varna.services.retention.instructions import (
        instruction_history,
        instructions_in_force,
    )

    with container() as wired:
        if customer is None:
            found = instructions_in_force(wired.uow())
        else:
            found = instruction_history(wired.uow(), customer)
    rows = [i.as_dict() for i in found]
    if json_output:
        print_json(rows)
        return
    title = "Instructions in force" if customer is None else f"Instructions of customer {customer}"
    table = Table(title=title)
    columns = (
        "customer_id",
        "version",
        "usage_days",
        "action",
        "location_days",
        "after_contract_days",
        "reference",
    )
    for column in (*columns, "recorded_at"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row[c]) if row[c] is not None else "-" for c in columns),
            str(row["recorded_at"])[:19],
        )
    stdout.print(table)
    if not rows:
        stdout.print("No instruction recorded: the default rule set applies.")


@vault_app.command("list")
def vault_list(json_output: bool = JSON) -> None:
    """What the vault holds: tables, row counts, end dates; never the content."""
    from rich.table import Table

    from varna.services.retention.vault import list_vault

    with container() as wired:
        entries = list_vault(wired.uow())
    rows = [
        {
            "id": e.id,
            "source_table": e.source_table,
            "rows": e.rows,
            "hold_id": e.hold_id,
            "moved_at": e.moved_at.isoformat(),
            "end_date": e.end_date.isoformat(),
        }
        for e in entries
    ]
    if json_output:
        print_json(rows)
        return
    table = Table(title="Evidence vault")
    for column in ("id", "source_table", "rows", "hold_id", "moved_at", "end_date"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    stdout.print(table)


@vault_app.command("read")
def vault_read(
    entry_id: int = typer.Argument(..., help="The vault entry's id.", min=1, max=ID_MAX),
    role: str = typer.Option(..., "--role", help="Your role; only privacy_officer may read."),
    actor: str = typer.Option(ACTOR.value, "--actor", help="Who reads (recorded in the read log)."),
) -> None:
    """Read one entry (privacy officer only); every attempt is recorded."""
    from varna.services.retention.vault import read_vault_entry

    with container() as wired:
        try:
            payload = read_vault_entry(wired, entry_id, actor=actor, role=role)
        except VarnaError as exc:
            fail(str(exc))
    print_json(payload)
