"""People whose relationship ended (R2): every contact role has ended, either by its own end
date or because the organisation has no contract left running; the latest end is on or before
the post-contract cut-off. The erasure itself is the subject engine's."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Subquery, and_, case, func, select

from varna.adapters.db.tables import contracts, erasure_runs, person_roles
from varna.domain.retention.holds import HeldScopes
from varna.services.retention.people import RETENTION_ACTOR_PREFIX
from varna.services.retention.ports import SweepContext

CONTACT_ROLES = ("customer_contact", "supplier_contact", "partner_contact")


def _organisation_ends() -> Subquery:
    """organisation id -> the day its last contract ended (NULL while one runs)."""
    ended = func.coalesce(contracts.c.terminated_on, contracts.c.end_date)
    return (
        select(
            contracts.c.organisation_id.label("organisation_id"),
            case(
                (func.count() == func.count(ended), func.max(ended)),
                else_=None,
            ).label("ended_on"),
        )
        .group_by(contracts.c.organisation_id)
        .subquery()
    )


def due_people(connection: Connection, ctx: SweepContext, limit: int, key: str) -> list[int]:
    cutoff = ctx.cutoffs.get(key)
    if cutoff is None or ctx.legal.covers_table("people"):
        return []
    ends = _organisation_ends()
    role_end = func.coalesce(person_roles.c.ended_on, ends.c.ended_on)
    contact = person_roles.c.role.in_(CONTACT_ROLES)
    erased = select(erasure_runs.c.person_id).where(
        erasure_runs.c.person_id.is_not(None),
        erasure_runs.c.actor.like(f"{RETENTION_ACTOR_PREFIX}%"),
    )
    query = (
        select(person_roles.c.person_id)
        .select_from(
            person_roles.outerjoin(
                ends,
                ends.c.organisation_id == person_roles.c.organisation_id,
            )
        )
        .where(person_roles.c.person_id.not_in(erased))
        .group_by(person_roles.c.person_id)
        .having(
            and_(
                func.count() == func.sum(case((contact, 1), else_=0)),
                func.count() == func.count(role_end),
                func.max(role_end) <= cutoff,
                *_held_groups(ctx.legal),
            )
        )
        .order_by(person_roles.c.person_id)
        .limit(limit)
    )
    return [int(pid) for pid in connection.execute(query).scalars()]


def _held_groups(held: HeldScopes) -> list[ColumnElement[bool]]:
    """HAVING parts: no role of the person is at a held organisation; the person is not held."""
    parts: list[ColumnElement[bool]] = []
    if held.person_ids:
        parts.append(person_roles.c.person_id.not_in(sorted(held.person_ids)))
    if held.organisation_ids:
        at_held = case(
            (person_roles.c.organisation_id.in_(sorted(held.organisation_ids)), 1), else_=0
        )
        parts.append(func.sum(at_held) == 0)
    return parts


def count_people(connection: Connection, ctx: SweepContext, key: str) -> tuple[int, int]:
    """(due people, people the legal holds keep)."""
    due = len(due_people(connection, ctx, 10_000_000, key))
    if ctx.legal.empty:
        return due, 0
    unheld = SweepContext(
        as_of=ctx.as_of,
        now=ctx.now,
        cutoffs=ctx.cutoffs,
        legal=HeldScopes(frozenset(), frozenset(), frozenset()),
        evidence=ctx.evidence,
        evidence_holds=ctx.evidence_holds,
        k=ctx.k,
    )
    return due, len(due_people(connection, unheld, 10_000_000, key)) - due


__all__ = ["RETENTION_ACTOR_PREFIX", "count_people", "due_people"]
