"""The records of rights in use (D3, D4, D5, D8, A3): restrictions, objections, the
direct-marketing suppression list, rectification history, legal holds, the disclosure log, the
notice outbox, erasure runs and requests routed to controllers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from varna.adapters.db.once import insert_once
from varna.adapters.db.subjects.erasure_record import record_erasure
from varna.adapters.db.tables import (
    controller_requests,
    disclosures,
    erasure_runs,
    legal_holds,
    marketing_suppressions,
    objections,
    outbox,
    people,
    rectifications,
    restrictions,
)
from varna.services.subjects.ports import ErasureRecord, Objection


class SqlRightsStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _insert(self, statement: Any, values: Mapping[str, Any] | None = None) -> int:
        """Insert one row; the values of the writes an erasure makes are bound, not built
        into the statement, so that SQLAlchemy reuses its compiled form."""
        key = self._connection.execute(statement, dict(values or {})).inserted_primary_key
        assert key is not None
        return int(key[0])

    # -- restriction (D3, Art. 18) --------------------------------------------------------

    def restrict(self, person_id: int, reason: str, at: datetime) -> int:
        current = self.active_restriction(person_id)
        if current is not None:
            return current
        return self._insert(
            insert(restrictions).values(person_id=person_id, reason=reason, restricted_at=at)
        )

    def active_restriction(self, person_id: int) -> int | None:
        query = select(restrictions.c.id).where(
            restrictions.c.person_id == person_id, restrictions.c.lifted_at.is_(None)
        )
        found = self._connection.execute(query.limit(1)).scalar()
        return None if found is None else int(found)

    def lift(self, person_id: int, reason: str, at: datetime) -> int | None:
        current = self.active_restriction(person_id)
        if current is not None:
            self._connection.execute(
                update(restrictions)
                .where(restrictions.c.id == current)
                .values(lifted_at=at, lift_reason=reason)
            )
        return current

    # -- objection (D5, D8, Art. 21) ------------------------------------------------------

    def add_objection(
        self, person_id: int, purpose: str, at: datetime, overriding_reason: str | None
    ) -> int:
        return self._insert(
            insert(objections).values(
                person_id=person_id,
                purpose=purpose,
                objected_at=at,
                overriding_reason=overriding_reason,
                decided_at=at if overriding_reason else None,
            )
        )

    def objections(self, person_id: int) -> list[Objection]:
        query = (
            select(
                objections.c.id,
                objections.c.purpose,
                objections.c.objected_at,
                objections.c.overriding_reason,
            )
            .where(objections.c.person_id == person_id)
            .order_by(objections.c.id)
        )
        return [Objection(*row) for row in self._connection.execute(query)]

    def record_overriding_reason(self, objection_id: int, reason: str, at: datetime) -> None:
        self._connection.execute(
            update(objections)
            .where(objections.c.id == objection_id)
            .values(overriding_reason=reason, decided_at=at)
        )

    def suppress(self, email_hmac: str) -> int:
        query = select(marketing_suppressions.c.id).where(
            marketing_suppressions.c.email_hmac == email_hmac
        )
        existing = self._connection.execute(query).scalar()
        if existing is not None:
            return int(existing)
        return self._insert(insert(marketing_suppressions).values(email_hmac=email_hmac))

    def restricted_people(self) -> set[int]:
        query = select(restrictions.c.person_id).where(restrictions.c.lifted_at.is_(None))
        return set(self._connection.execute(query).scalars())

    def objected_people(self, purpose: str, *, absolute: bool) -> set[int]:
        query = select(objections.c.person_id).where(objections.c.purpose == purpose)
        if not absolute:
            query = query.where(objections.c.overriding_reason.is_(None))
        return set(self._connection.execute(query).scalars())

    def suppressed_hashes(self) -> set[str]:
        return set(self._connection.execute(select(marketing_suppressions.c.email_hmac)).scalars())

    def emails_of(self, person_ids: Sequence[int] | None = None) -> dict[int, str]:
        query = select(people.c.id, people.c.email).where(people.c.email.is_not(None))
        if person_ids is not None:
            query = query.where(people.c.id.in_(person_ids))
        return {int(pid): str(email) for pid, email in self._connection.execute(query)}

    def is_suppressed(self, email_hmac: str) -> bool:
        query = select(marketing_suppressions.c.id).where(
            marketing_suppressions.c.email_hmac == email_hmac
        )
        return self._connection.execute(query).first() is not None

    # -- rectification (D3, Art. 16) ------------------------------------------------------

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
        return self._insert(
            insert(rectifications).values(
                person_id=person_id,
                record_table=table,
                record_column=column,
                record_id=record_id,
                old_value=old_value,
                statement=statement,
                rectified_at=at,
            )
        )

    # -- holds, disclosures, notices ------------------------------------------------------

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
        return self._insert(
            insert(legal_holds).values(
                kind=kind,
                reason=reason,
                reference=reference,
                owner=owner,
                review_date=review_date,
                scope=scope,
                person_id=person_id,
                organisation_id=organisation_id,
                scope_table=scope_table,
                created_at=at,
            )
        )

    def record_disclosure(
        self, recipient: str, person_id: int, categories: Sequence[str], at: datetime
    ) -> int:
        return self._insert(
            insert(disclosures).values(
                recipient=recipient,
                person_id=person_id,
                categories=list(categories),
                disclosed_at=at,
            )
        )

    def recipients_of(self, person_ids: Sequence[int]) -> dict[str, list[int]]:
        if not person_ids:
            return {}
        query = (
            select(disclosures.c.recipient, disclosures.c.person_id)
            .where(disclosures.c.person_id.in_(list(person_ids)))
            .distinct()
        )
        found: dict[str, list[int]] = {}
        for recipient, person_id in self._connection.execute(query):
            found.setdefault(recipient, []).append(person_id)
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
        values = {
            "kind": kind,
            "recipient": recipient,
            "person_id": person_id,
            "organisation_id": organisation_id,
            "dedupe_key": dedupe_key,
            "details": dict(details),
            "created_at": at,
        }
        return insert_once(self._connection, outbox, outbox.c.dedupe_key, values)

    # -- erasure (D4) and controller routing (A3) -----------------------------------------

    def record_erasure_run(
        self,
        person_id: int | None,
        actor: str,
        at: datetime,
        outcome: Mapping[str, Any],
        instruction: str | None,
    ) -> int:
        return self._insert(
            insert(erasure_runs),
            {
                "person_id": person_id,
                "actor": actor,
                "ran_at": at,
                "outcome": dict(outcome),
                "controller_instruction": instruction,
            },
        )

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
        return self._insert(
            insert(controller_requests),
            {
                "organisation_id": organisation_id,
                "person_id": person_id,
                "kind": kind,
                "sim_ids": list(sim_ids),
                "status": status,
                "instruction_ref": instruction_ref,
                "received_at": at,
                "executed_at": at if status == "executed" else None,
            },
        )

    def record_erasure(self, record: ErasureRecord) -> tuple[int, int]:
        return record_erasure(self._connection, self, record)
