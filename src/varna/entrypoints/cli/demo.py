"""``varna demo``: build the synthetic data set of the business, then serve it."""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import (
    ID_MAX,
    console,
    container,
    load_settings,
    parse_day,
    print_json,
)
from varna.entrypoints.cli.requests import demo_privacy_officer
from varna.entrypoints.cli.serve import run_server

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from varna.services.demo.build import DemoResult

stdout = Console()


class SizeName(StrEnum):
    small = "small"
    default = "default"
    large = "large"


class _RichProgress:
    """Shows each stage of the build as a bar on stderr."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[-1].total or 0)
        self._task = self._bar.add_task(name, total=total)

    def advance(self, count: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, count)


def _show(result: DemoResult, seconds: float, address: str | None) -> None:
    from rich.table import Table

    stdout.print(
        f"Built the [bold]{result.size}[/] demo data set (seed {result.seed}, dates up to "
        f"{result.as_of.isoformat()}) in {seconds:.1f} s.",
        highlight=False,
    )
    counts = Table("table", "rows", title="Rows per table")
    for name, rows in result.tables.items():
        counts.add_row(name, f"{rows:,}")
    stdout.print(counts)
    samples = Table("kind", "try these", title="Sample identifiers (all fictional)")
    samples.add_row("e-mail", ", ".join(result.samples.emails))
    samples.add_row("ICCID", ", ".join(result.samples.iccids))
    samples.add_row("MSISDN", ", ".join(result.samples.msisdns))
    samples.add_row("customer", ", ".join(result.samples.customers))
    samples.add_row("end-user reference", ", ".join(result.samples.end_user_refs))
    stdout.print(samples)
    if address:
        stdout.print(f"Open [bold]{address}[/] (privacy center and admin console).")


def demo(
    size: SizeName = typer.Option(
        SizeName.default,
        "--size",
        help="small (tests, ~50 SIMs), default (60 customers, 2,000 SIMs, 30 days of usage) or "
        "large (benchmarks: 100,000 SIMs, over 10 million usage records).",
    ),
    seed: int = typer.Option(
        1,
        "--seed",
        min=-ID_MAX - 1,
        max=ID_MAX,
        help="Same seed, size and --as-of give the same data.",
    ),
    as_of: date | None = typer.Option(
        None,
        "--as-of",
        parser=parse_day,
        help="Anchor date YYYY-MM-DD (default: today, UTC); usage ends the day before.",
    ),
    reset: bool = typer.Option(
        False,
        "--reset",
        help="Empty the business tables first (on PostgreSQL also rows of other tables that "
        "refer to them).",
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the data set once built."),
    json_output: bool = typer.Option(
        False, "--json", help="Print the row counts and sample identifiers as JSON."
    ),
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port to listen on (default 8000)."
    ),
) -> None:
    """Build a deterministic, fictional data set of the business into VARNA_DATABASE_URL
    (which must hold no business data), then serve it. Demo mode: placeholder secrets allowed.

    Test ranges: ICCIDs 894699..., IMSIs 24099..., SIM MSISDNs +4671990..., people's phones
    +46701740605-699 (PTS fiction block), IMEIs with TAC 35999..., orgnr 502..., e-mail on
    example.com, example.net and .test, IP addresses from the documentation ranges.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from varna.services.demo.build import DemoCommand, build_demo

    settings = load_settings(demo=True)
    command = DemoCommand(size=size.value, seed=seed, as_of=as_of, reset=reset)
    started = time.perf_counter()
    with (
        container(settings, upgrade=True) as wired,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=json_output or not console.is_terminal,
        ) as bar,
    ):
        result = build_demo(
            wired.uow(),
            command,
            actor=SystemActor.DEMO,
            clock=wired.clock,
            progress=_RichProgress(bar),
        )
    seconds = time.perf_counter() - started
    if json_output:
        print_json({**result.as_dict(), "seconds": round(seconds, 2)})
    if not serve:
        if not json_output:
            _show(result, seconds, None)
        return
    host = host or settings.host
    port = port or settings.port
    if "public_url" not in settings.model_fields_set:  # links in mail point at this server
        settings = settings.model_copy(update={"public_url": f"http://{host}:{port}"})
    if not json_output:
        _show(result, seconds, f"http://{host}:{port}")
        with container(settings) as wired:
            console.print(demo_privacy_officer(wired), highlight=False)
    run_server(settings, host=host, port=port)
