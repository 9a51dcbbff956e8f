"""The intake guard on the free text of requests and of staff decisions (C2, C3, C4), on
the request table: :mod:`varna.services.text_guard` applied to ``subject_requests``.
"""

from __future__ import annotations

from datetime import date, datetime

from varna.domain.scan import GuardResult, SpecialPolicy
from varna.services.requests.ports import RequestUnitOfWork
from varna.services.text_guard import guard_or_refuse, record_guarded

TABLE = "subject_requests"


def guard_details(
    uow: RequestUnitOfWork,
    text: str | None,
    *,
    actor: str,
    at: datetime,
    policy: SpecialPolicy,
    today: date,
    field: str = "details",
) -> GuardResult | None:
    """The guarded text (None for no text); raises :class:`InputRefused` naming ``field``
    after recording the refusal."""
    return guard_or_refuse(
        uow, text, table=TABLE, field=field, actor=actor, at=at, policy=policy, today=today
    )


def record_guard_events(
    uow: RequestUnitOfWork,
    guarded: GuardResult | None,
    request_id: int,
    *,
    actor: str,
    at: datetime,
) -> list[dict[str, object]]:
    """Record what the guard did to a stored text (in the caller's transaction); the events
    as the audit entry lists them."""
    return record_guarded(uow, guarded, TABLE, [request_id], actor=actor, at=at)
