"""Find a person's data everywhere (D1): counts per table and per category, with what an
erasure could still remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from varna.domain.audit import AuditAction
from varna.domain.subjects.keys import SubjectKey
from varna.services.ports import AuditEvent
from varna.services.subjects.common import SubjectContext, plan, resolve
from varna.services.subjects.ports import SubjectScope, TableCount


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
                {
                    "table": c.table,
                    "rows": c.rows,
                    "match": "mention" if c.mention_column else "linked",
                    "column": c.mention_column,
                }
                for c in self.tables
            ],
            "categories": self.categories,
            "erasable": self.erasable,
        }


def find_subject(ctx: SubjectContext, keys: Sequence[SubjectKey], *, actor: str) -> FindResult:
    catalog = ctx.catalog
    now = ctx.clock.now()
    with ctx.uow() as uow:
        scope = resolve(uow, keys, secret=ctx.secret)
        inventory = uow.subjects.inventory(scope, now.date())
        counts = inventory.counts
        categories: dict[str, int] = {}
        for count in counts:
            entry = catalog.table(count.table)
            columns = [count.mention_column] if count.mention_column else list(entry.personal)
            for category in sorted({entry.personal[c].category for c in columns}):
                categories[category] = categories.get(category, 0) + count.rows
        plans = plan(catalog, inventory, inventory.linked, today=now.date())
        erasable = uow.subjects.pending(scope, plans)
        erasable.update({c.table: c.rows for c in counts if c.mention_column})
        uow.audit.record(
            AuditEvent(
                actor=actor,
                action=AuditAction.SUBJECT_FIND,
                target=_target(scope),
                details={"tables": {c.table: c.rows for c in counts}, "kinds": _kinds(keys)},
            ),
            at=ctx.clock.now(),
        )
        uow.commit()
    return FindResult(scope, tuple(counts), dict(sorted(categories.items())), erasable)


def _target(scope: SubjectScope) -> str | None:
    return ",".join(f"person:{p}" for p in scope.person_ids)[:120] or None


def _kinds(keys: Sequence[SubjectKey]) -> list[str]:
    return sorted({k.kind for k in keys})
