"""The register extract (Art. 15, D1, D7): the person's data grouped by category, plus
everything docs/legal.md section 4 lists, as a bundle with the versioned schema ``varna.extract/v1``
(docs/subjects.md). Data about other people in the same records is redacted (15(4)).

Given a ``write`` callback (the files of ``varna subject export``), the large tables are not
held in memory: their blocks are :class:`StreamedRows`, read from the store in batches each
time a writer iterates them, and ``write`` runs inside the transaction that reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import Any

from varna.catalog import Catalog, ColumnEntry, TableEntry
from varna.domain.audit import AuditAction
from varna.domain.subjects.article15 import article15
from varna.domain.subjects.keys import SubjectKey
from varna.domain.subjects.redaction import REDACTED, redact_text
from varna.services.ports import AuditEvent
from varna.services.subjects.common import SubjectContext, resolve
from varna.services.subjects.ports import SubjectScope, SubjectUnitOfWork, TableRows

EXTRACT_SCHEMA = "varna.extract/v1"
FREE_TEXT = "free_text"
STREAM_ABOVE = 10_000  # rows of one table: above this, a written extract streams them
TEMPORAL = (datetime, date)  # a tuple: ``datetime | date`` would be a new union at each test


@dataclass(frozen=True, slots=True)
class Extract:
    """The bundle; ``data`` maps category -> blocks of rows (see docs/subjects.md).
    ``written`` is what the ``write`` callback returned (the files), if one was given."""

    bundle: dict[str, Any]
    written: Any = None

    @property
    def data(self) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = self.bundle["data"]
        return result


def build_extract(
    ctx: SubjectContext,
    keys: Sequence[SubjectKey],
    *,
    actor: str,
    language: str = "sv",
    column_filter: Callable[[ColumnEntry], bool] | None = None,
    schema: str = EXTRACT_SCHEMA,
    write: Callable[[dict[str, Any]], Any] | None = None,
) -> Extract:
    """Collect the person's data; ``column_filter`` narrows it (portability). With ``write``,
    tables of more than ``STREAM_ABOVE`` rows are streamed to it (server-side cursor) instead
    of being held: ``write(bundle)`` is called before the commit, and the bundle's streamed
    rows cannot be read once it returns."""
    catalog = ctx.catalog
    now = ctx.clock.now()
    written = None
    with ctx.uow() as uow:
        scope = resolve(uow, keys, secret=ctx.secret)
        counts = uow.subjects.inventory(scope, now.date()).counts
        own = {v.lower() for values in scope.values.values() for v in values}
        redactor = _Redactor(own=own, others=partial(_other_names, uow, scope))
        blocks: dict[str, list[dict[str, Any]]] = {}
        found: list[ColumnEntry] = []
        for count in counts:
            if count.mention_column is not None:
                continue
            entry = catalog.table(count.table)
            columns = [
                c for c, e in entry.personal.items() if column_filter is None or column_filter(e)
            ]
            if not columns:
                continue
            found.extend(entry.personal[c] for c in columns)
            if write is not None and count.rows > STREAM_ABOVE and _plain_only(entry, columns):
                for part in _by_category(entry, columns).values():  # each reads its columns
                    rows = uow.subjects.stream(scope, count.table, part)
                    _add_blocks(catalog, blocks, rows, "linked", redactor, total=count.rows)
            else:
                rows = uow.subjects.rows(scope, count.table, columns)
                _add_blocks(catalog, blocks, rows, "linked", redactor)
        mentioned = any(count.mention_column is not None for count in counts)
        for rows in uow.subjects.mentions(scope) if mentioned else ():
            column = rows.mention_column or ""
            declared = catalog.table(rows.table).personal[column]
            if column_filter is not None and not column_filter(declared):
                continue
            found.append(declared)
            _add_blocks(catalog, blocks, rows, "mention", redactor)
        bundle = {
            "schema": schema,
            "generated_at": now.isoformat(),
            "language": language,
            "subject": _subject(scope),
            "processing": bool(blocks),
            "data": dict(sorted(blocks.items())),
            **article15(catalog, found),
            "redactions": redactor.count,
        }
        if write is not None:
            written = write(bundle)
        uow.audit.record(
            AuditEvent(
                actor=actor,
                action=AuditAction.SUBJECT_EXTRACT
                if schema == EXTRACT_SCHEMA
                else AuditAction.SUBJECT_PORTABILITY,
                target=",".join(f"person:{p}" for p in scope.person_ids)[:120] or None,
                details={
                    "categories": sorted(blocks),
                    "rows": sum(len(b["rows"]) for bs in blocks.values() for b in bs),
                    "redactions": redactor.count,
                },
            ),
            at=now,
        )
        uow.commit()
    return Extract(bundle, written)


class StreamedRows:
    """The rows of one block of a large table, read again from the store each time they are
    iterated (the JSON, CSV, HTML and PDF writers each read them once) and made JSON-ready
    on the way: the id, the block's columns, dates and times in ISO 8601. ``len()`` is the
    count read when the extract was built."""

    def __init__(
        self, source: Iterable[tuple[Any, ...]], indexes: list[int], total: int, dates: list[int]
    ) -> None:
        self._source = source
        self._indexes = indexes
        self._total = total
        self._dates = dates  # positions (after the id) of the columns that hold dates

    def __len__(self) -> int:
        return self._total

    def __iter__(self) -> Iterator[Sequence[Any]]:
        rows = iter(self._source)
        pick = itemgetter(0, *self._indexes)
        if not self._dates:  # times already in ISO 8601 (PostgreSQL): one pass in C
            yield from map(pick, rows)
            return
        for row in rows:
            values = list(pick(row))
            for position in self._dates:
                value = values[position]
                if value is not None:
                    values[position] = value.isoformat()
            yield values


def _other_names(uow: SubjectUnitOfWork, scope: SubjectScope) -> set[str]:
    return uow.subjects.other_names(scope) if scope.person_ids else set()


class _Redactor:
    """Counts what it redacts; the other people's names are read the first time free text
    needs them (an extract without free text does not ask)."""

    def __init__(self, *, own: set[str], others: Callable[[], set[str]]) -> None:
        self.own = own
        self._others = others
        self._names: set[str] | None = None
        self.count = 0

    @property
    def others(self) -> set[str]:
        if self._names is None:
            self._names = self._others()
        return self._names

    def text(self, value: str) -> str:
        redacted = redact_text(value, own=self.own, other_names=self.others)
        if redacted != value:
            self.count += 1
        return redacted

    def whole(self, value: Any) -> Any:
        if value is None:
            return None
        self.count += 1
        return REDACTED


def _add_blocks(
    catalog: Catalog,
    blocks: dict[str, list[dict[str, Any]]],
    rows: TableRows,
    match: str,
    redactor: _Redactor,
    *,
    total: int = 0,
) -> None:
    """One block per category of the table's rows (streamed rows: ``total`` of them)."""
    entry = catalog.table(rows.table)
    by_category: dict[str, list[int]] = {}
    for index, column in enumerate(rows.columns):
        if column != "id":
            by_category.setdefault(entry.personal[column].category, []).append(index)
    for category, indexes in by_category.items():
        fields = [rows.columns[i] for i in indexes]
        dates = [p for p, field in enumerate(fields, start=1) if field in rows.dates]
        cleaners = [_cleaner(entry.personal[f], redactor) for f in fields]
        data: list[Sequence[Any]] | StreamedRows
        if not isinstance(rows.rows, list):
            data = StreamedRows(rows.rows, indexes, total, dates)
        elif any(clean is not plain for clean in cleaners):
            data = [
                [row[0], *(clean(row[i]) for clean, i in zip(cleaners, indexes, strict=True))]
                for row in rows.rows
            ]
        else:
            data = _plain_rows(rows.rows, indexes, dates)
        blocks.setdefault(category, []).append(
            {
                "table": rows.table,
                "match": match,
                "role": entry.personal[fields[0]].role.value,
                "fields": ["id", *fields],
                "rows": data,
            }
        )


