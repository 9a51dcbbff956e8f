"""The consent ledger on SQLite and PostgreSQL, with the set-based marketing selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Connection, bindparam, case, func, insert, literal, select, update
from sqlalchemy.sql import Select

from varna.adapters.db.consent_links_store import SqlCenterLinkStore
from varna.adapters.db.person_key import blind_index
from varna.adapters.db.tables import (
    consent_events,
    mail_outbox,
    notice_versions,
    people,
    unsubscribe_tokens,
)
from varna.domain.consent import (
    Channel,
    ConsentEvent,
    ConsentSubject,
    EventKind,
    NoticeVersion,
)
from varna.services.consent.ports import (
    OutgoingMail,
    QueuedMessage,
    Recipient,
    UnsubscribeToken,
)

BATCH = 5_000
# The advisory lock of the expiry sweep: "varna" in ASCII, then a number of its own, so it
# meets no other application's lock on a shared server.
EXPIRY_LOCK = 0x7661726E61_05


def _events_query(by_person: bool, of_purposes: bool) -> Select[tuple[object, ...]]:
    """The gate's one query, built once with bind parameters (warm calls skip compiling)."""
    c = consent_events.c
    column = c.person_id if by_person else c.browser_id
    query = select(
        c.purpose, c.event, c.notice_version, c.text_hash, c.channel, c.language, c.at
    ).where(column == bindparam("subject"))
    if of_purposes:
        query = query.where(c.purpose.in_(bindparam("purposes", expanding=True)))
    return query.order_by(c.at, c.id)


_EVENTS = {(p, o): _events_query(p, o) for p in (True, False) for o in (True, False)}


class SqlConsentStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.links = SqlCenterLinkStore(connection)

    # -- the ledger ------------------------------------------------------------------------

    def append(self, events: Sequence[ConsentEvent]) -> None:
        for start in range(0, len(events), BATCH):
            self._connection.execute(
                insert(consent_events), self._rows(events[start : start + BATCH])
            )

    @staticmethod
    def _rows(events: Sequence[ConsentEvent]) -> list[dict[str, object]]:
        return [
            {
                "person_id": e.subject.person_id,
                "browser_id": e.subject.browser_id,
                "purpose": e.purpose,
                "event": e.kind.value,
                "notice_version": e.notice_version,
                "text_hash": e.text_hash,
                "channel": e.channel.value,
                "language": e.language,
                "at": e.at,
            }
            for e in events
        ]

    def events_of(
        self, subject: ConsentSubject, purposes: Sequence[str] | None = None
    ) -> list[ConsentEvent]:
        by_person = subject.person_id is not None
        query = _EVENTS[(by_person, purposes is not None)]
        params: dict[str, object] = {
            "subject": subject.person_id if by_person else subject.browser_id
        }
        if purposes is not None:
            params["purposes"] = list(purposes)
        rows = self._connection.execute(query, params)
        return [
            ConsentEvent(
                subject=subject,
                purpose=row.purpose,
                kind=EventKind(row.event),
                notice_version=row.notice_version,
                text_hash=row.text_hash,
                channel=Channel(row.channel),
                language=row.language,
                at=row.at,
            )
            for row in rows
        ]

    def publish_notice(self, version: NoticeVersion, *, at: datetime) -> None:
        exists = self._connection.execute(
            select(notice_versions.c.version).where(notice_versions.c.version == version.version)
        ).first()
        if exists is None:
            self._connection.execute(
                insert(notice_versions).values(
                    version=version.version,
                    published_at=at,
                    item_hashes=dict(version.item_hashes),
                    text_hashes=dict(version.text_hashes),
                )
            )

    def notice_versions(self) -> list[NoticeVersion]:
        rows = self._connection.execute(
            select(
                notice_versions.c.version,
                notice_versions.c.item_hashes,
                notice_versions.c.text_hashes,
            )
        )
        return [
            NoticeVersion(
                version=row.version,
                item_hashes=MappingProxyType(dict(row.item_hashes)),
                text_hashes=MappingProxyType(dict(row.text_hashes)),
            )
            for row in rows
        ]

    # -- people ----------------------------------------------------------------------------

    def person_exists(self, person_id: int) -> bool:
        found = self._connection.execute(
            select(people.c.id).where(people.c.id == person_id)
        ).first()
        return found is not None

    def person_personnummer(self, person_id: int) -> str | None:
        value = self._connection.execute(
            select(people.c.personnummer).where(people.c.id == person_id)
        ).scalar_one_or_none()
        return value if isinstance(value, str) else None

    def person_email(self, person_id: int) -> str | None:
        value = self._connection.execute(
            select(people.c.email).where(people.c.id == person_id)
        ).scalar_one_or_none()
        return value if isinstance(value, str) else None

    def person_by_email(self, email: str) -> int | None:
        found = self._connection.execute(
            select(people.c.id)
            .where(people.c.email_bidx == blind_index(self._connection, "email", email))
            .order_by(people.c.id)
            .limit(1)
        ).scalar_one_or_none()
        return int(found) if found is not None else None

    # -- expiry (set-based) -----------------------------------------------------------------

    def lock_expiry(self) -> None:
        """Serialise expiry sweeps (several workers may start one at once): on PostgreSQL a
        transaction-scoped advisory lock; SQLite has one writer at a time anyway."""
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(select(func.pg_advisory_xact_lock(EXPIRY_LOCK)))

    def last_given(
        self, key: str, *, given_before: datetime, as_of: datetime
    ) -> list[ConsentEvent]:
        """Per subject, the last event for ``key`` up to ``as_of`` when it is ``given`` and no
        later than ``given_before`` (one window query over persons and browsers)."""
        c = consent_events.c
        ranked = (
            select(
                c.person_id,
                c.browser_id,
                c.event,
                c.notice_version,
                c.text_hash,
                c.channel,
                c.language,
                c.at,
                func.row_number()
                .over(partition_by=(c.person_id, c.browser_id), order_by=(c.at.desc(), c.id.desc()))
                .label("rank"),
            )
            .where(c.purpose == key, c.at <= as_of)
            .subquery("ranked")
        )
        query = select(ranked).where(
            ranked.c.rank == 1,
            ranked.c.event == EventKind.GIVEN.value,
            ranked.c.at <= given_before,
        )
        return [
            ConsentEvent(
                subject=ConsentSubject(person_id=row.person_id, browser_id=row.browser_id),
                purpose=key,
                kind=EventKind.GIVEN,
                notice_version=row.notice_version,
                text_hash=row.text_hash,
                channel=Channel(row.channel),
                language=row.language,
                at=row.at,
            )
            for row in self._connection.execute(query)
        ]

    # -- marketing selection (set-based) ---------------------------------------------------

    def _last_events(self, purpose: str, at: datetime) -> Select[tuple[object, ...]]:
        """Per person, the last event for ``purpose`` up to ``at`` (a window query)."""
        c = consent_events.c
        ranked = (
            select(
                c.person_id,
                c.event,
                c.notice_version,
                c.at,
                func.row_number()
                .over(partition_by=c.person_id, order_by=(c.at.desc(), c.id.desc()))
                .label("rank"),
            )
            .where(c.purpose == purpose, c.person_id.is_not(None), c.at <= at)
            .subquery("ranked")
        )
        return select(
            ranked.c.person_id, ranked.c.event, ranked.c.notice_version, ranked.c.at
        ).where(ranked.c.rank == 1)

    def marketing_recipients(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> list[Recipient]:
        if not valid_versions:
            return []
        last = self._last_events(purpose, at).subquery("last_event")
        query = (
            select(people.c.id, people.c.email)
            .join(last, last.c.person_id == people.c.id)
            .where(
                last.c.event == EventKind.GIVEN.value,
                last.c.notice_version.in_(list(valid_versions)),
                people.c.email.is_not(None),
            )
            .order_by(people.c.id)
        )
        if given_after is not None:
            query = query.where(last.c.at > given_after)
        return [
            Recipient(person_id=row.id, email=row.email) for row in self._connection.execute(query)
        ]

    def marketing_skips(
        self,
        purpose: str,
        valid_versions: Sequence[str],
        *,
        at: datetime,
        given_after: datetime | None = None,
    ) -> dict[str, int]:
        last = self._last_events(purpose, at).subquery("last_event")
        valid = (
            last.c.notice_version.in_(list(valid_versions)) if valid_versions else literal(False)
        )
        lapsed = last.c.at <= given_after if given_after is not None else literal(False)
        reason = case(
            (last.c.event.is_(None), literal("never_asked")),
            (last.c.event != EventKind.GIVEN.value, last.c.event),
            (lapsed, literal(EventKind.EXPIRED.value)),
            (~valid, literal("outdated_notice")),
            (people.c.email.is_(None), literal("no_email")),
            else_=literal("eligible"),
        ).label("reason")
        query = (
            select(reason, func.count())
            .select_from(people.outerjoin(last, last.c.person_id == people.c.id))
            .group_by(reason)
        )
        counts = {str(row[0]): int(row[1]) for row in self._connection.execute(query)}
        counts.pop("eligible", None)
        return counts

    # -- the mail outbox -------------------------------------------------------------------

    def queue_messages(self, messages: Iterable[QueuedMessage], *, at: datetime) -> list[int]:
        rows = [
            {
                "person_id": m.person_id,
                "purpose": m.purpose,
                "mail_subject": m.subject,
                "message_body": m.body,
                "unsubscribe_url": m.unsubscribe_url,
                "created_at": at,
            }
            for m in messages
        ]
        if not rows:
            return []
        first = self._connection.execute(
            select(func.coalesce(func.max(mail_outbox.c.id), 0))
        ).scalar_one()
        ids = list(range(int(first) + 1, int(first) + 1 + len(rows)))
        for index, row in enumerate(rows):
            row["id"] = ids[index]
        for start in range(0, len(rows), BATCH):
            self._connection.execute(insert(mail_outbox), rows[start : start + BATCH])
        return ids

    def unsent_mail(self, ids: Sequence[int]) -> list[tuple[int, OutgoingMail]]:
        o = mail_outbox.c
        query = (
            select(o.id, people.c.email, o.mail_subject, o.message_body, o.unsubscribe_url)
            .join(people, people.c.id == o.person_id)
            .where(o.id.in_(list(ids)), o.sent_at.is_(None), people.c.email.is_not(None))
            .order_by(o.id)
        )
        return [
            (
                row.id,
                OutgoingMail(
                    to=row.email,
                    subject=row.mail_subject,
                    body=row.message_body,
                    headers={
                        "List-Unsubscribe": f"<{row.unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                ),
            )
            for row in self._connection.execute(query)
        ]

    def mark_sent(self, ids: Sequence[int], *, at: datetime) -> None:
        if ids:
            self._connection.execute(
                update(mail_outbox).where(mail_outbox.c.id.in_(list(ids))).values(sent_at=at)
            )

    # -- unsubscribe tokens ----------------------------------------------------------------

    def add_unsubscribe_tokens(
        self, tokens: Iterable[tuple[str, int, str]], *, at: datetime
    ) -> None:
        rows = [
            {"token_hash": h, "person_id": p, "purpose": purpose, "created_at": at}
            for h, p, purpose in tokens
        ]
        for start in range(0, len(rows), BATCH):
            self._connection.execute(insert(unsubscribe_tokens), rows[start : start + BATCH])

    def unsubscribe_token(self, token_hash: str) -> UnsubscribeToken | None:
        t = unsubscribe_tokens.c
        row = self._connection.execute(
            select(t.person_id, t.purpose, t.used_at).where(t.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return UnsubscribeToken(person_id=row.person_id, purpose=row.purpose, used_at=row.used_at)

    def mark_token_used(self, token_hash: str, *, at: datetime) -> None:
        self._connection.execute(
            update(unsubscribe_tokens)
            .where(unsubscribe_tokens.c.token_hash == token_hash)
            .values(used_at=at)
        )
