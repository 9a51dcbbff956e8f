"""The consent ledger's own clock (C7, R1): the proof of a consent is kept while the consent
stands and for the rule's period (three years) after it was withdrawn, refused or expired.
A chain is one subject's (a person's, or an anonymous browser's) events for one purpose; it is
due when its latest event ends the consent and no event of it is later than the cut-off. A due
chain's events are deleted whole, in id batches; a chain under a legal hold stays.

The anonymous browser ids of the cookie banner are chains too: a refusal, or a consent
withdrawn, is proof for three years and then goes. An unsubscribe token (a person's link for
one purpose) goes with its chain, or once no chain is left and it is as old."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    FromClause,
    Table,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
)

from varna.adapters.db.retention.conditions import held_by, not_held
from varna.adapters.db.tables import consent_events, metadata
from varna.catalog.model import Catalog
from varna.domain.consent.events import EventKind
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext

E = consent_events


def _chain(other: FromClause, anchor: Table) -> ColumnElement[bool]:
    """Rows of ``other`` (an alias of the ledger) in the same chain as the row of ``anchor``
    (the ledger itself, or a table keyed by person and purpose: an unsubscribe token)."""
    same = [and_(anchor.c.person_id.is_not(None), other.c.person_id == anchor.c.person_id)]
    if "browser_id" in anchor.c:
        same.append(
            and_(anchor.c.browser_id.is_not(None), other.c.browser_id == anchor.c.browser_id)
        )
    return and_(other.c.purpose == anchor.c.purpose, or_(*same))


def _clock(anchor: Table) -> Column[Any]:
    return anchor.c.at if anchor is E else anchor.c.created_at


def due_condition(ctx: SweepContext, target: Target) -> ColumnElement[bool] | None:
    """Rows of the target's table whose chain is due: no event of it later than the cut-off,
    and its latest event ended the consent (a chain with no events left is due too); the
    row's own time is on or before the cut-off."""
    cutoff = ctx.cutoffs.get(target.key)
    if cutoff is None:
        return None
    anchor = metadata.tables[target.table]
    limit = start_of_day(day_after(cutoff))
    later, given, ended = E.alias("later"), E.alias("given"), E.alias("ended")
    after_given = or_(
        ended.c.at > given.c.at, and_(ended.c.at == given.c.at, ended.c.id > given.c.id)
    )
    still_given = and_(
        _chain(given, anchor),
        given.c.event == EventKind.GIVEN.value,
        ~exists(
            select(1)
            .where(_chain(ended, anchor), ended.c.event != EventKind.GIVEN.value, after_given)
            .correlate(anchor, given)
        ),
    )
    return and_(
        _clock(anchor) < limit,
        ~exists(select(1).where(_chain(later, anchor), later.c.at >= limit).correlate(anchor)),
        ~exists(select(1).where(still_given).correlate(anchor)),
    )


def count_due(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> DueCount:
    due = due_condition(ctx, target)
    if due is None:
        return DueCount(target.key, 0, 0, None)
    anchor = metadata.tables[target.table]
    rows, people, oldest = connection.execute(
        select(
            func.count(), func.count(func.distinct(anchor.c.person_id)), func.min(_clock(anchor))
        )
        .select_from(anchor)
        .where(due, not_held(catalog, anchor, ctx.legal))
    ).one()
    held = connection.execute(
        select(func.count()).select_from(anchor).where(due, held_by(catalog, anchor, ctx.legal))
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
    anchor = metadata.tables[target.table]
    eligible = and_(due, not_held(catalog, anchor, ctx.legal))
    # In time order: a chain's latest event (the one that ended the consent) goes last, so a
    # chain cut by a batch is still due, whole, in the next.
    clock = _clock(anchor)
    times = select(clock.label("t")).where(eligible).order_by(clock).limit(batch_rows).subquery()
    last = connection.execute(select(func.max(times.c.t))).scalar()
    if last is None:
        return []
    deleted = connection.execute(delete(anchor).where(eligible, clock <= last)).rowcount
    details = {"through": last.isoformat()}
    return [BatchResult(target.key, Action.DELETE.value, deleted, 0, details)]
