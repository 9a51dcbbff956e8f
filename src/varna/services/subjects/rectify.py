"""Rectification (Art. 16, D3): correct one value of one of the person's records; the old value
goes to the rectification history (itself personal data, declared in the catalogue), and every
recipient in the disclosure log is told (Art. 19)."""

from __future__ import annotations

from dataclasses import dataclass

from varna.domain.audit import AuditAction
from varna.domain.errors import InvalidIdentifier
from varna.domain.scan import SpecialPolicy
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.notices.deliver import wake_delivery
from varna.services.ports import AuditEvent
from varna.services.subjects.common import SubjectContext, SubjectRefused, resolve
from varna.services.text_guard import DEFAULT_POLICY, guard_or_refuse, record_guarded

PEOPLE = "people"


@dataclass(frozen=True, slots=True)
class RectifyCommand:
    keys: tuple[SubjectKey, ...]
    column: str
    value: str | None
    table: str = PEOPLE
    record_id: int | None = None  # default: the person's own row
    statement: str | None = None  # a supplementary statement (Art. 16)


@dataclass(frozen=True, slots=True)
class RectifyResult:
    person_id: int
    history_id: int
    notices: int


def rectify(
    ctx: SubjectContext,
    command: RectifyCommand,
    *,
    actor: str,
    special_policy: SpecialPolicy = DEFAULT_POLICY,
) -> RectifyResult:
    """The supplementary statement passes the intake guard first (C2, C3): a card number is
    masked, special-category words are redacted or refuse it, as in a support ticket."""
    declared = ctx.catalog.table(command.table).personal.get(command.column)
    if declared is None:
        raise SubjectRefused(
            f"{command.table}.{command.column} is not a personal column of the catalogue"
        )
    value = command.value
    if value is not None and declared.lookup is not None:
        try:
            value = normalise(declared.lookup.value, value).value
        except InvalidIdentifier as exc:
            raise SubjectRefused(f"the new value is refused: {exc}") from None
    now = ctx.clock.now()
    uow = ctx.uow()
    statement = guard_or_refuse(
        uow,
        command.statement,
        table="rectifications",
        field="statement",
        actor=actor,
        at=now,
        policy=special_policy,
        today=now.date(),
    )
    with uow:
        scope = resolve(uow, command.keys, secret=ctx.secret)
        if len(scope.person_ids) != 1:
            raise SubjectRefused(
                "the identifiers must match exactly one person "
                f"(they match {len(scope.person_ids)}); nothing was changed"
            )
        person_id = scope.person_ids[0]
        record_id = command.record_id or (person_id if command.table == PEOPLE else None)
        if record_id is None or not uow.subjects.owns(scope, command.table, record_id):
            raise SubjectRefused(
                f"record {command.table}:{record_id} is not one of person {person_id}'s records"
            )
        old = uow.subjects.rectify(command.table, command.column, record_id, value)
        history_id = uow.rights.record_rectification(
            person_id,
            command.table,
            command.column,
            record_id,
            None if old is None else str(old),
            None if statement is None else statement.text,
            now,
        )
        guarded = record_guarded(
            uow, statement, "rectifications", [history_id], actor=actor, at=now
        )
        notices = 0
        for recipient in uow.rights.recipients_of([person_id]):
            notices += uow.rights.enqueue(
                kind="art19_rectification",
                dedupe_key=f"art19_rectification:{recipient}:{history_id}",
                recipient=recipient,
                person_id=person_id,
                details={"rectification_id": history_id, "column": command.column},
                at=now,
            )
        if notices:
            wake_delivery(uow.jobs, f"rectification:{history_id}", at=now)
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.SUBJECT_RECTIFY,
                f"{command.table}:{record_id}",
                {
                    "column": command.column,
                    "rectification_id": history_id,
                    "notices": notices,
                    **({"privacy_events": guarded} if guarded else {}),
                },
            ),
            at=now,
        )
        uow.commit()
    return RectifyResult(person_id, history_id, notices)
