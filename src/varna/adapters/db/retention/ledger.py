"""The consent ledger's own clock (C7, R1): the proof of a consent is kept while the consent
stands and for the rule's period (three years) after it was withdrawn, refused or expired.
A chain is one subject's (a person's, or an anonymous browser's) events for one purpose; it is
due when its latest event ends the consent and no event of it is later than the cut-off. A due
chain's events are deleted whole, in id batches; a chain under a legal hold stays.

The anonymous browser ids of the cookie banner are chains too: a refusal, or a consent
withdrawn, is proof for three years and then goes."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
)

from varna.adapters.db.retention.conditions import held_by, not_held
from varna.adapters.db.tables import consent_events
from varna.catalog.model import Catalog
from varna.domain.consent.events import EventKind
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext

E = consent_events


def _chain(other: FromClause) -> ColumnElement[bool]:
    """Rows of ``other`` (an alias of the ledger) in the same chain as the row of ``E``."""
    return and_(
        other.c.purpose == E.c.purpose,
        or_(
            and_(E.c.person_id.is_not(None), other.c.person_id == E.c.person_id),
            and_(E.c.browser_id.is_not(None), other.c.browser_id == E.c.browser_id),
        ),
    )


def due_condition(ctx: SweepContext, target: Target) -> ColumnElement[bool] | None:
    cutoff = ctx.cutoffs.get(target.key)
    if cutoff is None:
        return None
    limit = start_of_day(day_after(cutoff))
    later, given, ended = E.alias("later"), E.alias("given"), E.alias("ended")
    after_given = or_(
        ended.c.at > given.c.at, and_(ended.c.at == given.c.at, ended.c.id > given.c.id)
    )
    still_given = and_(
        _chain(given),
        given.c.event == EventKind.GIVEN.value,
        ~exists(
            select(1)
            .where(_chain(ended), ended.c.event != EventKind.GIVEN.value, after_given)
            .correlate(E, given)
        ),
    )
    return and_(
        ~exists(select(1).where(_chain(later), later.c.at >= limit).correlate(E)),
        ~exists(select(1).where(still_given).correlate(E)),
    )


def count_due(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> DueCount:
    due = due_condition(ctx, target)
    if due is None:
        return DueCount(target.key, 0, 0, None)
    rows, people, oldest = connection.execute(
        select(func.count(), func.count(func.distinct(E.c.person_id)), func.min(E.c.at)).where(
            due, not_held(catalog, E, ctx.legal)
        )
    ).one()
    held = connection.execute(
        select(func.count()).select_from(E).where(due, held_by(catalog, E, ctx.legal))
    ).scalar_one()
    return DueCount(
        target.key, int(rows), int(people or 0), oldest.date() if oldest else None, int(held)
    )


def sweep_batch(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext, batch_rows: int
) -> list[BatchResult]:
    due = due_condition(ctx, target)
    if due is None:
        return []
    eligible = and_(due, not_held(catalog, E, ctx.legal))
    # In time order: a chain's latest event (the one that ended the consent) goes last, so a
    # chain cut by a batch is still due, whole, in the next.
    times = select(E.c.at).where(eligible).order_by(E.c.at).limit(batch_rows).subquery()
    last = connection.execute(select(func.max(times.c.at))).scalar()
    if last is None:
        return []
    deleted = connection.execute(delete(E).where(eligible, E.c.at <= last)).rowcount
    details = {"through": last.isoformat()}
    return [BatchResult(target.key, Action.DELETE.value, deleted, 0, details)]
