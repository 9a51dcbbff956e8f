"""``varna audit``: the audit log's chain of hashes."""

from __future__ import annotations

import time

import typer

from varna.entrypoints.cli.common import EXIT_REFUSED, console, container, print_json

app = typer.Typer(help="Check the audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Recompute each lane of the audit chain from its last checkpoint (or its start) to its
    head. Exits 0 when they hold, 1 when one does not, naming the first broken entry."""
    with container() as wired:
        started = time.perf_counter()
        verdict = wired.verify_audit_chain()
        seconds = time.perf_counter() - started
    if json_output:
        print_json({**verdict.as_dict(), "seconds": round(seconds, 3)})
    elif verdict.first_broken is None:
        console.print(
            f"the audit chain holds: {verdict.entries} entries in {len(verdict.lanes)} lanes, "
            f"{verdict.start_seq - 1} removed by retention before them ({seconds:.2f} s)"
        )
    else:
        broken = verdict.first_broken
        entry = f"lane {broken.lane} position {broken.seq}"
        entry += f" (id {broken.id})" if broken.id is not None else ""
        console.print(
            f"[bold red]the audit chain is broken[/] at entry {entry}: {broken.problem} "
            f"({verdict.entries} entries hold before it)"
        )
    if not verdict.ok:
        raise typer.Exit(EXIT_REFUSED)
