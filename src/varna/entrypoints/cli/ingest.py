"""``varna ingest``: bulk loads from the connectivity platforms."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import console, container, fail, print_json

app = typer.Typer(help="Load usage records and other bulk data.", no_args_is_help=True)


@app.command("usage")
def usage(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help="A CSV or NDJSON file of usage records.",
    ),
    file_format: str | None = typer.Option(
        None,
        "--format",
        help="csv or ndjson (default: from the file name; .ndjson/.jsonl = ndjson).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Load usage records. A bad line refuses the whole file; replays are stored once."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from varna.services.ingest import detect_format, ingest_usage

    if file_format not in (None, "csv", "ndjson"):
        fail("--format must be csv or ndjson", code=2)
    fmt: Literal["csv", "ndjson"] = file_format or detect_format(file)  # type: ignore[assignment]
    with (
        container() as wired,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=json_output or not console.is_terminal,
        ) as bar,
    ):
        task = bar.add_task(f"ingest {fmt}", total=file.stat().st_size)
        summary = ingest_usage(
            wired,
            file,
            actor=SystemActor.CLI,
            file_format=fmt,
            progress=lambda n: bar.advance(task, n),
        )
    if json_output:
        print_json(summary.as_dict())
    else:
        console.print(f"stored [bold]{summary.rows}[/] new usage records from {file.name}")
