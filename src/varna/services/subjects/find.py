"""Find a person's data everywhere (D1): counts per table and per category, with what an
erasure could still remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from varna.catalog import Catalog
from varna.domain.subjects.keys import SubjectKey
from varna.services.ports import AuditEvent, Clock
from varna.services.subjects.common import linked_tables, plan, resolve
from varna.services.subjects.ports import SubjectScope, SubjectUnitOfWork, TableCount


@dataclass(frozen=True, slots=True)
class FindResult:
    scope: SubjectScope
    tables: tuple[TableCount, ...]
    categories: dict[str, int]  # category -> rows holding it
    erasable: dict[str, int]  # table -> rows an erasure would still change

    @property
    def found(self) -> bool:
        return bool(self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "person_ids": list(self.scope.person_ids),
            "tables": [
                {"table": c.table, "rows": c.rows, "match": "mention" if c.mention_column
                 else "linked", "column": c.mention_column}
                for c in self.tables
            ],
            "categories": self.categories,
            "erasable": self.erasable,
        }  # fmt: skip


def find_subject(
    uow: SubjectUnitOfWork,
    catalog: Catalog,
    keys: Sequence[SubjectKey],
    *,
    actor: str,
    clock: Clock,
    secret: bytes,
) -> FindResult:
    with uow:
        scope = resolve(uow, keys, secret=secret)
        counts = uow.subjects.counts(scope)
        categories: dict[str, int] = {}
        for count in counts:
            entry = catalog.table(count.table)
            columns = [count.mention_column] if count.mention_column else list(entry.personal)
            for category in sorted({entry.personal[c].category for c in columns}):
                categories[category] = categories.get(category, 0) + count.rows
        tables = linked_tables(counts)
        plans = plan(uow, catalog, scope, tables, today=clock.now().date(), counts=counts)
        erasable = uow.subjects.pending(scope, plans)
        erasable.update({c.table: c.rows for c in counts if c.mention_column})
        uow.audit.record(
            AuditEvent(
                actor=actor,
                action="subject.find",
                target=_target(scope),
                details={"tables": {c.table: c.rows for c in counts}, "kinds": _kinds(keys)},
            ),
            at=clock.now(),
        )
        uow.commit()
    return FindResult(scope, tuple(counts), dict(sorted(categories.items())), erasable)


def _target(scope: SubjectScope) -> str | None:
    return ",".join(f"person:{p}" for p in scope.person_ids)[:120] or None


def _kinds(keys: Sequence[SubjectKey]) -> list[str]:
    return sorted({k.kind for k in keys})
