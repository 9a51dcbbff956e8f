"""The audit log: one row per state change, written in the same transaction, chained.

The log is chained in ``LANES`` lanes (domain/audit_chain.py), each with its head row. On
PostgreSQL a transaction that writes entries locks the first lane no other transaction holds
(``FOR UPDATE SKIP LOCKED``) and appends there, so concurrent writers do not wait for one
another; only when every lane is held does it wait for one (chosen by its backend's pid). On
SQLite, which has one writer at a time anyway, every entry goes to lane 0: advancing its head
(``UPDATE audit_chain_head ... RETURNING``) takes the write lock. A lane's lock is held from
the audit write to the commit, so each lane's entries are in one order, each from the hash the
one before left. The entries of a call go in as one statement, and the lane's head takes the
last hash."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Connection,
    Dialect,
    String,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    select,
    table,
    text,
    update,
)

from varna.adapters.db.tables import audit_chain_head, audit_checkpoints, audit_events
from varna.adapters.db.types import UTCDateTime
from varna.domain.audit_chain import (
    GENESIS,
    LANES,
    UNEXPECTED,
    AuditEntry,
    AuditFilter,
    Broken,
    ChainRow,
    ChainStart,
    Verdict,
    canonical_at,
    canonical_details,
    combine,
    entry_hash,
    entry_suffix,
    verify_rows,
)
from varna.domain.errors import VarnaError
from varna.services.ports import AuditEvent

FETCH_ROWS = 20_000  # rows per round trip of the verifying cursor
LAST_SEQ = 2**63 - 1


class AuditChainBroken(VarnaError):
    """Retention would remove entries of a chain that does not hold: nothing is removed."""


@dataclass(frozen=True, slots=True)
class Pruned:
    through_seq: int
    entries_removed: int


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: AuditEvent, *, at: datetime) -> None:
        self.record_many((event,), at=at)

    def record_many(self, events: Iterable[AuditEvent], *, at: datetime) -> None:
        chained = list(events)
        if not chained:
            return
        if self._connection.dialect.name == "postgresql":
            self._append_postgres(chained, at)
        else:
            self._append(chained, at.replace(microsecond=0))  # SQLite: to the second

    def _append(self, chained: list[AuditEvent], at: datetime) -> None:
        """Advance lane 0's head (its lock), hash here, insert every entry, move the head."""
        end, prev = self._connection.execute(_ADVANCE, {"n": len(chained), "at_lane": 0}).one()
        seq = end - len(chained) + 1
        at_text = canonical_at(at)
        rows = []
        for event in chained:
            actor, action, body = str(event.actor), str(event.action), _details(event)
            digest = entry_hash(prev, 0, seq, at_text, actor, action, event.target, body)
            rows.append(
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "target": event.target,
                    "details": body,
                    "lane": 0,
                    "seq": seq,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev, seq = digest, seq + 1
        # SQLAlchemy sends several as one multi-row INSERT, compiled once
        self._connection.execute(_INSERT, rows)
        self._connection.execute(_SET_HEAD, {"hash": prev, "at_lane": 0})

    def _append_postgres(self, chained: list[AuditEvent], at: datetime) -> None:
        """One statement, one round trip while the lane is locked: it locks a free lane's head,
        chains the entries (each hash over the one before and the entry's text, built here), inserts
        them and moves the head. ``verify`` recomputes every hash in Python."""
        at_text = canonical_at(at)
        actors = [str(e.actor) for e in chained]
        actions = [str(e.action) for e in chained]
        targets = [e.target for e in chained]
        details = [_details(e) for e in chained]
        suffixes = [
            entry_suffix(at_text, actor, action, target, body)
            for actor, action, target, body in zip(actors, actions, targets, details, strict=True)
        ]
        self._connection.execute(
            _PG_APPEND,
            {
                "at": at,
                "actors": actors,
                "actions": actions,
                "targets": targets,
                "details": details,
                "suffixes": suffixes,
            },
        )


def _details(event: AuditEvent) -> str:
    return canonical_details(event.details)


# The entries of one call, chained in the database in one statement (a recursive fold over
# them in order). ``free`` locks the first lane no other transaction holds (a lane this one
# holds already counts as free); only when all are held does ``waited`` wait for the lane of
# this backend's pid and then read the head the writer before left (READ COMMITTED re-reads a
# row it waited for).
_PG_APPEND = text(f"""
WITH RECURSIVE free AS (
    SELECT lane, seq, hash FROM audit_chain_head ORDER BY lane
    FOR UPDATE SKIP LOCKED LIMIT 1
), waited AS (
    SELECT lane, seq, hash FROM audit_chain_head
    WHERE lane = pg_backend_pid() % {LANES} AND NOT EXISTS (SELECT 1 FROM free)
    FOR UPDATE
), head AS (
    SELECT lane, seq, hash FROM free UNION ALL SELECT lane, seq, hash FROM waited
), item AS (
    SELECT * FROM unnest(CAST(:actors AS text[]), CAST(:actions AS text[]),
                         CAST(:targets AS text[]), CAST(:details AS text[]),
                         CAST(:suffixes AS text[]))
         WITH ORDINALITY AS i(actor, action, target, details, suffix, ord)
), chain AS (
    SELECT i.ord, h.lane, h.seq + 1 AS seq, CAST(h.hash AS text) AS prev,
           encode(sha256(convert_to(
               h.hash || '|' || h.lane || '|' || (h.seq + 1) || '|' || i.suffix, 'UTF8')),
               'hex') AS hash
    FROM head h JOIN item i ON i.ord = 1
    UNION ALL
    SELECT i.ord, c.lane, c.seq + 1, c.hash,
           encode(sha256(convert_to(
               c.hash || '|' || c.lane || '|' || (c.seq + 1) || '|' || i.suffix, 'UTF8')),
               'hex')
    FROM chain c JOIN item i ON i.ord = c.ord + 1
), written AS (
    INSERT INTO audit_events (at, actor, action, target, details, lane, seq, prev_hash, hash)
    SELECT :at, i.actor, i.action, i.target, CAST(i.details AS json), c.lane, c.seq, c.prev,
           c.hash
    FROM chain c JOIN item i ON i.ord = c.ord
    ORDER BY c.ord
)
UPDATE audit_chain_head AS h SET seq = last.seq, hash = last.hash
FROM (SELECT lane, seq, hash FROM chain ORDER BY ord DESC LIMIT 1) AS last
WHERE h.lane = last.lane
""").bindparams(bindparam("at", type_=UTCDateTime))


class _CanonicalText(TypeDecorator[str]):
    """The details as the text hashed: a JSON column, the text sent as it is (cast to json
    on PostgreSQL), never serialised again by the JSON type."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


# Statements built once, their values bound per call (a statement built with ``.values(...)``
# is new each time, and SQLAlchemy would compile a multi-row one afresh on every erasure).
_ADVANCE = (
    update(audit_chain_head)
    .where(audit_chain_head.c.lane == bindparam("at_lane"))
    .values(seq=audit_chain_head.c.seq + bindparam("n", type_=BigInteger))
    .returning(audit_chain_head.c.seq, audit_chain_head.c.hash)
)
_SET_HEAD = (
    update(audit_chain_head)
    .where(audit_chain_head.c.lane == bindparam("at_lane"))
    .values(hash=bindparam("hash"))
)
# The details go in as the canonical text that was hashed, not through the JSON type (which
# would serialise them again in its own way).
_AS_WRITTEN = table(
    "audit_events",
    column("at", UTCDateTime()),
    column("actor", String()),
    column("action", String()),
    column("target", String()),
    column("details", _CanonicalText()),
    column("lane", BigInteger()),
    column("seq", BigInteger()),
    column("prev_hash", String()),
    column("hash", String()),
)
_INSERT = insert(_AS_WRITTEN)


# -- verification ------------------------------------------------------------------------------

# The columns each entry's hash covers (domain/audit_chain.py): the time as canonical text
# (PostgreSQL's own text of the UTC time, as SQLite keeps it), the details as the text stored.
_PG_ROWS = """
SELECT id, seq, prev_hash, hash, CAST(at AT TIME ZONE 'UTC' AS text), actor, action, target,
       details::text
FROM audit_events WHERE lane = %s AND seq BETWEEN %s AND %s ORDER BY lane, seq
"""
_SQLITE_ROWS = """
SELECT id, seq, prev_hash, hash, at, actor, action, target, details
FROM audit_events WHERE lane = ? AND seq BETWEEN ? AND ? ORDER BY lane, seq
"""


def chain_start(connection: Connection, lane: int = 0) -> ChainStart:
    """After the lane's last checkpoint, or its first entry."""
    last = connection.execute(
        select(audit_checkpoints.c.through_seq, audit_checkpoints.c.hash)
        .where(audit_checkpoints.c.lane == lane)
        .order_by(audit_checkpoints.c.through_seq.desc())
        .limit(1)
    ).first()
    return ChainStart(1, GENESIS) if last is None else ChainStart(last[0] + 1, last[1])


def chain_heads(connection: Connection) -> dict[int, tuple[int, str]]:
    """Each lane's head: its position and hash."""
    rows = connection.execute(
        select(audit_chain_head.c.lane, audit_chain_head.c.seq, audit_chain_head.c.hash)
    )
    return {int(lane): (int(seq), str(digest)) for lane, seq, digest in rows}


def stream_chain(
    connection: Connection, start_seq: int, through_seq: int = LAST_SEQ, *, lane: int = 0
) -> Generator[ChainRow]:
    """A lane's entries from ``start_seq`` through ``through_seq``, in chain order, read by the
    driver's own cursor in large fetches (a named, server-side cursor on PostgreSQL): nothing
    is held in memory."""
    dbapi: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        dbapi.execute("SET LOCAL DateStyle = 'ISO'")  # the form the times are hashed in
        cursor = dbapi.cursor(name="audit_chain_verify")
        cursor.itersize = FETCH_ROWS
        cursor.execute(_PG_ROWS, (lane, start_seq, through_seq))
    else:
        cursor = dbapi.cursor()
        cursor.arraysize = FETCH_ROWS
        cursor.execute(_SQLITE_ROWS, (lane, start_seq, through_seq))
    try:
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch
    finally:
        cursor.close()


def verify_chain(connection: Connection) -> Verdict:
    """Recompute each lane from its last checkpoint (or its start) up to its head, in lane
    order, and stop at the first broken entry."""
    heads = chain_heads(connection)
    stray = connection.execute(
        select(audit_events.c.lane, audit_events.c.seq, audit_events.c.id)
        .where(audit_events.c.lane.not_in(list(heads)))
        .order_by(audit_events.c.lane, audit_events.c.seq)
        .limit(1)
    ).first()
    lanes: list[Verdict] = []
    for lane in sorted(heads):
        lanes.append(verify_lane(connection, lane, heads[lane]))
        if not lanes[-1].ok:
            return combine(lanes)
    if stray is not None:  # an entry in a lane that has no head: it was put there
        broken = Broken(int(stray[1]), int(stray[2]), UNEXPECTED, int(stray[0]))
        lanes.append(Verdict(False, 0, broken, 1, 0, GENESIS, int(stray[0])))
    return combine(lanes)


def verify_lane(connection: Connection, lane: int, head: tuple[int, str]) -> Verdict:
    """Recompute one lane from its last checkpoint (or its start) up to its head."""
    start = chain_start(connection, lane)
    e = audit_events.c
    before = connection.execute(
        select(func.min(e.seq), func.min(e.id)).where(e.lane == lane, e.seq < start.seq)
    ).one()
    if before[0] is not None:  # an entry where retention left none: it was put there
        broken = Broken(int(before[0]), int(before[1]), UNEXPECTED, lane)
        return Verdict(False, 0, broken, start.seq, head[0], head[1], lane)
    with closing(stream_chain(connection, start.seq, lane=lane)) as rows:
        return verify_rows(rows, start, head, lane)


# -- retention ---------------------------------------------------------------------------------


def prune_before(connection: Connection, before: datetime, *, at: datetime) -> Pruned | None:
    """Remove the entries at the start of each lane older than ``before``: first the lane's
    checkpoint that covers them (their count, the last one's position and hash), then the
    rows, which the database refuses to delete without it. The removed part of each lane is
    verified first; a broken one is kept (it is evidence) and the sweep is refused (nothing is
    removed from any lane). ``through_seq`` is the furthest position removed in any lane."""
    through, removed = 0, 0
    for lane in range(LANES):
        pruned = _prune_lane(connection, lane, before, at)
        if pruned is not None:
            through = max(through, pruned.through_seq)
            removed += pruned.entries_removed
    return None if removed == 0 else Pruned(through, removed)


def _prune_lane(connection: Connection, lane: int, before: datetime, at: datetime) -> Pruned | None:
    # the lane's lock: waits for a writer holding it
    head_seq, head_hash = connection.execute(_ADVANCE, {"n": 0, "at_lane": lane}).one()
    start = chain_start(connection, lane)
    first_kept = connection.execute(
        select(func.min(audit_events.c.seq)).where(
            audit_events.c.lane == lane, audit_events.c.at >= before
        )
    ).scalar_one()
    through = int(head_seq) if first_kept is None else int(first_kept) - 1
    if through < start.seq:
        return None
    last = connection.execute(
        select(audit_events.c.hash).where(
            audit_events.c.lane == lane, audit_events.c.seq == through
        )
    ).scalar_one_or_none()
    with closing(stream_chain(connection, start.seq, through, lane=lane)) as removed:
        verdict = verify_rows(removed, start, (through, last or head_hash), lane)
    if last is None or not verdict.ok:
        raise AuditChainBroken(
            "the audit chain does not hold where retention would remove entries; "
            "run `varna audit verify`"
        )
    connection.execute(
        insert(audit_checkpoints).values(
            lane=lane, through_seq=through, hash=last, entries_removed=verdict.entries, at=at
        )
    )
    if connection.dialect.name == "postgresql":
        # The application's role may not delete audit rows; the owner's function deletes
        # only those a checkpoint covers (migration 0028).
        connection.execute(
            text("SELECT varna_prune_audit(:lane, :through)"), {"lane": lane, "through": through}
        )
    else:
        connection.execute(
            delete(audit_events).where(audit_events.c.lane == lane, audit_events.c.seq <= through)
        )
    return Pruned(through, verdict.entries)


# -- reading, for the audit page and its export ------------------------------------------------


def _where(filt: AuditFilter) -> list[ColumnElement[bool]]:
    e = audit_events.c
    found: list[ColumnElement[bool]] = []
    if filt.actor:
        found.append(e.actor == filt.actor)
    if filt.action:
        found.append(e.action == filt.action)
    if filt.target:
        found.append(e.target == filt.target)
    if filt.since:
        found.append(e.at >= datetime.combine(filt.since, time.min, tzinfo=UTC))
    if filt.until:
        found.append(e.at < datetime.combine(filt.until + timedelta(days=1), time.min, tzinfo=UTC))
    return found


_SHOWN = (
    audit_events.c.seq,
    audit_events.c.id,
    audit_events.c.at,
    audit_events.c.actor,
    audit_events.c.action,
    audit_events.c.target,
    cast(audit_events.c.details, Text).label("details"),
)


def read_entries(
    connection: Connection, filt: AuditFilter, *, offset: int, limit: int
) -> list[AuditEntry]:
    """A page of entries matching ``filt``, newest first (by id: the lanes are written side by
    side, each with its own positions)."""
    query = (
        select(*_SHOWN)
        .where(*_where(filt))
        .order_by(audit_events.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [AuditEntry(*row) for row in connection.execute(query)]


def stream_entries(connection: Connection, filt: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry matching ``filt``, newest first, read in batches (the export)."""
    query = select(*_SHOWN).where(*_where(filt)).order_by(audit_events.c.id.desc())
    result = connection.execution_options(yield_per=FETCH_ROWS).execute(query)
    for row in result:
        yield AuditEntry(*row)
