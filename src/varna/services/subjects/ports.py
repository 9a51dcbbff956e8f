"""The Protocols the subject use cases depend on; ``varna.adapters.db.subjects`` implements them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from varna.domain.subjects.erasure import Hold, TablePlan
from varna.domain.subjects.keys import SubjectKey
from varna.services.ports import AuditEvent, TextStore, UnitOfWork

if TYPE_CHECKING:  # requests' ports import these ports
    from varna.services.requests.ports import JobQueue


@dataclass(frozen=True, slots=True)
class SubjectScope:
    """Who the person is, as the store found them, and every id the other statements need,
    read once: their people rows, the rows a lookup column matched (SIMs by ICCID, the
    suppression entry by its keyed hash), every identifier value known for them, the text
    forms searched for in free text, and the ids of the rows other tables hang on (their
    SIMs, invoices, cases). Later reads and writes need nothing else, and stay valid while
    an erasure cuts the links that found these rows. No SQL."""

    keys: tuple[SubjectKey, ...]
    person_ids: tuple[int, ...]
    anchors: Mapping[str, tuple[int, ...]]
    values: Mapping[str, tuple[str, ...]]  # identifier kind -> canonical values (given and found)
    names: tuple[str, ...]  # the person's own names, for removing mentions on erasure
    mention_terms: tuple[str, ...]
    # sole traders (enskild firma): organisations whose orgnr is the person's personnummer;
    # the firm's customer record and its records are the person's data
    organisation_ids: tuple[int, ...] = ()
    # a table other tables link to (``via``) -> the ids of its rows that are the person's
    targets: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # organisation id -> the person's rows of processor data it is the controller of (SIMs)
    controllers: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.person_ids or self.organisation_ids) or any(self.anchors.values())


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    rows: int
    mention_column: str | None = None  # set for rows found by a mention in free text


@dataclass(frozen=True, slots=True)
class TableRows:
    table: str
    columns: tuple[str, ...]  # ``id`` first
    rows: list[tuple[Any, ...]] | Iterable[tuple[Any, ...]]  # a list, or streamed (re-iterable)
    mention_column: str | None = None
    # the columns whose values come as dates or times (by their type, not by a sample of
    # rows: a column empty in the first rows may hold a date further on)
    dates: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ErasureFacts:
    running_contract: bool
    holds: tuple[Hold, ...]
    clocks: Mapping[str, date | None]
    controllers: Mapping[int, tuple[int, ...]]  # organisation id -> its SIM ids in scope
    # table -> clock start -> rows, where rows are kept under an exception on their own clock
    clock_rows: Mapping[str, Mapping[date | None, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Inventory:
    """What the store holds of the person on a day: their rows per table, the rows of other
    people's free text that mention them, and what an erasure decision needs to know."""

    counts: tuple[TableCount, ...]
    facts: ErasureFacts

    @property
    def linked(self) -> list[str]:
        """The tables that hold rows of the person (not only mentions), by name."""
        return sorted({c.table for c in self.counts if c.mention_column is None and c.rows})

    @property
    def rows(self) -> dict[str, int]:
        """The person's rows per table."""
        return {c.table: c.rows for c in self.counts if c.mention_column is None}


@dataclass(frozen=True, slots=True)
class QueuedNotice:
    """A notice for the outbox, queued once per ``dedupe_key``."""

    kind: str
    dedupe_key: str
    details: Mapping[str, Any]
    recipient: str | None = None
    person_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True, slots=True)
class ControllerRequest:
    """A request routed to a controller, or its instruction executed (A3): recorded when
    the notice named ``notice`` (its dedupe key) is queued for the first time, so the same
    request twice is one request."""

    notice: str
    organisation_id: int
    person_id: int | None
    kind: str
    sim_ids: tuple[int, ...]
    status: str
    instruction_ref: str | None


@dataclass(frozen=True, slots=True)
class ErasureRecord:
    """What an erasure writes besides the person's rows, in its transaction: the notices
    (Art. 19, A3) and the controller requests they carry, the erasure run, the job that
    wakes the delivery when a notice is new, and the audit events. ``summary`` is the
    run's own event: the store names the run as its target and adds ``notices``, the
    number of notices queued anew (both known only once written)."""

    person_id: int | None
    actor: str
    at: datetime
    outcome: Mapping[str, Any]
    instruction: str | None
    notices: tuple[QueuedNotice, ...]
    requests: tuple[ControllerRequest, ...]
    wake: tuple[str, str]  # (task, job key without the run id) of the delivery job
    events: tuple[AuditEvent, ...]
    summary: AuditEvent


