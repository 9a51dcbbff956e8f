"""Use cases of the scanner: scan a text, sweep the stored free text, check an uploaded CSV.

Promises P4 (support tickets are scanned), C3 (no special categories), C2 (no card numbers)
and C4 (no children's data). Reports name tables, columns, rows and finding types; never the
content.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from varna.catalog import Catalog
from varna.domain.errors import InputRefused
from varna.domain.scan import Finding, GuardResult, SpecialPolicy, guard_text, scan
from varna.services.context import ServiceContext
from varna.services.ports import TextUnitOfWork

# Catalogue categories whose columns hold whatever people type.
FREE_TEXT_CATEGORIES: frozenset[str] = frozenset({"free_text"})
# Free labels that the catalogue files under another category but that people fill with
# names and notes all the same.
FREE_LABEL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("devices", "name"),
    ("sim_end_users", "end_user_ref"),
)
SWEEP_BATCH_ROWS = 1000


def scan_text(text: str) -> list[Finding]:
    """Every finding in ``text``: type, character span, confidence (promise P4)."""
    return scan(text)


def free_text_columns(catalog: Catalog) -> list[tuple[str, str]]:
    """(table, column) of every column the sweep reads: free-text categories in the
    catalogue, then the free labels."""
    found = [
        (table, column)
        for table, column, entry in catalog.personal_columns()
        if entry.category in FREE_TEXT_CATEGORIES
    ]
    found += [tc for tc in FREE_LABEL_COLUMNS if tc not in found]
    return found


@dataclass
class ColumnSweep:
    """What one column holds: rows read, rows with findings, findings by type."""

    table: str
    column: str
    rows: int = 0
    rows_with_findings: int = 0
    findings: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "column": self.column,
            "rows": self.rows,
            "rows_with_findings": self.rows_with_findings,
            "findings": dict(sorted(self.findings.items())),
        }


@dataclass
class SweepReport:
    columns: list[ColumnSweep]

    @property
    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for c in self.columns:
            total.update(c.findings)
        return dict(sorted(total.items()))

    def as_dict(self) -> dict[str, object]:
        return {"columns": [c.as_dict() for c in self.columns], "totals": self.totals}


def sweep_stored_text(
    ctx: ServiceContext[TextUnitOfWork],
    columns: Iterable[tuple[str, str]],
    *,
    batch_rows: int = SWEEP_BATCH_ROWS,
) -> SweepReport:
    """Scan every stored value of ``columns`` (read-only; rows are streamed in batches).

    Counts by table, column and finding type for the privacy officer; never the content.
    """
    report = SweepReport([])
    with ctx.uow() as uow:
        for table, column in columns:
            sweep = ColumnSweep(table, column)
            for _record_id, text in uow.text.iter_column(table, column, batch_rows=batch_rows):
                sweep.rows += 1
                found = scan(text)
                if found:
                    sweep.rows_with_findings += 1
                    sweep.findings.update(f.type for f in found)
            report.columns.append(sweep)
    return report


@dataclass(frozen=True)
class CsvCheck:
    """An uploaded CSV after the guard: the cleaned rows and what the guard did."""

    rows: list[list[str]]
    events: Mapping[tuple[str, str], int]  # (event kind, finding type) -> count


def guard_csv_text(
    content: str, *, special_policy: SpecialPolicy, today: date, has_header: bool = True
) -> CsvCheck:
    """Run the intake guard over every text cell of a CSV (promises C2, C3, C4).

    Cards are masked, special categories redacted (or the file refused); a child's
    personnummer refuses the whole file. Refusals name the line and column, never the value.
    """
    reader = csv.reader(io.StringIO(content, newline=""))
    rows: list[list[str]] = []
    events: Counter[tuple[str, str]] = Counter()
    header: list[str] = []
    for index, row in enumerate(reader):
        line = reader.line_num
        if index == 0 and has_header:
            header = row
            rows.append(row)
            continue
        cleaned: list[str] = []
        for col, cell in enumerate(row):
            if not cell or cell.isdigit() and len(cell) < 5:
                cleaned.append(cell)
                continue
            name = header[col] if col < len(header) else str(col + 1)
            result = _guard_cell(cell, special_policy, today, line, name)
            cleaned.append(result.text)
            for e in result.events:
                events[(e.kind, e.type)] += e.count
        rows.append(cleaned)
    return CsvCheck(rows, dict(events))


def _guard_cell(
    cell: str, policy: SpecialPolicy, today: date, line: int, column: str
) -> GuardResult:
    try:
        return guard_text(cell, special_policy=policy, today=today)
    except InputRefused as exc:
        raise InputRefused(exc.reason, line=line, field=column) from None
