"""Audit chain benchmark (R6): appending under concurrent writers, and verifying.

    python -m bench.audit [--writers 8] [--per-writer 300] [--entries 300000] [--repeat 5]

(a) Appending: ``--writers`` threads, each with its own PostgreSQL connection, write one
audit entry per transaction, ``--per-writer`` each. The chained log (``SqlAuditLog``: a free
lane's head lock, the hashes, the multi-row insert, the head's update) is measured against
the same inserts into a table of the same columns without the chain (the raw baseline). After
each chained round ``verify`` must hold. Target: the chain at least 0.5 of the baseline. Also
shown: one raw writer alone. The log is chained in lanes (domain/audit_chain.py LANES): each
writer takes a lane no other holds, so up to LANES writers commit side by side; with more,
they wait for a lane (its lock is held until the commit has reached the disk).

(b) Verifying: ``--entries`` entries (written with the chain in transactions of 10,000), then
``verify_chain`` (what ``varna audit verify`` runs) against reading the same rows through the
same server-side cursor without hashing (the raw baseline). Target: 200,000 entries/s.

Each figure is the median of ``--repeat`` runs; the two sides take turns within each round.
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from bench.common import fresh_postgres, median, migrated, report
from varna.adapters.db.audit import SqlAuditLog, chain_start, stream_chain, verify_chain
from varna.adapters.db.engine import make_engine
from varna.domain.audit import AuditAction
from varna.domain.audit_chain import LANES
from varna.services.ports import AuditEvent

APPEND_TARGET = 0.5
VERIFY_TARGET = 200_000
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RAW_TABLE = """
CREATE TABLE IF NOT EXISTS audit_raw (
    id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, actor VARCHAR(120) NOT NULL,
    action VARCHAR(64) NOT NULL, target VARCHAR(120), details JSON NOT NULL
)"""
RAW_INSERT = text(
    "INSERT INTO audit_raw (at, actor, action, target, details) "
    "VALUES (:at, :actor, :action, :target, CAST(:details AS json))"
)


def _event(writer: int, i: int) -> AuditEvent:
    return AuditEvent(
        f"staff:{writer}", AuditAction.REQUEST_VIEWED, f"request:{i}", {"writer": writer, "n": i}
    )


def _writers(engine: Engine, writers: int, per_writer: int, chained: bool) -> float:
    """Entries per second of ``writers`` threads, one entry per transaction each."""
    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with engine.connect() as connection:
                connection.commit()
                barrier.wait()
                for i in range(per_writer):
                    with connection.begin():
                        if chained:
                            SqlAuditLog(connection).record(_event(writer, i), at=AT)
                        else:
                            connection.execute(
                                RAW_INSERT,
                                {
                                    "at": AT,
                                    "actor": f"staff:{writer}",
                                    "action": "request.viewed",
                                    "target": f"request:{i}",
                                    "details": f'{{"n":{i},"writer":{writer}}}',
                                },
                            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    return writers * per_writer / seconds


def _fill(engine: Engine, entries: int) -> None:
    written = 0
    while written < entries:
        n = min(10_000, entries - written)
        with engine.begin() as connection:
            SqlAuditLog(connection).record_many(
                (_event(i % 8, written + i) for i in range(n)), at=AT
            )
        written += n


def _verify(engine: Engine) -> tuple[float, int]:
    with engine.begin() as connection:
        start = time.perf_counter()
        verdict = verify_chain(connection)
        seconds = time.perf_counter() - start
    if not verdict.ok:
        raise SystemExit(f"the chain does not hold: {verdict.as_dict()}")
    return seconds, verdict.entries


def _read_only(engine: Engine) -> float:
    with engine.begin() as connection:
        start = time.perf_counter()
        count = sum(
            sum(1 for _ in stream_chain(connection, chain_start(connection, lane).seq, lane=lane))
            for lane in range(LANES)
        )
        seconds = time.perf_counter() - start
    assert count > 0
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=300)
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url = fresh_postgres("varna_bench_audit")
    migrated(url).dispose()
    engine = make_engine(url, pool_size=args.writers + 2)
    with engine.begin() as connection:
        connection.execute(text(RAW_TABLE))

    chained: list[float] = []
    raw: list[float] = []
    serial: list[float] = []
    _writers(engine, args.writers, 20, True)  # warm the pool and the caches; not counted
    _writers(engine, args.writers, 20, False)
    for _ in range(args.repeat):
        raw.append(_writers(engine, args.writers, args.per_writer, False))
        serial.append(_writers(engine, 1, args.per_writer, False))
        chained.append(_writers(engine, args.writers, args.per_writer, True))
        _verify(engine)
    ratio = median(chained) / median(raw)
    report(
        f"(a) appending, {args.writers} writers, one entry per transaction "
        f"(median of {args.repeat})",
        [
            ("raw inserts (baseline)", f"{median(raw):9.0f} entries/s"),
            ("one raw writer (commits in turn)", f"{median(serial):9.0f} entries/s"),
            ("chained (SqlAuditLog)", f"{median(chained):9.0f} entries/s"),
            ("ratio", f"{ratio:9.2f}  target >= {APPEND_TARGET}"),
        ],
    )

    _fill(engine, args.entries)
    verify_s: list[float] = []
    read_s: list[float] = []
    entries = 0
    _read_only(engine)  # warm the server's cache; not counted
    for _ in range(args.repeat):
        read_s.append(_read_only(engine))
        seconds, entries = _verify(engine)
        verify_s.append(seconds)
    report(
        f"(b) verifying {entries} entries (median of {args.repeat})",
        [
            ("reading only (baseline)", f"{entries / median(read_s):9.0f} entries/s"),
            ("verify_chain", f"{entries / median(verify_s):9.0f} entries/s"),
            ("ratio", f"{median(read_s) / median(verify_s):9.2f}"),
            ("target", f"{VERIFY_TARGET:9d} entries/s"),
        ],
    )
    engine.dispose()


if __name__ == "__main__":
    main()