class SubjectStore(Protocol):
    """The catalogue-driven walk over every table (set-based SQL, no loop over rows). Every
    call stands alone: what one needs of the person is in the scope it is given."""

    def resolve(
        self, keys: Sequence[SubjectKey], *, email_hash: Callable[[str], str]
    ) -> SubjectScope: ...

    def inventory(self, scope: SubjectScope, today: date) -> Inventory:
        """The person's rows per table, the mentions of them, and the erasure facts of
        ``today`` (running contracts, holds, retention clocks)."""
        ...

    def rows(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        """The person's rows of ``table``, all of them in a list."""
        ...

    def stream(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        """As ``rows``, but ``rows`` is read in batches (a server-side cursor) each time it
        is iterated, inside the unit of work: nothing holds all of them."""
        ...

    def mentions(self, scope: SubjectScope) -> list[TableRows]: ...

    def other_names(self, scope: SubjectScope) -> set[str]:
        """Names of other people linked to the same organisations and cases."""
        ...

    def apply(
        self,
        scope: SubjectScope,
        plans: Sequence[TablePlan],
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        """Carry out the plans as the domain's erasure steps say; return rows changed per
        table. ``on_step`` is called with the table after each statement."""
        ...

    def pending(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> dict[str, int]:
        """Rows per table that the plans would still change (0 once erased)."""
        ...

    def erase_mentions(self, scope: SubjectScope) -> dict[str, int]:
        """Replace the person's identifiers and names in other people's free text."""
        ...

    def owns(self, scope: SubjectScope, table: str, record_id: int) -> bool: ...

    def rectify(self, table: str, column: str, record_id: int, value: str | None) -> Any:
        """Set one column of one row; return the old value."""
        ...


@dataclass(frozen=True, slots=True)
class Objection:
    id: int
    purpose: str
    objected_at: datetime
    overriding_reason: str | None


class RightsStore(Protocol):
    """The records of rights in use: restrictions, objections, suppressions, history, holds,
    disclosures, the notice outbox, erasure runs and requests routed to controllers."""

    def restrict(self, person_id: int, reason: str, at: datetime) -> int: ...

    def active_restriction(self, person_id: int) -> int | None: ...

    def lift(self, person_id: int, reason: str, at: datetime) -> int | None: ...

    def add_objection(
        self, person_id: int, purpose: str, at: datetime, overriding_reason: str | None
    ) -> int: ...

    def objections(self, person_id: int) -> list[Objection]: ...

    def record_overriding_reason(self, objection_id: int, reason: str, at: datetime) -> None: ...

    def suppress(self, email_hmac: str) -> int: ...

    def is_suppressed(self, email_hmac: str) -> bool: ...

    def restricted_people(self) -> set[int]:
        """Every person under an active restriction (set-based, for sends)."""
        ...

    def objected_people(self, purpose: str, *, absolute: bool) -> set[int]:
        """People who objected to ``purpose``; unless ``absolute``, only those without a
        recorded overriding reason."""
        ...

    def suppressed_hashes(self) -> set[str]:
        """The keyed hashes on the direct-marketing suppression list."""
        ...

    def emails_of(self, person_ids: Sequence[int] | None = None) -> dict[int, str]:
        """The e-mail address of each person (all people when ``person_ids`` is None)."""
        ...

    def record_rectification(
        self,
        person_id: int,
        table: str,
        column: str,
        record_id: int,
        old_value: str | None,
        statement: str | None,
        at: datetime,
    ) -> int: ...

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
    ) -> int: ...

    def record_disclosure(
        self, recipient: str, person_id: int, categories: Sequence[str], at: datetime
    ) -> int: ...

    def recipients_of(self, person_ids: Sequence[int]) -> dict[str, list[int]]:
        """Recipient id -> the people among ``person_ids`` it received data about."""
        ...

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
        """Queue a notice once per ``dedupe_key``; False when it was already queued."""
        ...

    def record_erasure_run(
        self,
        person_id: int | None,
        actor: str,
        at: datetime,
        outcome: Mapping[str, Any],
        instruction: str | None,
    ) -> int: ...

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
    ) -> int: ...

    def record_erasure(self, record: ErasureRecord) -> tuple[int, int]:
        """Write the record (on PostgreSQL in one statement); return the erasure run's id
        and the number of notices queued anew."""
        ...


class SubjectUnitOfWork(UnitOfWork, Protocol):
    @property
    def subjects(self) -> SubjectStore: ...

    rights: RightsStore
    text: TextStore  # the guard's privacy events for staff's free text (C2, C3)
    jobs: JobQueue  # wakes the notice delivery (Art. 19) after the commit