def _plain_rows(
    rows: list[tuple[Any, ...]], indexes: list[int], dates: list[int]
) -> list[Sequence[Any]]:
    """The id and the columns at ``indexes`` of every row, with dates in ISO 8601: the fast
    path for the large tables (usage records), one pass without per-value dispatch. Rows
    whose values need no change are the tuples ``itemgetter`` makes (an array in JSON, as
    the streamed rows are). ``dates``: the positions (after the id) of the columns that hold
    dates or times (the store says which, by their type)."""
    pick = itemgetter(0, *indexes)
    if not dates:  # times already in ISO 8601 (PostgreSQL): one pass in C
        return list(map(pick, rows))
    result: list[Sequence[Any]] = []
    for row in rows:
        values = list(pick(row))
        for position in dates:
            value = values[position]
            if value is not None:
                values[position] = value.isoformat()
        result.append(values)
    return result


def _plain_only(entry: TableEntry, columns: Sequence[str]) -> bool:
    """No column needs redaction (free text, another person's name): rows can be streamed."""
    return not any(
        entry.personal[c].redact_in_extract or entry.personal[c].category == FREE_TEXT
        for c in columns
    )


def _by_category(entry: TableEntry, columns: Sequence[str]) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    for column in columns:
        parts.setdefault(entry.personal[column].category, []).append(column)
    return parts


def _cleaner(declared: ColumnEntry, redactor: _Redactor) -> Callable[[Any], Any]:
    if declared.redact_in_extract:
        return redactor.whole
    if declared.category == FREE_TEXT:
        return lambda value: redactor.text(value) if isinstance(value, str) else plain(value)
    return plain


def plain(value: Any) -> Any:
    """A JSON-ready value: dates and times in ISO 8601, everything else as it is."""
    if isinstance(value, TEMPORAL):
        return value.isoformat()
    return value


def _subject(scope: SubjectScope) -> dict[str, Any]:
    return {
        "identified_by": sorted({key.kind for key in scope.keys}),
        "person_ids": list(scope.person_ids),
        "found": scope.found,
    }
