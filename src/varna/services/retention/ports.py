"""The Protocol the retention use cases depend on; ``varna.adapters.db.retention`` implements it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from varna.domain.retention.holds import HeldScopes, HoldScope
from varna.domain.retention.instructions import ControllerInstruction, InstructionCutoffs
from varna.domain.retention.interest import InterestDecision
from varna.domain.retention.targets import Target
from varna.services.requests.ports import RequestStore
from varna.services.subjects.ports import SubjectUnitOfWork


@dataclass(frozen=True, slots=True)
class SweepContext:
    """What one sweep day knows: its date, the cut-off per target (data whose clock started
    on or before it is due), the active holds, k for usage totals, the run, the cut-offs of
    the controllers' instructions (customer id -> cut-offs; A2), and the cut-offs of every
    subject role's rule (role -> cut-off; a person goes when each of their roles is due)."""

    as_of: date
    now: datetime
    cutoffs: Mapping[str, date | None]
    legal: HeldScopes
    evidence: HeldScopes
    evidence_holds: tuple[HoldScope, ...]
    k: int
    run_id: int | None = None
    instructions: Mapping[int, InstructionCutoffs] = field(default_factory=dict)
    role_cutoffs: Mapping[str, date | None] = field(default_factory=dict)
    dry_run: bool = False  # a dry run reports the exact oldest item of whole due months too
    # target -> the cut-off of its ``horizon`` rule: data started on or before it is due
    # whatever the rows its clock reads say (usage older than the invoices still kept)
    horizons: Mapping[str, date | None] = field(default_factory=dict)
    # target -> the cut-off of its ``contract_end`` rule: a customer whose contracts all
    # ended on or before it has all its usage due (a customer's instruction may say another)
    contract_ends: Mapping[str, date | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DueCount:
    target: str
    rows: int
    subjects: int
    oldest: date | None
    held_rows: int = 0


@dataclass(frozen=True, slots=True)
class BatchResult:
    target: str
    action: str  # delete | anonymise | clear | move
    rows: int
    subjects: int = 0
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    as_of: date
    status: str
    started_at: datetime
    finished_at: datetime | None
    due_rows: int
    plan: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class VaultEntry:
    id: int
    source_table: str
    rows: int
    person_id: int | None
    organisation_id: int | None
    hold_id: int | None
    moved_at: datetime
    end_date: date


class RetentionStore(Protocol):
    # -- holds (the subject engine's legal_holds table) ---------------------------------
    def holds(self) -> list[HoldScope]:
        """Holds not released."""
        ...

    def release_holds(self, hold_ids: Sequence[int], at: datetime) -> int: ...

    def reapprove_hold(self, hold_id: int, review_date: date) -> bool: ...

    # -- legitimate interest (R3) -------------------------------------------------------
    def interest_decisions(self) -> list[InterestDecision]: ...

    def add_interest_decision(
        self, *, category: str, reason: str, end_date: date, decided_by: str, at: datetime
    ) -> int: ...

    # -- the controllers' instructions on usage data (A2) ---------------------------------
    def controller_instructions(
        self, customer_id: int | None = None
    ) -> list[ControllerInstruction]:
        """Every version, oldest first (of one customer, or of all)."""
        ...

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
        """Record the next version of the customer's instruction."""
        ...

    def is_customer(self, organisation_id: int) -> bool: ...

    # -- runs ---------------------------------------------------------------------------
    def open_run(self, as_of: date) -> RunRecord | None:
        """The unfinished run of ``as_of``, if a run was interrupted."""
        ...

    def start_run(
        self, *, as_of: date, actor: str, at: datetime, plan: Mapping[str, Any], due_rows: int
    ) -> int: ...

    def record_batch(self, run_id: int, batch: BatchResult, at: datetime) -> None: ...

    def finish_run(self, run_id: int, at: datetime) -> None: ...

    def prune_audit_log(self, before: datetime, at: datetime) -> tuple[int, int] | None:
        """Remove the audit entries at the start of the chain older than ``before``, behind
        a checkpoint: (the last position removed, entries removed), or None when none is."""
        ...

    def run_totals(self, run_id: int) -> list[tuple[str, str, int, int]]:
        """(target, action, rows, subjects) summed over the run's batches."""
        ...

    def runs(self, limit: int) -> list[RunRecord]:
        """The latest runs, newest first."""
        ...

    # -- the work -----------------------------------------------------------------------
    def count_due(self, target: Target, ctx: SweepContext) -> DueCount: ...

    def sweep_batch(self, target: Target, ctx: SweepContext, batch_rows: int) -> list[BatchResult]:
        """Do one bounded batch of ``target`` in the current transaction; [] when none is due.
        Not for ``subjects`` targets (the service erases people through the subject engine)."""
        ...

    def due_people(self, target: Target, ctx: SweepContext, limit: int) -> list[int]:
        """People of a ``subjects`` target (the first rule among their roles is the target's)
        whose every role is past its rule, that no retention run has erased yet, skipping
        those under a legal hold."""
        ...

    def evidence_hold_of_person(self, person_id: int, ctx: SweepContext) -> HoldScope | None: ...

    # -- the evidence vault (R6) --------------------------------------------------------
    def put_in_vault(
        self,
        *,
        hold: HoldScope,
        source_table: str,
        rows: Sequence[Mapping[str, Any]],
        ctx: SweepContext,
        person_id: int | None,
        organisation_id: int | None,
    ) -> int: ...

    def vault_entries(self, limit: int) -> list[VaultEntry]: ...

    def vault_payload(self, entry_id: int) -> Mapping[str, Any] | None: ...

    def log_vault_read(
        self, entry_id: int, *, actor: str, role: str, allowed: bool, at: datetime
    ) -> None: ...


class RetentionUnitOfWork(SubjectUnitOfWork, Protocol):
    retention: RetentionStore
    requests: RequestStore  # the extract copies of answered requests (R1)
