"""A request's status page in the privacy center (G3, D4, D7): what the person who made the
request may see of it, and what proves it.

The reference (128 random bits, ``domain.requests.codes``) is shown on the page after
submitting, so whoever holds only the reference may have typed someone else's address: it
shows the kind, the state in words, the due date and what happens next, and nothing about the
person (no address, no identifiers, no answer). The key in the links of the request's mails
(``status_key``, a keyed hash of the reference) proves the mailbox: with it the page also shows
the answer (the erasure table; for an access request, a pointer to the answer mail's link).
An unknown reference, a malformed one, and a known one with a wrong key each get exactly what
they would get without a key, or (unknown) the one "no such request" answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from varna.domain.requests.codes import is_reference, is_status_key
from varna.domain.requests.extracts import EXTRACT, SUMMARY
from varna.services.context import ServiceContext
from varna.services.requests.ports import RequestUnitOfWork


@dataclass(frozen=True, slots=True)
class RequestStatus:
    reference: str
    kind: str
    state: str
    language: str
    received: date
    due_date: date
    extended: bool
    answer: dict[str, Any] | None  # only with the mail's key: the outcome's shareable parts
    proven: bool


def request_status(
    ctx: ServiceContext[RequestUnitOfWork], reference: str, key: str | None
) -> RequestStatus | None:
    """The status of the request ``reference`` names; None when it names none. Reads only."""
    if not is_reference(reference):
        return None
    with ctx.uow() as uow:
        record = uow.requests.by_reference(reference)
    if record is None:
        return None
    proven = bool(key) and is_status_key(reference, key or "", key=ctx.secret)
    answer: dict[str, Any] | None = None
    if proven and record.state == "completed":
        outcome = record.outcome or {}
        answer = {
            "erasure": outcome.get("erasure"),
            "extract_waiting": outcome.get(EXTRACT) is not None,
            "extract_released": (outcome.get(SUMMARY) or {}).get("released"),
        }
    return RequestStatus(
        reference=record.reference,
        kind=record.kind,
        state=record.state,
        language=record.language,
        received=record.received_at.date(),
        due_date=record.due_date,
        extended=bool(record.extension_months),
        answer=answer,
        proven=proven,
    )
