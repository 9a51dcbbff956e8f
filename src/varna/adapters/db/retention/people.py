"""People whose every role is past its rule (R2, R1): each role of ``person_roles`` runs on the
clock its rule names (``varna.domain.retention.targets.person_role_rules``):

* contract end (contacts, R2): the role's end date, or the end of the organisation's last
  contract (NULL while one runs);
* last contact (leads): the person's latest quote request, while none became an order;
  without a request, the role's end or start. A lead whose request became an order is the
  ordering customer's contact from then on: due by the post-contract rule once every ordering
  customer's last contract ended;
* consent withdrawn (newsletter subscribers): the latest withdrawal, refusal or expiry in the
  consent ledger that no later consent overrides; without ledger entries, the role's end;
* a visit (web visitors): the person's latest web visit; without one, the role's end or start.

A person belongs to the target of the first rule among their roles and is due when each of
their roles is due on its own rule. The erasure itself is the subject engine's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Subquery,
    and_,
    case,
    func,
    or_,
    select,
)

from varna.adapters.db.tables import (
    consent_events,
    contracts,
    erasure_runs,
    orders,
    person_roles,
    quote_requests,
    web_visits,
)
from varna.catalog.model import Catalog, RetentionRule, StartEvent
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.retention.holds import HeldScopes
from varna.domain.retention.targets import Target, consent_purpose, subject_targets
from varna.services.retention.people import RETENTION_ACTOR_PREFIX
from varna.services.retention.ports import SweepContext

GIVEN = "given"
ALL = 10_000_000


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


def _leads() -> Subquery:
    """person id -> their latest quote request; how many of them became an order, at how many
    of those orders' organisations the last contract has ended, and the latest such end."""
    ends = _organisation_ends()
    return (
        select(
            quote_requests.c.person_id.label("person_id"),
            func.max(quote_requests.c.received_at).label("last"),
            func.count(orders.c.id).label("ordered"),
            func.count(ends.c.ended_on).label("ordered_ended"),
            func.max(ends.c.ended_on).label("ordered_end"),
        )
        .select_from(
            quote_requests.outerjoin(
                orders, orders.c.quote_request_id == quote_requests.c.id
            ).outerjoin(ends, ends.c.organisation_id == orders.c.organisation_id)
        )
        .where(quote_requests.c.person_id.is_not(None))
        .group_by(quote_requests.c.person_id)
        .subquery()
    )


def _consents(purpose: str) -> Subquery:
    """person id -> their latest consent to ``purpose`` and their latest end of it."""
    given = consent_events.c.event == GIVEN
    return (
        select(
            consent_events.c.person_id.label("person_id"),
            func.max(case((given, consent_events.c.at), else_=None)).label("given"),
            func.max(case((given, None), else_=consent_events.c.at)).label("ended"),
        )
        .where(consent_events.c.person_id.is_not(None), consent_events.c.purpose == purpose)
        .group_by(consent_events.c.person_id)
        .subquery()
    )


def _visits() -> Subquery:
    return (
        select(
            web_visits.c.person_id.label("person_id"),
            func.max(web_visits.c.visited_at).label("last"),
        )
        .where(web_visits.c.person_id.is_not(None))
        .group_by(web_visits.c.person_id)
        .subquery()
    )


