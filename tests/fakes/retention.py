"""The retention store: holds, legitimate-interest decisions, the controllers' instructions,
runs and their batches, and the evidence vault.

What is due is the adapters' set-based SQL, tested against real databases; here a test says
what each target has due (:meth:`FakeRetentionStore.set_due`) and what its batches do
(:meth:`FakeRetentionStore.queue_batches`), and the fake keeps the sweep contexts it was
given, so a test checks the service's decisions: which targets it sweeps, with which
cut-offs and holds, what it records, and how it resumes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.domain.retention.holds import HoldScope
from varna.domain.retention.instructions import ControllerInstruction
from varna.domain.retention.interest import InterestDecision
from varna.domain.retention.targets import Target
from varna.services.retention.ports import (
    BatchResult,
    DueCount,
    RetentionStore,
    RunRecord,
    SweepContext,
    VaultEntry,
)


class RunKilled(Exception):
    """What :attr:`FakeRetentionStore.crash_at` raises: the process died mid-batch."""


@dataclass(frozen=True, slots=True)
class VaultRead:
    entry_id: int
    actor: str
    role: str
    allowed: bool
    at: datetime


class FakeRetentionStore(FakeStore):
    outside_transactions = ("seen", "recorded", "crash_at")

    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory
        self.hold_rows: dict[int, HoldScope] = {}
        self.released: dict[int, datetime] = {}
        self.decisions: dict[int, InterestDecision] = {}
        self.decided_by: dict[int, str] = {}
        self.instructions: list[ControllerInstruction] = []
        self.run_rows: dict[int, RunRecord] = {}
        self.batches: list[tuple[int, BatchResult]] = []
        self.due: dict[str, DueCount] = {}
        self.scripted: dict[str, list[list[BatchResult]]] = {}
        self.seen: list[tuple[str, SweepContext]] = []  # (target, context) of each batch asked
        self.recorded = 0  # calls of record_batch, committed or not
        self.crash_at: int | None = None  # that call of record_batch raises (a killed run)
        self.people_due: dict[str, list[int]] = {}
        self.vault: dict[int, tuple[VaultEntry, Mapping[str, Any]]] = {}
        self.vault_reads: list[VaultRead] = []
        self._next = 1

    def _take(self) -> int:
        taken, self._next = self._next, self._next + 1
        return taken

    # -- set-up for tests ---------------------------------------------------------------
    def add_hold(self, hold: HoldScope) -> None:
        self.hold_rows[hold.id] = hold

    def set_due(
        self,
        target: str,
        rows: int,
        *,
        subjects: int = 0,
        held_rows: int = 0,
        oldest: date | None = None,
    ) -> None:
        self.due[target] = DueCount(target, rows, subjects, oldest, held_rows)

    def queue_batches(self, target: str, *batches: list[BatchResult]) -> None:
        """What the next calls of ``sweep_batch`` for ``target`` do, one list per batch."""
        self.scripted.setdefault(target, []).extend(batches)

    def add_vault_entry(
        self,
        source_table: str,
        payload: Mapping[str, Any],
        *,
        at: datetime,
        end_date: date,
        person_id: int | None = None,
    ) -> int:
        entry_id = self._take()
        rows = len(payload.get("rows", [])) if isinstance(payload.get("rows"), list) else 1
        entry = VaultEntry(entry_id, source_table, rows, person_id, None, None, at, end_date)
        self.vault[entry_id] = (entry, dict(payload))
        return entry_id

    # -- holds --------------------------------------------------------------------------
    def holds(self) -> list[HoldScope]:
        return [h for i, h in sorted(self.hold_rows.items()) if i not in self.released]

    def release_holds(self, hold_ids: Sequence[int], at: datetime) -> int:
        released = 0
        for hold_id in hold_ids:
            if hold_id in self.hold_rows and hold_id not in self.released:
                self.released[hold_id] = at
                released += 1
        return released

    def reapprove_hold(self, hold_id: int, review_date: date) -> bool:
        if hold_id not in self.hold_rows or hold_id in self.released:
            return False
        self.hold_rows[hold_id] = replace(self.hold_rows[hold_id], review_date=review_date)
        return True

    # -- legitimate interest ------------------------------------------------------------
    def interest_decisions(self) -> list[InterestDecision]:
        return [d for _, d in sorted(self.decisions.items())]

    def add_interest_decision(
        self, *, category: str, reason: str, end_date: date, decided_by: str, at: datetime
    ) -> int:
        decision_id = self._take()
        self.decisions[decision_id] = InterestDecision(
            decision_id, category, reason, end_date, at.date()
        )
        self.decided_by[decision_id] = decided_by
        return decision_id

    # -- instructions -------------------------------------------------------------------
    def controller_instructions(
        self, customer_id: int | None = None
    ) -> list[ControllerInstruction]:
        return [i for i in self.instructions if customer_id is None or i.customer_id == customer_id]

    def add_controller_instruction(
        self,
        *,
        customer_id: int,
        usage_days: int,
        action: str,
        location_days: int | None,
        reference: str | None,
        recorded_by: str,
        at: datetime,
        after_contract_days: int | None = None,
    ) -> ControllerInstruction:
        version = 1 + len(self.controller_instructions(customer_id))
        recorded = ControllerInstruction(
            customer_id,
            version,
            usage_days,
            action,
            location_days,
            reference,
            recorded_by,
            at,
            after_contract_days,
        )
        self.instructions.append(recorded)
        return recorded

    def is_customer(self, organisation_id: int) -> bool:
        organisation = self.directory.organisations.get(organisation_id)
        return organisation is not None and organisation.kind == "customer"

    # -- runs ---------------------------------------------------------------------------
    def open_run(self, as_of: date) -> RunRecord | None:
        return next(
            (r for r in self.run_rows.values() if r.as_of == as_of and r.finished_at is None),
            None,
        )

    def start_run(
        self, *, as_of: date, actor: str, at: datetime, plan: Mapping[str, Any], due_rows: int
    ) -> int:
        run_id = self._take()
        self.run_rows[run_id] = RunRecord(run_id, as_of, "running", at, None, due_rows, dict(plan))
        return run_id

    def record_batch(self, run_id: int, batch: BatchResult, at: datetime) -> None:
        self.recorded += 1
        if self.recorded == self.crash_at:
            raise RunKilled(f"the run was killed at batch {self.recorded}")
        self.batches.append((run_id, batch))

    def finish_run(self, run_id: int, at: datetime) -> None:
        self.run_rows[run_id] = replace(self.run_rows[run_id], status="finished", finished_at=at)

    def prune_audit_log(self, before: datetime, at: datetime) -> tuple[int, int] | None:
        return None  # the fake keeps no audit chain (tests/fakes/audit.py)

    def run_totals(self, run_id: int) -> list[tuple[str, str, int, int]]:
        totals: dict[tuple[str, str], tuple[int, int]] = {}
        for rid, batch in self.batches:
            if rid == run_id:
                rows, subjects = totals.get((batch.target, batch.action), (0, 0))
                totals[(batch.target, batch.action)] = (
                    rows + batch.rows,
                    subjects + batch.subjects,
                )
        return [(t, a, r, s) for (t, a), (r, s) in sorted(totals.items())]

    def runs(self, limit: int) -> list[RunRecord]:
        return sorted(self.run_rows.values(), key=lambda r: r.id, reverse=True)[:limit]

    # -- the work -----------------------------------------------------------------------
    def count_due(self, target: Target, ctx: SweepContext) -> DueCount:
        return self.due.get(target.key, DueCount(target.key, 0, 0, None))

    def sweep_batch(self, target: Target, ctx: SweepContext, batch_rows: int) -> list[BatchResult]:
        self.seen.append((target.key, ctx))
        queued = self.scripted.get(target.key)
        return queued.pop(0) if queued else []

    def due_people(self, target: Target, ctx: SweepContext, limit: int) -> list[int]:
        return self.people_due.get(target.key, [])[:limit]

    def evidence_hold_of_person(self, person_id: int, ctx: SweepContext) -> HoldScope | None:
        return next((h for h in ctx.evidence_holds if h.person_id == person_id), None)

    # -- the vault ----------------------------------------------------------------------
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
        entry_id = self._take()
        entry = VaultEntry(
            entry_id,
            source_table,
            len(rows),
            person_id,
            organisation_id,
            hold.id,
            ctx.now,
            hold.review_date,
        )
        self.vault[entry_id] = (entry, {"rows": [dict(r) for r in rows]})
        return entry_id

    def vault_entries(self, limit: int) -> list[VaultEntry]:
        return [entry for _, (entry, _) in sorted(self.vault.items())][:limit]

    def vault_payload(self, entry_id: int) -> Mapping[str, Any] | None:
        found = self.vault.get(entry_id)
        return found[1] if found else None

    def log_vault_read(
        self, entry_id: int, *, actor: str, role: str, allowed: bool, at: datetime
    ) -> None:
        self.vault_reads.append(VaultRead(entry_id, actor, role, allowed, at))


_: RetentionStore = FakeRetentionStore(FakeDirectory())
