"""Recording a controller's instruction on its usage data (A2, R-RET-04, R-RET-05): one use
case, one transaction with its audit event. The sweep applies the latest version per
customer; customers without one fall back to the default rule set."""

from __future__ import annotations

from dataclasses import dataclass

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.retention.instructions import ControllerInstruction, check_instruction
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.retention.ports import RetentionUnitOfWork


class UnknownCustomer(VarnaError, LookupError):
    """The instruction names no customer organisation."""


@dataclass(frozen=True, slots=True)
class InstructCommand:
    customer_id: int
    usage_days: int
    action: str = "delete"
    location_days: int | None = None
    reference: str | None = None
    after_contract_days: int | None = None  # None: the catalogue's processor rule


def instruct_retention(
    ctx: ServiceContext[RetentionUnitOfWork], command: InstructCommand, *, actor: str
) -> ControllerInstruction:
    """Record the next version of the customer's instruction; refused (nothing changed) when
    a field is out of range or the customer is unknown."""
    reference = command.reference.strip() if command.reference else None
    check_instruction(
        usage_days=command.usage_days,
        action=command.action,
        location_days=command.location_days,
        reference=reference,
        after_contract_days=command.after_contract_days,
    )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if not uow.retention.is_customer(command.customer_id):
            raise UnknownCustomer(
                f"--customer {command.customer_id}: no customer organisation has this id"
            )
        recorded = uow.retention.add_controller_instruction(
            customer_id=command.customer_id,
            usage_days=command.usage_days,
            action=command.action,
            location_days=command.location_days,
            reference=reference,
            recorded_by=actor,
            at=now,
            after_contract_days=command.after_contract_days,
        )
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.RETENTION_INSTRUCTION_RECORDED,
                f"organisation:{command.customer_id}",
                {
                    "version": recorded.version,
                    "usage_days": recorded.usage_days,
                    "action": recorded.action,
                    "location_days": recorded.location_days,
                    "after_contract_days": recorded.after_contract_days,
                },
            ),
            at=now,
        )
        uow.commit()
    return recorded


def instruction_history(
    uow: RetentionUnitOfWork, customer_id: int | None = None
) -> list[ControllerInstruction]:
    """Every version (of one customer, or of all), oldest first."""
    with uow:
        return uow.retention.controller_instructions(customer_id)


def instructions_in_force(uow: RetentionUnitOfWork) -> list[ControllerInstruction]:
    """The latest version per customer."""
    latest = {i.customer_id: i for i in instruction_history(uow)}
    return [latest[customer] for customer in sorted(latest)]
