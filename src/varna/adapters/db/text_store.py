"""Stored free text: streamed, set-based reads for the sweep; guarded writes for intake."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import Connection, Table, insert, select

from varna.adapters.db.tables import metadata, privacy_events, quote_requests, support_tickets
from varna.adapters.db.tables import ticket_messages as messages
from varna.services.ports import PrivacyEventRecord


class UnknownColumn(LookupError):
    """The sweep named a table or column that the schema does not have."""


class SqlTextStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def iter_column(self, table: str, column: str, *, batch_rows: int) -> Iterator[tuple[int, str]]:
        tbl: Table | None = metadata.tables.get(table)
        if tbl is None or column not in tbl.c or "id" not in tbl.c:
            raise UnknownColumn(f"{table}.{column}")
        col = tbl.c[column]
        query = select(tbl.c.id, col).where(col.is_not(None), col != "").order_by(tbl.c.id)
        result = self._connection.execution_options(yield_per=batch_rows).execute(query)
        try:
            for partition in result.partitions():
                for record_id, value in partition:
                    yield int(record_id), str(value)
        finally:
            result.close()

    def ticket_exists(self, ticket_id: int) -> bool:
        query = select(support_tickets.c.id).where(support_tickets.c.id == ticket_id)
        return self._connection.execute(query).first() is not None

    def add_ticket_message(
        self,
        ticket_id: int,
        body: str,
        *,
        sent_at: datetime,
        author_person_id: int | None,
        author_staff: str | None,
    ) -> int:
        stmt = (
            insert(messages)
            .values(
                ticket_id=ticket_id,
                body=body,
                sent_at=sent_at,
                author_person_id=author_person_id,
                author_staff=author_staff,
            )
            .returning(messages.c.id)
        )
        return int(self._connection.execute(stmt).scalar_one())

    def add_quote_request(
        self,
        message: str,
        *,
        received_at: datetime,
        source: str,
        company_name: str | None,
        sim_count: int | None,
        person_id: int | None,
        organisation_id: int | None,
    ) -> int:
        stmt = (
            insert(quote_requests)
            .values(
                message=message,
                received_at=received_at,
                source=source,
                company_name=company_name,
                sim_count=sim_count,
                person_id=person_id,
                organisation_id=organisation_id,
            )
            .returning(quote_requests.c.id)
        )
        return int(self._connection.execute(stmt).scalar_one())

    def record_privacy_events(self, events: Iterable[PrivacyEventRecord], *, at: datetime) -> int:
        rows = [
            {
                "at": at,
                "kind": e.kind,
                "finding_type": e.finding_type,
                "source_table": e.source_table,
                "record_id": e.record_id,
                "actor": e.actor,
                "details": dict(e.details),
            }
            for e in events
        ]
        if rows:
            self._connection.execute(insert(privacy_events), rows)  # one executemany
        return len(rows)
