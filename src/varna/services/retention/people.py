"""R2 for people: a batch of people whose relationship ended is erased through the subject
engine (its inventory, its decisions per column, its set-based erasure steps), in the batch's
transaction. An evidence hold (R6) moves the person's rows to the vault first."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from varna.catalog import Catalog
from varna.domain.retention.targets import Action, Target
from varna.domain.subjects.erasure import ErasureContext, TableAction, plan_erasure
from varna.domain.subjects.keys import IdentifierKind, SubjectKey
from varna.services.retention.ports import BatchResult, RetentionUnitOfWork, SweepContext
from varna.services.subjects.common import resolve

EVIDENCE = "evidence"
RETENTION_ACTOR_PREFIX = "retention:"


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _to_vault(
    uow: RetentionUnitOfWork,
    catalog: Catalog,
    scope: Any,
    tables: list[str],
    person_id: int,
    ctx: SweepContext,
) -> bool:
    hold = uow.retention.evidence_hold_of_person(person_id, ctx)
    if hold is None:
        return False
    for name in tables:
        fetched = uow.subjects.rows(scope, name, catalog.table(name).columns)
        rows = [
            {column: _jsonable(value) for column, value in zip(fetched.columns, row, strict=True)}
            for row in fetched.rows
        ]
        if rows:
            uow.retention.put_in_vault(
                hold=hold,
                source_table=name,
                rows=rows,
                ctx=ctx,
                person_id=person_id,
                organisation_id=None,
            )
    return True


def erase_people_batch(
    uow: RetentionUnitOfWork,
    catalog: Catalog,
    target: Target,
    ctx: SweepContext,
    *,
    limit: int,
    secret: bytes,
) -> list[BatchResult]:
    person_ids = uow.retention.due_people(target, ctx, limit)
    if not person_ids:
        return []
    changed: dict[str, int] = {}
    moved = 0
    for person_id in person_ids:
        key = SubjectKey(IdentifierKind.PERSON_ID, str(person_id))
        scope = resolve(uow, (key,), secret=secret)
        inventory = uow.subjects.inventory(scope, ctx.as_of)
        tables, facts = inventory.linked, inventory.facts
        context = ErasureContext(
            today=ctx.as_of,
            running_contract=facts.running_contract,
            holds=tuple(h for h in facts.holds if h.kind != EVIDENCE),  # moved, not kept
            clocks=facts.clocks,
            clock_rows=facts.clock_rows,  # R4: each invoice on its own fiscal year
        )
        plans = plan_erasure(catalog, tables, context)
        # a table may have two plans (rows whose own period ended, and the rest): once each
        changing = [p.table for p in plans if p.action is not TableAction.NONE]
        changing = list(dict.fromkeys(changing))
        if _to_vault(uow, catalog, scope, changing, person_id, ctx):
            moved += 1
        person_changed = uow.subjects.apply(scope, plans)
        for table, count in person_changed.items():
            changed[table] = changed.get(table, 0) + count
        uow.rights.record_erasure_run(
            person_id,
            f"{RETENTION_ACTOR_PREFIX}{ctx.run_id}",
            ctx.now,
            {"changed": person_changed, "rule": target.rule.id},
            None,
        )
    results = [
        BatchResult(
            target.key,
            Action.ANONYMISE.value,
            sum(changed.values()),
            len(person_ids),
            {"people": len(person_ids), "tables": changed},
        )
    ]
    if moved:
        results.append(
            BatchResult(target.key, Action.MOVE.value, moved, moved, {"to": "evidence_vault"})
        )
    return results
