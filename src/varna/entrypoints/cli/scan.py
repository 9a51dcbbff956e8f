"""``varna scan``: find identifiers and special categories in text (promises P4, C2, C3).

``varna scan FILE`` or ``varna scan -`` (stdin) scans one text; ``varna scan stored`` sweeps the
stored free text and reports counts by table, column and type. Neither prints the content.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from varna.entrypoints.cli.common import EXIT_USAGE, container, fail, print_json

if TYPE_CHECKING:
    from varna.domain.scan import Finding

STORED = "stored"


def scan(
    source: str = typer.Argument(
        ...,
        metavar="FILE|-|stored",
        help="A UTF-8 text file, - for standard input, or 'stored' to sweep the stored free "
        "text (ticket messages, quote requests, device names, ...).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Scan text for identifiers and special categories; print types, spans, confidence.

    Offsets are character offsets into the input. The matched text is never printed (the
    table shows only the first and last character).
    """
    from varna.services.scan import scan_text

    if source == STORED:
        _stored(json_output)
        return
    text = _read(source)
    findings = scan_text(text)
    if json_output:
        print_json({"findings": [f.as_dict() for f in findings]})
        return
    _findings_table(text, findings)


def _read(source: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        fail(f"cannot read {source}: {exc.strerror}; give a readable file or -", code=EXIT_USAGE)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{source} is not UTF-8 (byte {exc.start}); convert it first", code=EXIT_USAGE)


def _masked(piece: str) -> str:
    return piece[0] + "…" + piece[-1] if len(piece) > 2 else "…"


def _findings_table(text: str, findings: list[Finding]) -> None:
    from rich.table import Table

    out = Console()
    table = Table(title=f"{len(findings)} findings")
    table.add_column("type")
    table.add_column("span", justify="right")
    table.add_column("confidence", justify="right")
    table.add_column("excerpt")
    for f in findings:
        excerpt = _masked(text[f.start : f.end]).replace("\n", " ")
        table.add_row(f.type, f"{f.start}-{f.end}", f"{f.confidence:.2f}", excerpt)
    out.print(table)


def _stored(json_output: bool) -> None:
    from rich.table import Table

    from varna.services.scan import free_text_columns, sweep_stored_text

    with container() as wired:
        report = sweep_stored_text(wired, free_text_columns(wired.catalog))
    if json_output:
        print_json(report.as_dict())
        return
    table = Table(title="Findings in stored free text (counts only)")
    for name in ("table", "column", "rows", "rows with findings", "type", "count"):
        table.add_column(name, justify="right" if name in ("rows", "count") else "left")
    for col in report.columns:
        types = sorted(col.findings.items()) or [("-", 0)]
        for i, (ftype, count) in enumerate(types):
            first = i == 0
            table.add_row(
                col.table if first else "",
                col.column if first else "",
                str(col.rows) if first else "",
                str(col.rows_with_findings) if first else "",
                ftype,
                str(count),
            )
    Console().print(table)
