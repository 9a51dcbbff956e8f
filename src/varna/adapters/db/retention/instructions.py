"""The controllers' instructions on usage data (A2): versioned rows, the latest in force.
Part of the retention store (:class:`varna.adapters.db.retention.store.SqlRetentionStore`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from varna.adapters.db.tables import controller_instructions, organisations
from varna.domain.retention.instructions import ControllerInstruction

T = controller_instructions


class InstructionRows:
    _connection: Connection

    def controller_instructions(
        self, customer_id: int | None = None
    ) -> list[ControllerInstruction]:
        query = select(
            T.c.customer_id,
            T.c.version,
            T.c.usage_days,
            T.c.action,
            T.c.location_days,
            T.c.reference,
            T.c.recorded_by,
            T.c.recorded_at,
            T.c.after_contract_days,
        ).order_by(T.c.customer_id, T.c.version)
        if customer_id is not None:
            query = query.where(T.c.customer_id == customer_id)
        return [ControllerInstruction(*row) for row in self._connection.execute(query)]

    def add_controller_instruction(
        self,
        *,
        customer_id: int,
        usage_days: int,
        action: str,
        location_days: int | None,
        reference: str | None,
        recorded_by: str,
        at: datetime,
        after_contract_days: int | None = None,
    ) -> ControllerInstruction:
        latest = self._connection.execute(
            select(func.coalesce(func.max(T.c.version), 0)).where(T.c.customer_id == customer_id)
        ).scalar_one()
        recorded = ControllerInstruction(
            customer_id,
            int(latest) + 1,
            usage_days,
            action,
            location_days,
            reference,
            recorded_by,
            at,
            after_contract_days,
        )
        self._connection.execute(insert(T).values(**recorded.as_row()))
        return recorded

    def is_customer(self, organisation_id: int) -> bool:
        query = select(organisations.c.id).where(
            organisations.c.id == organisation_id, organisations.c.kind == "customer"
        )
        return self._connection.execute(query).first() is not None