class _Clocks:
    """The role-due conditions of one query, with the subqueries they join."""

    def __init__(self, catalog: Catalog, contract_cutoff: date | None) -> None:
        self.catalog = catalog
        self.contract_cutoff = contract_cutoff  # the post-contract rule's, for ordered leads
        self.ends = _organisation_ends()
        self.joins: list[tuple[Subquery, ColumnElement[bool]]] = [
            (self.ends, self.ends.c.organisation_id == person_roles.c.organisation_id)
        ]
        self._by_person: dict[str, Subquery] = {}

    def _person_subquery(self, key: str, build: Subquery) -> Subquery:
        if key not in self._by_person:
            self._by_person[key] = build
            self.joins.append((build, build.c.person_id == person_roles.c.person_id))
        return self._by_person[key]

    def role_due(self, rule: RetentionRule, cutoff: date) -> ColumnElement[bool]:
        bound = start_of_day(day_after(cutoff))
        own = func.coalesce(person_roles.c.ended_on, person_roles.c.started_on) <= cutoff
        event = rule.start_event
        if event is StartEvent.CONTRACT_END:
            return func.coalesce(person_roles.c.ended_on, self.ends.c.ended_on) <= cutoff
        if event is StartEvent.LAST_CONTACT:
            leads = self._person_subquery("leads", _leads())
            unordered = and_(
                func.coalesce(leads.c.ordered, 0) == 0,
                or_(leads.c.last < bound, and_(leads.c.last.is_(None), own)),
            )
            if self.contract_cutoff is None:
                return unordered
            # A lead whose request became an order is the ordering customer's contact from then
            # on: due by the post-contract rule once every ordering customer's contracts ended.
            ordered = and_(
                leads.c.ordered > 0,
                leads.c.ordered_ended == leads.c.ordered,
                leads.c.ordered_end <= self.contract_cutoff,
            )
            return or_(unordered, ordered)
        if event is StartEvent.CONSENT_WITHDRAWN:
            purpose = consent_purpose(self.catalog, rule)
            if purpose is None:
                return person_roles.c.ended_on <= cutoff
            ledger = self._person_subquery(f"consent:{purpose}", _consents(purpose))
            withdrawn = and_(
                ledger.c.ended < bound,
                or_(ledger.c.given.is_(None), ledger.c.ended > ledger.c.given),
            )
            unknown = and_(ledger.c.given.is_(None), ledger.c.ended.is_(None))
            return or_(withdrawn, and_(unknown, person_roles.c.ended_on <= cutoff))
        if event is StartEvent.VISIT:
            visits = self._person_subquery("visits", _visits())
            return or_(visits.c.last < bound, and_(visits.c.last.is_(None), own))
        return own


def due_people(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext, limit: int
) -> list[int]:
    targets = subject_targets(catalog)
    if ctx.legal.covers_table("people") or target not in targets:
        return []
    rules = {role: t.rule for t in targets for role in t.roles}
    contract_cutoff = next(
        (
            ctx.role_cutoffs.get(role)
            for role, rule in rules.items()
            if rule.start_event is StartEvent.CONTRACT_END
        ),
        None,
    )
    clocks = _Clocks(catalog, contract_cutoff)
    due_parts, rank_parts = [], []
    for index, each in enumerate(targets):
        rank_parts.append((person_roles.c.role.in_(each.roles), index))
    for role, rule in rules.items():
        cutoff = ctx.role_cutoffs.get(role)
        if cutoff is not None:
            due_parts.append((and_(person_roles.c.role == role, clocks.role_due(rule, cutoff)), 1))
    if not due_parts:
        return []
    rank = case(*rank_parts, else_=len(targets))
    erased = select(erasure_runs.c.person_id).where(
        erasure_runs.c.person_id.is_not(None),
        erasure_runs.c.actor.like(f"{RETENTION_ACTOR_PREFIX}%"),
    )
    joined: FromClause = person_roles
    for subquery, on in clocks.joins:
        joined = joined.outerjoin(subquery, on)
    query = (
        select(person_roles.c.person_id)
        .select_from(joined)
        .where(person_roles.c.person_id.not_in(erased))
        .group_by(person_roles.c.person_id)
        .having(
            and_(
                func.count() == func.sum(case(*due_parts, else_=0)),
                func.min(rank) == targets.index(target),
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


def count_people(
    connection: Connection, catalog: Catalog, target: Target, ctx: SweepContext
) -> tuple[int, int]:
    """(due people, people the legal holds keep)."""
    due = len(due_people(connection, catalog, target, ctx, ALL))
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
        role_cutoffs=ctx.role_cutoffs,
        instructions=ctx.instructions,
    )
    return due, len(due_people(connection, catalog, target, unheld, ALL)) - due


__all__ = ["RETENTION_ACTOR_PREFIX", "count_people", "due_people"]
