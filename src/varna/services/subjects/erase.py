"""Erasure (Art. 17, D4, R4, R6, A3), in one transaction with its audit events.

Everything the person's rows hold is erased or anonymised unless an exception keeps it; the
answer says, category by category, what was erased, anonymised, or kept (with the exception and
the date until which it is kept). Recipients in the disclosure log are told through the outbox
(Art. 19). Processor data (a SIM's usage) is not the person's to erase: the request is recorded
and routed to the controller, and varna executes that controller's instruction for the SIMs it
names (``controller_instruction``). A crash leaves the person untouched; running it again is
harmless (notices are queued once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from varna.catalog import Catalog, Role
from varna.domain.audit import AuditAction
from varna.domain.subjects.erasure import CategoryOutcome, Outcome, TablePlan, by_category
from varna.domain.subjects.keys import SIM_KINDS, SubjectKey
from varna.services.notices.deliver import NOTIFY_TASK, wake_key
from varna.services.ports import AuditEvent
from varna.services.subjects.common import (
    SubjectContext,
    SubjectRefused,
    person_id_of,
    plan,
    resolve,
)
from varna.services.subjects.ports import (
    ControllerRequest,
    ErasureRecord,
    QueuedNotice,
    SubjectScope,
    SubjectUnitOfWork,
)


@dataclass(frozen=True, slots=True)
class EraseCommand:
    keys: tuple[SubjectKey, ...]
    dry_run: bool = False
    controller_instruction: str | None = None  # the controller's reference (A3)


@dataclass(frozen=True, slots=True)
class EraseResult:
    run_id: int | None
    dry_run: bool
    person_ids: tuple[int, ...]
    categories: tuple[CategoryOutcome, ...]
    changed: dict[str, int] = field(default_factory=dict)
    notices: int = 0
    routed: dict[int, tuple[int, ...]] = field(default_factory=dict)  # controller -> SIM ids

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "found": bool(self.categories),
            "person_ids": list(self.person_ids),
            "categories": [c.as_dict() for c in self.categories],
            "changed": self.changed,
            "notices_queued": self.notices,
            "routed_to_controllers": [
                {"organisation_id": org, "sim_ids": list(sims)} for org, sims in self.routed.items()
            ],
        }


def erase_subject(
    ctx: SubjectContext,
    command: EraseCommand,
    *,
    actor: str,
    on_step: Callable[[str], None] | None = None,
) -> EraseResult:
    """Erase what may be erased. ``on_step`` is called after each table is changed, inside
    the transaction (a failure injection point: raising there rolls everything back)."""
    instruction = command.controller_instruction
    if instruction is not None and not {k.kind for k in command.keys} <= SIM_KINDS:
        raise SubjectRefused(
            "a controller's instruction names SIMs: give only --iccid, --imsi or --msisdn"
        )
    catalog = ctx.catalog
    now = ctx.clock.now()
    with ctx.uow() as uow:
        scope = resolve(uow, command.keys, secret=ctx.secret)
        inventory = uow.subjects.inventory(scope, now.date())
        tables = inventory.linked
        if instruction is not None:
            tables = [t for t in tables if _is_processor(catalog, t)]
        plans = plan(
            catalog,
            inventory,
            tables,
            today=now.date(),
            controller_instruction=instruction is not None,
        )
        outcome = by_category(plans)
        controllers = inventory.facts.controllers
        routed = dict(controllers) if _routes(plans) else {}
        if command.dry_run or not scope.found:
            return EraseResult(None, command.dry_run, scope.person_ids, outcome, routed=routed)
        # Mentions first: which rows are the person's own (not searched for mentions) is
        # told by their links, intact until the steps run.
        changed = {} if instruction is not None else uow.subjects.erase_mentions(scope)
        events: list[AuditEvent] = []  # one per table changed, written with the run's own
        changed.update(uow.subjects.apply(scope, plans, on_step=_audited(events, actor, on_step)))
        notices = _art19_notices(uow, scope, actor)
        routing = _routing(scope, controllers, plans, instruction)
        summary = {
            "categories": [c.as_dict() for c in outcome],
            "changed": changed,
            "person_ids": list(scope.person_ids),
        }
        # the run, its notices and controller requests, the delivery job and the audit
        # events: one write (on PostgreSQL one statement), in this transaction
        run_id, queued = uow.rights.record_erasure(
            ErasureRecord(
                person_id=person_id_of(scope),
                actor=actor,
                at=now,
                outcome=summary,
                instruction=instruction,
                notices=(*notices, *(notice for notice, _ in routing)),
                requests=tuple(request for _, request in routing),
                wake=(NOTIFY_TASK, wake_key("erasure_run:")),
                events=tuple(events),
                summary=AuditEvent(
                    actor=actor,
                    action=AuditAction.SUBJECT_ERASE,
                    target=None,
                    details={**summary, "instruction": instruction},
                ),
            )
        )
        uow.commit()
    return EraseResult(run_id, False, scope.person_ids, outcome, changed, queued, routed)


def _is_processor(catalog: Catalog, table: str) -> bool:
    return any(e.role is Role.PROCESSOR for e in catalog.table(table).personal.values())


def _routes(plans: Sequence[TablePlan]) -> bool:
    return any(d.outcome is Outcome.ROUTED for p in plans for d in p.decisions)


def _audited(
    events: list[AuditEvent], actor: str, on_step: Callable[[str], None] | None
) -> Callable[[str], None]:
    def step(table: str) -> None:
        events.append(
            AuditEvent(
                actor=actor, action=AuditAction.SUBJECT_ERASE_TABLE, target=table, details={}
            )
        )
        if on_step is not None:
            on_step(table)

    return step


def _art19_notices(uow: SubjectUnitOfWork, scope: SubjectScope, actor: str) -> list[QueuedNotice]:
    """Art. 19: one notice per recipient and person, queued once however often this runs."""
    return [
        QueuedNotice(
            kind="art19_erasure",
            dedupe_key=f"art19_erasure:{recipient}:{person_id}",
            recipient=recipient,
            person_id=person_id,
            details={"person_id": person_id, "actor": actor},
        )
        for recipient, people in uow.rights.recipients_of(scope.person_ids).items()
        for person_id in people
    ]


def _routing(
    scope: SubjectScope,
    controllers: Mapping[int, tuple[int, ...]],
    plans: Sequence[TablePlan],
    instruction: str | None,
) -> list[tuple[QueuedNotice, ControllerRequest]]:
    """A3: for each controller, its notice and the request it records (routed to it, or
    its instruction executed); the same request twice is one request."""
    if instruction is None and not _routes(plans):
        return []
    person_id = person_id_of(scope)
    status = "executed" if instruction else "routed"
    routed: list[tuple[QueuedNotice, ControllerRequest]] = []
    for organisation_id, sim_ids in controllers.items():
        sims = ",".join(str(s) for s in sim_ids)
        key = f"controller_erasure:{status}:{organisation_id}:{person_id}:{sims}"[:200]
        notice = QueuedNotice(
            kind="controller_erasure_done" if instruction else "controller_erasure_request",
            dedupe_key=key,
            organisation_id=organisation_id,
            person_id=person_id,
            details={"sim_ids": list(sim_ids), "instruction": instruction},
        )
        request = ControllerRequest(
            notice=key,
            organisation_id=organisation_id,
            person_id=person_id,
            kind="erasure",
            sim_ids=tuple(sim_ids),
            status=status,
            instruction_ref=instruction,
        )
        routed.append((notice, request))
    return routed
