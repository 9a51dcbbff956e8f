"""The records of rights in use (restrictions, objections, suppressions, disclosures, the
notice outbox, erasure runs, controller requests), and stand-ins for the subject engine.

:class:`ResolvingSubjectStore` answers ``resolve`` from the directory and refuses every
other call with an error that says so, so a test that strays into the engine fails loudly
instead of passing on made-up data. :class:`FakeSubjectStore` adds what a test declares of
the person found: their rows per table, mentions of them, the erasure facts; it carries out
the plans it is given on those counts. Which rows an erasure step touches (links, sole
traders, clocks in SQL) is the real engine's, tested against the databases."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NoReturn

from tests.fakes.audit import FakeAuditLog
from tests.fakes.jobs import FakeJobQueue
from tests.fakes.notices import FakeNoticeStore
from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.catalog.model import IdentifierKind
from varna.domain.subjects.erasure import ENDED, RUNNING, Hold, TableAction, TablePlan
from varna.domain.subjects.keys import SIM_KINDS, SubjectKey
from varna.services.ports import AuditEvent
from varna.services.subjects.ports import (
    ErasureFacts,
    ErasureRecord,
    Inventory,
    Objection,
    RightsStore,
    SubjectScope,
    SubjectStore,
    TableCount,
    TableRows,
)

PERSON_LOOKUPS = ("email", "phone", "personnummer", IdentifierKind.PERSON_ID)


class NotInTheFake(AssertionError):
    """The test reached a part of the subject engine this fake does not model."""


class ResolvingSubjectStore(FakeStore):
    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory

    def resolve(
        self, keys: Sequence[SubjectKey], *, email_hash: Callable[[str], str]
    ) -> SubjectScope:
        person_ids: set[int] = set()
        values: dict[str, set[str]] = {}
        for key in keys:
            values.setdefault(key.kind, set()).add(key.value)
            if key.kind in PERSON_LOOKUPS:
                person_ids.update(self.directory.person_by(key.kind, key.value))
        for person_id in person_ids:
            person = self.directory.people[person_id]
            for kind in ("email", "phone", "personnummer"):
                value = getattr(person, kind)
                if value:
                    values.setdefault(kind, set()).add(value)
        ordered = tuple(sorted(person_ids))
        names = tuple(self.directory.people[p].name for p in ordered)
        return SubjectScope(
            keys=tuple(keys),
            person_ids=ordered,
            anchors={},
            values={kind: tuple(sorted(found)) for kind, found in values.items()},
            names=names,
            mention_terms=(),
        )

    def _not_modelled(self, what: str) -> NoReturn:
        raise NotInTheFake(f"the subject engine's {what} is not modelled by this fake")

    def inventory(self, scope: SubjectScope, today: date) -> Inventory:
        self._not_modelled("inventory")

    def rows(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        self._not_modelled("rows")

    def stream(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        self._not_modelled("stream")

    def mentions(self, scope: SubjectScope) -> list[TableRows]:
        self._not_modelled("mentions")

    def other_names(self, scope: SubjectScope) -> set[str]:
        self._not_modelled("other_names")

    def apply(
        self,
        scope: SubjectScope,
        plans: Sequence[TablePlan],
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        self._not_modelled("apply")

    def pending(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> dict[str, int]:
        self._not_modelled("pending")

    def erase_mentions(self, scope: SubjectScope) -> dict[str, int]:
        self._not_modelled("erase_mentions")

    def owns(self, scope: SubjectScope, table: str, record_id: int) -> bool:
        self._not_modelled("owns")

    def rectify(self, table: str, column: str, record_id: int, value: str | None) -> Any:
        self._not_modelled("rectify")


class FakeSubjectStore(ResolvingSubjectStore):
    """The subject engine over what a test declares of the person the identifiers find
    (whoever that is: the fake models one person's data). ``holds_rows("invoices", 3)``
    gives them three invoices, ``holds_record`` a row with values (for ``rows``, ``owns``
    and ``rectify``), ``mentioned_in`` rows of other people's free text naming them; the
    erasure facts are attributes (``running_contract``, ``holds``, ``clocks``,
    ``controllers``, ``clock_rows``). ``apply`` carries out each plan on the counts (a
    deleted or anonymised row is no longer the person's; a cleared one stays, done) and
    keeps the plans in ``applied``; ``pending`` is what the plans would still change.
    ``other_names`` answers ``others`` (names of other people on the person's records);
    ``stream`` is not modelled."""

    def __init__(self, directory: FakeDirectory) -> None:
        super().__init__(directory)
        self.counts: dict[str, int] = {}  # table -> the person's rows
        self.records: dict[str, dict[int, dict[str, Any]]] = {}  # table -> id -> values
        self.mention_counts: dict[tuple[str, str], int] = {}  # (table, column) -> rows
        self.cleared: dict[str, set[str]] = {}  # table -> columns emptied in the rows left
        self.running_contract = False
        self.holds: list[Hold] = []
        self.clocks: dict[str, date | None] = {}
        self.controllers: dict[int, tuple[int, ...]] = {}
        self.clock_rows: dict[str, dict[date | None, int]] = {}
        self.applied: list[TablePlan] = []
        self.others: set[str] = set()

    # -- for tests ----------------------------------------------------------------------
    def holds_rows(self, table: str, count: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + count

    def holds_record(self, table: str, record_id: int, **values: Any) -> None:
        self.records.setdefault(table, {})[record_id] = dict(values)
        self.holds_rows(table, 1)

    def mentioned_in(self, table: str, column: str, count: int) -> None:
        self.mention_counts[(table, column)] = count

    def hold(self, kind: str, review_date: date, *, table: str | None = None) -> None:
        scope = "person" if table is None else "table"
        self.holds.append(Hold(len(self.holds) + 1, kind, review_date, scope, table))

    # -- the port -----------------------------------------------------------------------
    def resolve(
        self, keys: Sequence[SubjectKey], *, email_hash: Callable[[str], str]
    ) -> SubjectScope:
        """As the directory says, and the SIMs an ICCID, IMSI or MSISDN names (anchors)."""
        scope = super().resolve(keys, email_hash=email_hash)
        sims = sorted(
            sim.id
            for sim in self.directory.sims.values()
            for key in keys
            if key.kind in SIM_KINDS and getattr(sim, key.kind) == key.value
        )
        return replace(scope, anchors={"sims": tuple(sims)}) if sims else scope

    def inventory(self, scope: SubjectScope, today: date) -> Inventory:
        facts = ErasureFacts(
            running_contract=self.running_contract,
            holds=tuple(h for h in self.holds if h.review_date >= today),
            clocks=dict(self.clocks),
            controllers=dict(self.controllers),
            clock_rows={t: dict(rows) for t, rows in self.clock_rows.items()},
        )
        if not scope.found:
            return Inventory((), replace(facts, controllers={}))
        counts = [TableCount(t, n) for t, n in sorted(self.counts.items()) if n]
        counts += [
            TableCount(t, n, mention_column=c)
            for (t, c), n in sorted(self.mention_counts.items())
            if n
        ]
        return Inventory(tuple(counts), facts)

    def rows(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        records = self.records.get(table, {}) if scope.found else {}
        rows = [
            (record_id, *(values.get(c) for c in columns))
            for record_id, values in sorted(records.items())
        ]
        return TableRows(table, ("id", *columns), rows)

    def other_names(self, scope: SubjectScope) -> set[str]:
        return set(self.others)

    def mentions(self, scope: SubjectScope) -> list[TableRows]:
        return []  # counted in the inventory; their text is the real engine's to find

    def _changes(self, plan: TablePlan) -> int:
        """The rows ``plan`` would change now."""
        if plan.action is TableAction.NONE:
            return 0
        if plan.action is TableAction.CLEAR and set(plan.clear) <= self.cleared.get(
            plan.table, set()
        ):
            return 0
        rows = self.counts.get(plan.table, 0)
        if plan.rows in (ENDED, RUNNING):
            starts = self.clock_rows.get(plan.table, {})
            ended = sum(
                n
                for start, n in starts.items()
                if start is not None and plan.cutoff and start <= plan.cutoff
            )
            rows = min(rows, ended if plan.rows == ENDED else rows - ended)
        return rows

    def apply(
        self,
        scope: SubjectScope,
        plans: Sequence[TablePlan],
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        changed: dict[str, int] = {}
        for plan in plans:
            self.applied.append(plan)
            rows = self._changes(plan)
            if plan.action is TableAction.NONE:
                continue
            if plan.action is TableAction.CLEAR:
                self.cleared.setdefault(plan.table, set()).update(plan.clear)
            else:
                self.counts[plan.table] = self.counts.get(plan.table, 0) - rows
                if not self.counts[plan.table]:
                    self.records.pop(plan.table, None)
            if rows:
                changed[plan.table] = changed.get(plan.table, 0) + rows
            if on_step is not None:
                on_step(plan.table)
        return changed

    def pending(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> dict[str, int]:
        found: dict[str, int] = {}
        for plan in plans:
            rows = self._changes(plan)
            if rows:
                found[plan.table] = found.get(plan.table, 0) + rows
        return found

    def erase_mentions(self, scope: SubjectScope) -> dict[str, int]:
        changed: dict[str, int] = {}
        for (table, _), rows in self.mention_counts.items():
            if rows:
                changed[table] = changed.get(table, 0) + rows
        self.mention_counts = {}
        return changed

    def owns(self, scope: SubjectScope, table: str, record_id: int) -> bool:
        if table == "people":
            return record_id in scope.person_ids
        return scope.found and record_id in self.records.get(table, {})

    def rectify(self, table: str, column: str, record_id: int, value: str | None) -> Any:
        values = self.records.setdefault(table, {}).setdefault(record_id, {})
        old = values.get(column)
        values[column] = value
        return old


@dataclass(frozen=True, slots=True)
class Restriction:
    id: int
    person_id: int
    reason: str
    at: datetime
    lifted_at: datetime | None = None
    lift_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ControllerRequestRow:
    organisation_id: int
    person_id: int | None
    kind: str
    sim_ids: tuple[int, ...]
    status: str
    instruction_ref: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ErasureRun:
    id: int
    person_id: int | None
    actor: str
    at: datetime
    outcome: Mapping[str, Any]
    instruction: str | None


class FakeRightsStore(FakeStore):
    def __init__(
        self,
        directory: FakeDirectory,
        notices: FakeNoticeStore,
        audit: FakeAuditLog | None = None,
        jobs: FakeJobQueue | None = None,
    ) -> None:
        self.directory = directory
        self.notices = notices
        # where an erasure's record writes its audit events and wakes the delivery
        self.audit = audit if audit is not None else FakeAuditLog()
        self.jobs = jobs if jobs is not None else FakeJobQueue()
        self.restrictions: dict[int, Restriction] = {}
        self.objection_rows: dict[int, tuple[int, Objection]] = {}  # id -> (person, objection)
        self.suppressions: dict[str, int] = {}  # keyed hash -> id
        self.rectifications: list[tuple[int, str, str, int, str | None, str | None]] = []
        self.holds: dict[int, dict[str, Any]] = {}
        self.controller_requests: list[ControllerRequestRow] = []
        self.erasure_runs: list[ErasureRun] = []
        self._next = 1

    def _take(self) -> int:
        taken, self._next = self._next, self._next + 1
        return taken

    def restrict(self, person_id: int, reason: str, at: datetime) -> int:
        restriction_id = self._take()
        self.restrictions[restriction_id] = Restriction(restriction_id, person_id, reason, at)
        return restriction_id

    def active_restriction(self, person_id: int) -> int | None:
        active = [
            r.id
            for r in self.restrictions.values()
            if r.person_id == person_id and r.lifted_at is None
        ]
        return max(active) if active else None

    def lift(self, person_id: int, reason: str, at: datetime) -> int | None:
        current = self.active_restriction(person_id)
        if current is not None:
            self.restrictions[current] = replace(
                self.restrictions[current], lifted_at=at, lift_reason=reason
            )
        return current

    def add_objection(
        self, person_id: int, purpose: str, at: datetime, overriding_reason: str | None
    ) -> int:
        objection_id = self._take()
        self.objection_rows[objection_id] = (
            person_id,
            Objection(objection_id, purpose, at, overriding_reason),
        )
        return objection_id

    def objections(self, person_id: int) -> list[Objection]:
        return [o for p, o in self.objection_rows.values() if p == person_id]

    def record_overriding_reason(self, objection_id: int, reason: str, at: datetime) -> None:
        person_id, objection = self.objection_rows[objection_id]
        self.objection_rows[objection_id] = (
            person_id,
            replace(objection, overriding_reason=reason),
        )

    def suppress(self, email_hmac: str) -> int:
        if email_hmac not in self.suppressions:
            self.suppressions[email_hmac] = self._take()
        return self.suppressions[email_hmac]

    def is_suppressed(self, email_hmac: str) -> bool:
        return email_hmac in self.suppressions

    def restricted_people(self) -> set[int]:
        return {r.person_id for r in self.restrictions.values() if r.lifted_at is None}

    def objected_people(self, purpose: str, *, absolute: bool) -> set[int]:
        return {
            p
            for p, o in self.objection_rows.values()
            if o.purpose == purpose and (absolute or o.overriding_reason is None)
        }

    def suppressed_hashes(self) -> set[str]:
        return set(self.suppressions)

    def emails_of(self, person_ids: Sequence[int] | None = None) -> dict[int, str]:
        return {
            p.id: p.email
            for p in self.directory.people.values()
            if p.email is not None and (person_ids is None or p.id in person_ids)
        }

    def record_rectification(
        self,
        person_id: int,
        table: str,
        column: str,
        record_id: int,
        old_value: str | None,
        statement: str | None,
        at: datetime,
    ) -> int:
        self.rectifications.append((person_id, table, column, record_id, old_value, statement))
        return len(self.rectifications)

    def add_hold(
        self,
        *,
        kind: str,
        reason: str,
        reference: str,
        owner: str,
        review_date: date,
        scope: str,
        person_id: int | None,
        organisation_id: int | None,
        scope_table: str | None,
        at: datetime,
    ) -> int:
        hold_id = self._take()
        self.holds[hold_id] = {
            "kind": kind,
            "reason": reason,
            "review_date": review_date,
            "scope": scope,
            "person_id": person_id,
        }
        return hold_id

    def record_disclosure(
        self, recipient: str, person_id: int, categories: Sequence[str], at: datetime
    ) -> int:
        return self.notices.disclose(recipient, person_id, categories, at)

    def recipients_of(self, person_ids: Sequence[int]) -> dict[str, list[int]]:
        found: dict[str, set[int]] = {}
        for row in self.notices.disclosure_log:
            if row.person_id in person_ids:
                found.setdefault(row.recipient, set()).add(row.person_id)
        return {r: sorted(ids) for r, ids in sorted(found.items())}

    def enqueue(
        self,
        *,
        kind: str,
        dedupe_key: str,
        details: Mapping[str, Any],
        at: datetime,
        recipient: str | None = None,
        person_id: int | None = None,
        organisation_id: int | None = None,
    ) -> bool:
        return self.notices.queue(
            kind=kind,
            dedupe_key=dedupe_key,
            details=details,
            at=at,
            recipient=recipient,
            person_id=person_id,
            organisation_id=organisation_id,
        )

    def record_erasure_run(
        self,
        person_id: int | None,
        actor: str,
        at: datetime,
        outcome: Mapping[str, Any],
        instruction: str | None,
    ) -> int:
        run_id = self._take()
        self.erasure_runs.append(ErasureRun(run_id, person_id, actor, at, outcome, instruction))
        return run_id

    def record_controller_request(
        self,
        *,
        organisation_id: int,
        person_id: int | None,
        kind: str,
        sim_ids: Sequence[int],
        status: str,
        instruction_ref: str | None,
        at: datetime,
    ) -> int:
        self.controller_requests.append(
            ControllerRequestRow(
                organisation_id, person_id, kind, tuple(sim_ids), status, instruction_ref, at
            )
        )
        return len(self.controller_requests)

    def record_erasure(self, record: ErasureRecord) -> tuple[int, int]:
        """As the engine does on SQLite: the notices, the requests of the new ones, the run,
        the delivery job when a notice is new, then the audit events with the run's own."""
        at = record.at
        fresh = [
            notice.dedupe_key
            for notice in record.notices
            if self.enqueue(
                kind=notice.kind,
                dedupe_key=notice.dedupe_key,
                details=notice.details,
                at=at,
                recipient=notice.recipient,
                person_id=notice.person_id,
                organisation_id=notice.organisation_id,
            )
        ]
        for request in record.requests:
            if request.notice in fresh:
                self.record_controller_request(
                    organisation_id=request.organisation_id,
                    person_id=request.person_id,
                    kind=request.kind,
                    sim_ids=request.sim_ids,
                    status=request.status,
                    instruction_ref=request.instruction_ref,
                    at=at,
                )
        run_id = self.record_erasure_run(
            record.person_id, record.actor, at, record.outcome, record.instruction
        )
        if fresh:
            task, key = record.wake
            self.jobs.enqueue(task, f"{key}{run_id}", request_id=None, at=at)
        summary = record.summary
        self.audit.record_many(
            [
                *record.events,
                AuditEvent(
                    summary.actor,
                    summary.action,
                    f"erasure_run:{run_id}",
                    {**summary.details, "notices": len(fresh)},
                ),
            ],
            at=at,
        )
        return run_id, len(fresh)


_subjects: SubjectStore = ResolvingSubjectStore(FakeDirectory())
_engine: SubjectStore = FakeSubjectStore(FakeDirectory())
_rights: RightsStore = FakeRightsStore(FakeDirectory(), FakeNoticeStore(FakeDirectory()))
