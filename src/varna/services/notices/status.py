"""What the privacy officer sees of the notices that are not sent (D4, Art. 19): each one's
state, why it failed, how often it was tried, and whom it is for (a recipient's name from the
catalogue, or a customer's id), never the person it concerns. The descriptions and reasons are
English texts marked for translation, shown in the reader's language (D1, G3: never a code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from varna.catalog import Catalog
from varna.domain.notices import (
    CONTROLLER_KINDS,
    NO_ADDRESS,
    PERSON_KINDS,
    SEND_FAILED,
    UNKNOWN_KIND,
    UnsentNotice,
)
from varna.i18n import N_
from varna.services.context import ServiceContext
from varna.services.notices.ports import NoticeUnitOfWork

SHOWN = 200
KINDS = {
    "art19_erasure": N_("Art. 19 notice of an erasure"),
    "art19_rectification": N_("Art. 19 notice of a rectification"),
    "art19_restriction": N_("Art. 19 notice of a restriction"),
    "restriction_lifted": N_("Notice to the person: restriction lifted (Art. 18(3))"),
    "controller_erasure_request": N_("Erasure request passed to the customer (controller)"),
    "controller_erasure_done": N_("Erasure done on the customer's instruction"),
}
ERRORS = {
    NO_ADDRESS: N_(
        "no address to send it to (add notices_to to the recipient in the catalogue, "
        "or the organisation's privacy contact)"
    ),
    SEND_FAILED: N_("the mail server was away or refused it; it is tried again at the next run"),
    UNKNOWN_KIND: N_("varna does not know how to write this kind of notice"),
}
OTHER_KIND = N_("Another kind of notice")
OTHER_ERROR = N_("another reason")


@dataclass(frozen=True, slots=True)
class NoticeLine:
    id: int
    kind: str
    what: str
    to: str
    state: str  # "failed" or "waiting"
    error: str | None  # the reason code
    error_text: str | None
    attempts: int
    created_at: datetime


def unsent_notices(
    ctx: ServiceContext[NoticeUnitOfWork], *, limit: int = SHOWN
) -> list[NoticeLine]:
    """The notices not sent yet, failed ones first, in words for the console."""
    with ctx.uow() as work:
        notices = work.notices.unsent(limit=limit)
    return [_line(n, ctx.catalog) for n in notices]


def _line(notice: UnsentNotice, catalog: Catalog) -> NoticeLine:
    return NoticeLine(
        id=notice.id,
        kind=notice.kind,
        what=KINDS.get(notice.kind, OTHER_KIND),
        to=_to(notice, catalog),
        state="failed" if notice.failed else "waiting",
        error=notice.last_error,
        error_text=ERRORS.get(notice.last_error or "", OTHER_ERROR),
        attempts=notice.attempts,
        created_at=notice.created_at,
    )


def _to(notice: UnsentNotice, catalog: Catalog) -> str:
    if notice.kind in PERSON_KINDS:
        return N_("The person concerned")
    if notice.kind in CONTROLLER_KINDS:
        return f"customer organisation {notice.organisation_id}"
    recipient = catalog.recipients.get(notice.recipient or "")
    return recipient.name if recipient is not None else (notice.recipient or "unknown")
