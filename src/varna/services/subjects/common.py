"""Shared by the subject use cases: resolving identifiers into a scope, and the plan of an
erasure (which find also uses to say what is still erasable)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from varna.catalog import Catalog
from varna.domain.errors import VarnaError
from varna.domain.subjects.erasure import ErasureContext, TablePlan, plan_erasure
from varna.domain.subjects.keys import SubjectKey, keyed_hash
from varna.services.context import ServiceContext
from varna.services.subjects.ports import Inventory, SubjectScope, SubjectUnitOfWork

SubjectContext = ServiceContext[SubjectUnitOfWork]


class SubjectRefused(VarnaError):
    """A request about a person was refused; the message names no personal data."""


def resolve(uow: SubjectUnitOfWork, keys: Sequence[SubjectKey], *, secret: bytes) -> SubjectScope:
    return uow.subjects.resolve(keys, email_hash=lambda address: keyed_hash(address, secret))


def plan(
    catalog: Catalog,
    inventory: Inventory,
    tables: Sequence[str],
    *,
    today: date,
    controller_instruction: bool = False,
) -> tuple[TablePlan, ...]:
    """The plans of an erasure of ``tables``; the inventory's counts let the answer say how
    many records each outcome covers."""
    facts = inventory.facts
    context = ErasureContext(
        today=today,
        running_contract=facts.running_contract,
        holds=facts.holds,
        clocks=facts.clocks,
        controller_instruction=controller_instruction,
        clock_rows=facts.clock_rows,
        rows=inventory.rows,
    )
    return plan_erasure(catalog, tables, context)


def person_id_of(scope: SubjectScope) -> int | None:
    return scope.person_ids[0] if len(scope.person_ids) == 1 else None
