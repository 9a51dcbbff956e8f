"""The records of rights in use (restrictions, objections, suppressions, disclosures, the
notice outbox, erasure runs, controller requests), and a stand-in for the subject engine
that only resolves identifiers to people.

The subject engine's port (``SubjectStore``) is being reshaped; its fake comes with the new
port. Until then :class:`ResolvingSubjectStore` answers ``resolve`` from the directory and
refuses every other call with an error that says so, so a test that strays into the engine
fails loudly instead of passing on made-up data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NoReturn

from tests.fakes.notices import FakeNoticeStore
from tests.fakes.people import FakeDirectory
from tests.fakes.transaction import FakeStore
from varna.catalog.model import IdentifierKind
from varna.domain.subjects.erasure import TablePlan
from varna.domain.subjects.keys import SubjectKey
from varna.services.subjects.ports import (
    ErasureRecord,
    Inventory,
    Objection,
    RightsStore,
    SubjectScope,
    SubjectStore,
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
    def __init__(self, directory: FakeDirectory, notices: FakeNoticeStore) -> None:
        self.directory = directory
        self.notices = notices
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
        raise NotInTheFake("the erasure's record is the subject engine's; not modelled here")


_subjects: SubjectStore = ResolvingSubjectStore(FakeDirectory())
_rights: RightsStore = FakeRightsStore(FakeDirectory(), FakeNoticeStore(FakeDirectory()))
