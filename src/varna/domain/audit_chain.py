"""The audit chain: each entry of the audit log carries the hash of the one before it.

The log is chained in ``LANES`` independent lanes, so that concurrent writers need not wait for
one another: each transaction appends to a lane no other holds, and each entry records its
lane and its position (``seq``) within it. An entry's hash is SHA-256 over the previous entry's
hash in its lane and an unambiguous encoding of the entry itself: its lane, its position, time,
actor, action, target and the exact text of its details as stored. Changing, removing,
inserting or reordering an entry breaks its lane at that entry; removing entries at the end
is seen against the lane's head (the position and hash of its newest entry, kept beside the
log). Entries removed by retention are replaced by a checkpoint per lane (the position and
hash of the last one removed), from which verification goes on.

The details are hashed as the text stored, never re-serialised: they are written once in the
canonical form of :func:`canonical_details`, so verification reads text and hashes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from hashlib import sha256
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry of a lane
LANES = 8  # independent chains (one head row each, migration 0026)

HASH_MISMATCH = "hash mismatch"
PREV_MISMATCH = "prev mismatch"
GAP = "gap"
UNEXPECTED = "unexpected entry"
OUT_OF_ORDER = "out of order"
MISSING_AT_END = "missing at end"
HEAD_MISMATCH = "head mismatch"


def canonical_at(at: datetime) -> str:
    """An entry's time as hashed: UTC, ``YYYY-MM-DD HH:MM:SS`` and the fraction of a second
    without trailing zeros, if any (how PostgreSQL writes a timestamp as text, and how SQLite
    keeps one, so that verification hashes the database's own text)."""
    utc = at.astimezone(UTC)
    text = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} {utc.hour:02d}:{utc.minute:02d}:"
    text += f"{utc.second:02d}"
    return text + f".{utc.microsecond:06d}".rstrip("0") if utc.microsecond else text


def canonical_details(details: Mapping[str, Any]) -> str:
    """The text an entry's details are stored (and hashed) as: keys sorted, no spaces."""
    return json.dumps(dict(details), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_suffix(at: str, actor: str, action: str, target: str | None, details: str) -> str:
    """What an entry's hash covers besides its position and the hash before it. Every field
    of varying length is prefixed by its length, so no two different entries encode alike; a
    missing target is ``-``. (PostgreSQL builds the same text in SQL, adapters/db/audit.py.)"""
    aimed = "-" if target is None else f"{len(target)}:{target}"
    return f"{at}|{len(actor)}:{actor}|{len(action)}:{action}|{aimed}|{len(details)}:{details}"


def chain_hash(prev_hash: str, lane: int, seq: int, suffix: str) -> str:
    """SHA-256 (hex) of ``prev_hash|lane|seq|suffix`` in UTF-8."""
    return sha256(f"{prev_hash}|{lane}|{seq}|{suffix}".encode()).hexdigest()


def entry_hash(
    prev_hash: str,
    lane: int,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str | None,
    details: str,
) -> str:
    """The hash of one entry."""
    return chain_hash(prev_hash, lane, seq, entry_suffix(at, actor, action, target, details))


@dataclass(frozen=True, slots=True)
class ChainStart:
    """Where verification of a lane starts: after its last checkpoint, or at its first entry."""

    seq: int  # the position of the first entry expected
    prev_hash: str


@dataclass(frozen=True, slots=True)
class Broken:
    """The first entry where the chain does not hold, and what is wrong there."""

    seq: int
    id: int | None
    problem: str
    lane: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One lane's verdict (``lane`` set), or the whole log's (``lanes`` holds each lane's, and
    the positions are summed over the lanes: ``head_seq`` is every entry ever written,
    ``start_seq - 1`` those retention removed, ``head_hash`` a digest of every lane's head)."""

    ok: bool
    entries: int  # entries checked
    first_broken: Broken | None
    start_seq: int
    head_seq: int
    head_hash: str
    lane: int | None = None
    lanes: tuple[Verdict, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ok": self.ok,
            "entries": self.entries,
            "first_broken": None if self.first_broken is None else self.first_broken.as_dict(),
            "start_seq": self.start_seq,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
        }
        if self.lane is not None:
            found["lane"] = self.lane
        if self.lanes:
            found["lanes"] = [one.as_dict() for one in self.lanes]
        return found


def heads_digest(heads: Iterable[tuple[int, int, str]]) -> str:
    """One hash over every lane's head (lane, position, hash): the whole log's state."""
    return sha256(";".join(f"{lane}|{seq}|{h}" for lane, seq, h in heads).encode()).hexdigest()


def combine(lanes: list[Verdict]) -> Verdict:
    """The log's verdict from its lanes' (walked in lane order, up to the first broken one)."""
    broken = next((one.first_broken for one in lanes if one.first_broken is not None), None)
    return Verdict(
        broken is None,
        sum(one.entries for one in lanes),
        broken,
        1 + sum(one.start_seq - 1 for one in lanes),
        sum(one.head_seq for one in lanes),
        heads_digest((one.lane or 0, one.head_seq, one.head_hash) for one in lanes),
        lanes=tuple(lanes),
    )


# (id, seq, prev_hash, hash, at as canonical text, actor, action, target, details as stored)
ChainRow = tuple[int, int, str, str, str, str, str, str | None, str]


def verify_rows(
    rows: Iterable[ChainRow], start: ChainStart, head: tuple[int, str], lane: int = 0
) -> Verdict:
    """Walk ``rows`` (one lane's, in ``seq`` order) from ``start`` and compare the end with
    ``head`` (the position and hash of the lane's newest entry). Stops at the first broken
    entry."""
    head_seq, head_hash = head
    expected = start.seq
    prev = start.prev_hash
    last_id = -1
    checked = 0

    def verdict(broken: Broken | None) -> Verdict:
        found = None if broken is None else Broken(broken.seq, broken.id, broken.problem, lane)
        return Verdict(found is None, checked, found, start.seq, head_seq, head_hash, lane)

    for row_id, seq, prev_hash, stored, at, actor, action, target, details in rows:
        if seq > head_seq:
            return verdict(Broken(seq, row_id, UNEXPECTED))
        if seq != expected:
            return verdict(Broken(expected, row_id, GAP))
        if prev_hash != prev:
            return verdict(Broken(seq, row_id, PREV_MISMATCH))
        # entry_hash, written out: this loop is the whole cost of a verification
        aimed = "-" if target is None else f"{len(target)}:{target}"
        payload = (
            f"{prev}|{lane}|{seq}|{at}|{len(actor)}:{actor}|{len(action)}:{action}|{aimed}|"
            f"{len(details)}:{details}"
        )
        if sha256(payload.encode()).hexdigest() != stored:
            return verdict(Broken(seq, row_id, HASH_MISMATCH))
        if row_id <= last_id:
            return verdict(Broken(seq, row_id, OUT_OF_ORDER))
        last_id = row_id
        prev = stored
        expected += 1
        checked += 1
    if expected <= head_seq:
        return verdict(Broken(expected, None, MISSING_AT_END))
    if prev != head_hash:
        return verdict(Broken(head_seq, None, HEAD_MISMATCH))
    return verdict(None)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit page and its export show: each given field must match exactly; the
    period runs from the start of ``since`` to the end of ``until`` (UTC days)."""

    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry as the audit page shows it."""

    seq: int
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: str  # the text stored
