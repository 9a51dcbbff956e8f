"""The retention store (R1-R6, P6): runs and their batches, holds, legitimate-interest
decisions, the evidence vault, and the set-based sweeps of every target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from varna.adapters.db.retention import (
    contract_columns,
    ledger,
    partitions,
    people,
    pg_days,
    processor,
    rows,
    usage,
)
from varna.adapters.db.retention.instructions import InstructionRows
from varna.adapters.db.tables import (
    evidence_vault,
    evidence_vault_reads,
    legal_holds,
    legitimate_interest_decisions,
    retention_batches,
    retention_runs,
)
from varna.catalog.model import Catalog
from varna.domain.retention.holds import HoldScope, evidence_hold_for
from varna.domain.retention.interest import InterestDecision
from varna.domain.retention.targets import Action, Target, TargetKind
from varna.domain.retention.vault import vault_end_date
from varna.services.retention.ports import (
    BatchResult,
    DueCount,
    RunRecord,
    SweepContext,
    VaultEntry,
)


class SqlRetentionStore(InstructionRows):
    """With the controllers' instructions (A2) of :class:`InstructionRows`."""

    def __init__(self, connection: Connection, catalog: Catalog) -> None:
        self._connection = connection
        self._catalog = catalog

    def _insert(self, statement: Any) -> int:
        key = self._connection.execute(statement).inserted_primary_key
        assert key is not None
        return int(key[0])

    # -- holds ----------------------------------------------------------------------------

    def holds(self) -> list[HoldScope]:
        query = select(
            legal_holds.c.id,
            legal_holds.c.kind,
            legal_holds.c.review_date,
            legal_holds.c.scope,
            legal_holds.c.person_id,
            legal_holds.c.organisation_id,
            legal_holds.c.scope_table,
        ).where(legal_holds.c.released_at.is_(None))
        return [
            HoldScope(*row) for row in self._connection.execute(query.order_by(legal_holds.c.id))
        ]

    def release_holds(self, hold_ids: Sequence[int], at: datetime) -> int:
        if not hold_ids:
            return 0
        return self._connection.execute(
            update(legal_holds)
            .where(legal_holds.c.id.in_(list(hold_ids)), legal_holds.c.released_at.is_(None))
            .values(released_at=at)
        ).rowcount

    def reapprove_hold(self, hold_id: int, review_date: date) -> bool:
        return bool(
            self._connection.execute(
                update(legal_holds)
                .where(legal_holds.c.id == hold_id, legal_holds.c.released_at.is_(None))
                .values(review_date=review_date)
            ).rowcount
        )

    # -- legitimate interest (R3) ---------------------------------------------------------

    def interest_decisions(self) -> list[InterestDecision]:
        t = legitimate_interest_decisions
        query = select(
            t.c.id, t.c.category, t.c.reason, t.c.end_date, t.c.decided_at, t.c.revoked_at
        )
        return [
            InterestDecision(row[0], row[1], row[2], row[3], row[4].date(), row[5] is not None)
            for row in self._connection.execute(query.order_by(t.c.id))
        ]

    def add_interest_decision(
        self, *, category: str, reason: str, end_date: date, decided_by: str, at: datetime
    ) -> int:
        return self._insert(
            insert(legitimate_interest_decisions).values(
                category=category,
                reason=reason,
                end_date=end_date,
                decided_by=decided_by,
                decided_at=at,
            )
        )

    # -- runs -----------------------------------------------------------------------------

    def _run(self, row: Any) -> RunRecord:
        return RunRecord(
            row.id, row.as_of, row.status, row.started_at, row.finished_at, row.due_rows, row.plan
        )

    def open_run(self, as_of: date) -> RunRecord | None:
        query = select(retention_runs).where(
            retention_runs.c.as_of == as_of, retention_runs.c.status == "running"
        )
        row = self._connection.execute(query.order_by(retention_runs.c.id.desc())).first()
        return None if row is None else self._run(row)

    def start_run(
        self, *, as_of: date, actor: str, at: datetime, plan: Mapping[str, Any], due_rows: int
    ) -> int:
        return self._insert(
            insert(retention_runs).values(
                as_of=as_of,
                actor=actor,
                status="running",
                started_at=at,
                due_rows=due_rows,
                plan=dict(plan),
            )
        )

    def record_batch(self, run_id: int, batch: BatchResult, at: datetime) -> None:
        self._connection.execute(
            insert(retention_batches).values(
                run_id=run_id,
                target=batch.target,
                action=batch.action,
                rows=batch.rows,
                subjects=batch.subjects,
                at=at,
                details=dict(batch.details),
            )
        )

    def finish_run(self, run_id: int, at: datetime) -> None:
        self._connection.execute(
            update(retention_runs)
            .where(retention_runs.c.id == run_id)
            .values(status="finished", finished_at=at)
        )

    def prune_audit_log(self, before: datetime, at: datetime) -> tuple[int, int] | None:
        from varna.adapters.db.audit import prune_before

        pruned = prune_before(self._connection, before, at=at)
        return None if pruned is None else (pruned.through_seq, pruned.entries_removed)

    def run_totals(self, run_id: int) -> list[tuple[str, str, int, int]]:
        b = retention_batches
        query = (
            select(b.c.target, b.c.action, func.sum(b.c.rows), func.sum(b.c.subjects))
            .where(b.c.run_id == run_id)
            .group_by(b.c.target, b.c.action)
            .order_by(b.c.target, b.c.action)
        )
        return [(t, a, int(r or 0), int(s or 0)) for t, a, r, s in self._connection.execute(query)]

    def runs(self, limit: int) -> list[RunRecord]:
        query = select(retention_runs).order_by(retention_runs.c.id.desc()).limit(limit)
        return [self._run(row) for row in self._connection.execute(query)]

    # -- the work -------------------------------------------------------------------------

    def count_due(self, target: Target, ctx: SweepContext) -> DueCount:
        if target.kind is TargetKind.SUBJECTS:
            due, held = people.count_people(self._connection, self._catalog, target, ctx)
            return DueCount(target.key, due, due, None, held)
        if target.kind is TargetKind.USAGE and self._connection.dialect.name == "postgresql":
            groups = usage.customer_cutoffs(self._connection, target, ctx)
            return partitions.count_due(self._connection, target, ctx, groups)
        if target.kind in (TargetKind.USAGE, TargetKind.COLUMNS):
            return usage.count_usage(self._connection, target, ctx)
        if target.kind is TargetKind.VAULT:
            return rows.count_vault(self._connection, target, ctx)
        if target.kind is TargetKind.PROCESSOR:
            return processor.count_due(self._connection, self._catalog, target, ctx)
        if target.kind is TargetKind.CONTRACT_COLUMNS:
            return contract_columns.count_due(self._connection, self._catalog, target, ctx)
        if target.kind is TargetKind.LEDGER:
            return ledger.count_due(self._connection, self._catalog, target, ctx)
        return rows.count_rows(self._connection, self._catalog, target, ctx)

    def sweep_batch(self, target: Target, ctx: SweepContext, batch_rows: int) -> list[BatchResult]:
        if target.kind is TargetKind.VAULT:
            return rows.sweep_vault(self._connection, target, ctx, batch_rows)
        if target.kind is TargetKind.ROWS:
            return rows.sweep_rows(
                self._connection, self._catalog, target, ctx, batch_rows, self._vault_writer(ctx)
            )
        if target.kind is TargetKind.SUBJECTS:
            raise ValueError("people are erased through the subject engine")
        if target.kind is TargetKind.PROCESSOR:
            return processor.sweep_batch(self._connection, self._catalog, target, ctx, batch_rows)
        if target.kind is TargetKind.LEDGER:
            return ledger.sweep_batch(self._connection, self._catalog, target, ctx, batch_rows)
        if target.kind is TargetKind.CONTRACT_COLUMNS:
            return contract_columns.clear_batch(
                self._connection, self._catalog, target, ctx, batch_rows
            )
        groups = usage.customer_cutoffs(self._connection, target, ctx)
        if not groups:
            return []
        if target.kind is TargetKind.COLUMNS:
            return usage.clear_batch(self._connection, target, groups, batch_rows)
        postgres = self._connection.dialect.name == "postgresql"
        if postgres:
            months = partitions.droppable(self._connection, groups)
            if months:
                return partitions.drop_months(self._connection, target, months, ctx, groups)
        deleting = usage.with_action(groups, Action.DELETE)
        done = (
            usage.delete_batch(self._connection, target, deleting, batch_rows) if deleting else []
        )
        anonymising = usage.with_action(groups, Action.ANONYMISE)
        if done or not anonymising:
            return done
        days = pg_days.anonymise_days if postgres else usage.anonymise_days
        return days(self._connection, target, anonymising, ctx, batch_rows)

    def due_people(self, target: Target, ctx: SweepContext, limit: int) -> list[int]:
        return people.due_people(self._connection, self._catalog, target, ctx, limit)

    def evidence_hold_of_person(self, person_id: int, ctx: SweepContext) -> HoldScope | None:
        hold = evidence_hold_for(ctx.evidence_holds, person_id=person_id, organisation_id=None)
        if hold is not None or not ctx.evidence.organisation_ids:
            return hold
        from varna.adapters.db.tables import person_roles

        organisations = self._connection.execute(
            select(person_roles.c.organisation_id).where(person_roles.c.person_id == person_id)
        ).scalars()
        for organisation in organisations:
            hold = evidence_hold_for(
                ctx.evidence_holds, person_id=None, organisation_id=organisation
            )
            if hold is not None:
                return hold
        return None

    # -- the evidence vault (R6) ----------------------------------------------------------

    def _vault_writer(self, ctx: SweepContext) -> rows.VaultWriter:
        def put(
            hold: HoldScope,
            source_table: str,
            payload: list[dict[str, Any]],
            person_id: int | None,
            organisation_id: int | None,
        ) -> int:
            return self.put_in_vault(
                hold=hold,
                source_table=source_table,
                rows=payload,
                ctx=ctx,
                person_id=person_id,
                organisation_id=organisation_id,
            )

        return put

    def put_in_vault(
        self,
        *,
        hold: HoldScope,
        source_table: str,
        rows: Sequence[Mapping[str, Any]],
        ctx: SweepContext,
        person_id: int | None,
        organisation_id: int | None,
    ) -> int:
        record_ids = [r["row"].get("id") if "row" in r else r.get("id") for r in rows]
        return self._insert(
            insert(evidence_vault).values(
                hold_id=hold.id,
                person_id=person_id,
                organisation_id=organisation_id,
                source_table=source_table,
                record_ids=record_ids,
                payload={"rows": [dict(r) for r in rows]},
                moved_at=ctx.now,
                end_date=vault_end_date(ctx.as_of),
                run_id=ctx.run_id,
            )
        )

    def vault_entries(self, limit: int) -> list[VaultEntry]:
        v = evidence_vault
        query = (
            select(
                v.c.id,
                v.c.source_table,
                v.c.record_ids,
                v.c.person_id,
                v.c.organisation_id,
                v.c.hold_id,
                v.c.moved_at,
                v.c.end_date,
            )
            .order_by(v.c.id.desc())
            .limit(limit)
        )
        return [
            VaultEntry(row[0], row[1], len(row[2] or []), row[3], row[4], row[5], row[6], row[7])
            for row in self._connection.execute(query)
        ]

    def vault_payload(self, entry_id: int) -> Mapping[str, Any] | None:
        query = select(evidence_vault.c.payload).where(evidence_vault.c.id == entry_id)
        found = self._connection.execute(query).scalar()
        return None if found is None else dict(found)

    def log_vault_read(
        self, entry_id: int, *, actor: str, role: str, allowed: bool, at: datetime
    ) -> None:
        self._connection.execute(
            insert(evidence_vault_reads).values(
                entry_id=entry_id, actor=actor, role=role, allowed=allowed, at=at
            )
        )
