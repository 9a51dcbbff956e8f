"""The intake guard on free text that varna stores, whoever types it (C2, C3, C4): a
person's request details and the texts staff give with a decision (a supplementary statement,
a restriction's reason, an overriding reason, a legitimate-interest reason).

The same guard as support tickets (``services.tickets``): card numbers masked to the last
four digits, special-category words refused or redacted (``VARNA_SCAN_SPECIAL_POLICY``), a
personnummer or birth date of a child under 13 refuses the text. A refusal names the field and
the kinds found, never the text; it is recorded (privacy events and an audit event, without
the text) in a transaction of its own, and nothing else is stored. It is applied in the
services, so the CLI, the API and the console get it alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from varna.domain.audit import AuditAction
from varna.domain.errors import InputRefused
from varna.domain.scan import (
    ChildDataRefused,
    ControlCharacters,
    GuardResult,
    SensitiveContentRefused,
    SpecialPolicy,
    guard_text,
)
from varna.services.ports import AuditEvent, PrivacyEventRecord, TextUnitOfWork

DEFAULT_POLICY: SpecialPolicy = "redact"  # the default of VARNA_SCAN_SPECIAL_POLICY


def guard_or_refuse(
    uow: TextUnitOfWork,
    text: str | None,
    *,
    table: str,
    field: str,
    actor: str,
    at: datetime,
    policy: SpecialPolicy,
    today: date,
) -> GuardResult | None:
    """The guarded text (None for no text); raises :class:`InputRefused` naming ``field``
    after recording the refusal. Call it before the transaction that stores the text."""
    if not text:
        return None
    try:
        return guard_text(text, special_policy=policy, today=today)
    except ControlCharacters:
        raise ControlCharacters(field) from None
    except ChildDataRefused as exc:
        kinds: tuple[tuple[str, str], ...] = (("child_refused", exc.kind.replace(" ", "_")),)
        reason = str(exc)
    except SensitiveContentRefused as exc:
        kinds = tuple(("special_refused", k) for k in exc.kinds)
        reason = str(exc)
    with uow:
        uow.text.record_privacy_events(
            (PrivacyEventRecord(kind, ftype, table, None, actor, {}) for kind, ftype in kinds),
            at=at,
        )
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.INTAKE_REFUSED,
                table,
                {"field": field, "privacy_events": [{"kind": k, "type": t} for k, t in kinds]},
            ),
            at=at,
        )
        uow.commit()
    raise InputRefused(reason, field=field)


def record_guarded(
    uow: TextUnitOfWork,
    guarded: GuardResult | None,
    table: str,
    record_ids: Iterable[int],
    *,
    actor: str,
    at: datetime,
) -> list[dict[str, object]]:
    """Record what the guard did to a stored text (in the caller's transaction), once per
    record that holds it; the events as the audit entry lists them."""
    if guarded is None or not guarded.events:
        return []
    uow.text.record_privacy_events(
        (
            PrivacyEventRecord(e.kind, e.type, table, record_id, actor, {"count": e.count})
            for record_id in record_ids
            for e in guarded.events
        ),
        at=at,
    )
    return [{"kind": e.kind, "type": e.type, "count": e.count} for e in guarded.events]
