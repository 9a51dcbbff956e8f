"""Consent benchmark: the gate's latency and the marketing selection, against raw SQL.

For each store: 100,000 people, about 1.6 consent events each. Measured warm, in one open
unit of work:
- the gate (``ConsentGate.may_process``) for one person and purpose: median and p99, against
  the raw driver running the same ledger query;
- the marketing selection (``marketing_recipients``): the set-based window query through the
  store, against the same SQL run raw on the driver cursor;
- the expiry sweep 25 months on: its candidate selection for one purpose (``last_given``)
  against the same SQL raw, and the whole sweep (every key; the expired events written).

    python bench/consent.py [--people 100000] [--calls 5000] [--store both]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, text

from bench.common import fresh_postgres, fresh_sqlite, median, migrated, report
from varna.adapters.db.tables import consent_events, people
from varna.adapters.db.uow import SqlUnitOfWork
from varna.bootstrap import SystemClock
from varna.catalog import Catalog, load_catalog
from varna.domain.consent import ConsentSubject
from varna.domain.consent.expiry import ValidityPolicy, add_months
from varna.services.consent.expiry import ExpireCommand, expire_consents
from varna.services.consent.gate import ConsentGate

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class BenchContext:
    """The service context of the sweep: this engine, the catalogue, the system clock."""

    engine: Engine
    catalog: Catalog
    clock: SystemClock = field(default_factory=SystemClock)
    secret: bytes = b"bench"

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, catalog=self.catalog)


PURPOSE = "newsletter"
GATE_SQL = (
    "SELECT purpose, event, notice_version, text_hash, channel, language, at "
    "FROM consent_events WHERE person_id = {p} AND purpose IN ({q}) ORDER BY at, id"
)
SELECT_SQL = """
SELECT people.id, people.email FROM people JOIN (
  SELECT person_id, event, notice_version FROM (
    SELECT person_id, event, notice_version,
           row_number() OVER (PARTITION BY person_id ORDER BY at DESC, id DESC) AS rank
    FROM consent_events
    WHERE purpose = {q} AND person_id IS NOT NULL AND at <= {q}) AS ranked
  WHERE rank = 1) AS last_event ON last_event.person_id = people.id
WHERE last_event.event = 'given' AND last_event.notice_version IN ({q})
  AND people.email IS NOT NULL ORDER BY people.id
"""

EXPIRY_SQL = """
SELECT * FROM (
  SELECT person_id, browser_id, event, notice_version, text_hash, channel, language, at,
         row_number() OVER (PARTITION BY person_id, browser_id ORDER BY at DESC, id DESC) AS rank
  FROM consent_events WHERE purpose = {q} AND at <= {q}) AS ranked
WHERE rank = 1 AND event = 'given' AND at <= {q}
"""


def load(engine: Engine, count: int, gate: ConsentGate) -> None:
    rng = random.Random(5)
    version = gate.notice.version
    text_hash = gate.notice.text_hash("sv")
    events = []
    for person in range(1, count + 1):
        roll = rng.random()
        base = {
            "person_id": person,
            "browser_id": None,
            "purpose": PURPOSE,
            "notice_version": version,
            "text_hash": text_hash,
            "channel": "privacy_center",
            "language": "sv",
        }
        at = T0 + timedelta(seconds=person)
        if roll < 0.9:
            events.append({**base, "event": "given" if roll < 0.7 else "refused", "at": at})
        if roll < 0.2:
            events.append({**base, "event": "withdrawn", "at": at + timedelta(days=3)})
        if roll < 0.5:
            events.append({**base, "purpose": "customer_surveys", "event": "given", "at": at})
    with engine.begin() as conn:
        for start in range(0, count, 20_000):
            conn.execute(
                insert(people),
                [
                    {
                        "id": n,
                        "full_name": f"Bench Person {n}",
                        "email": f"bench-{n}@example.com",
                        "source": "bench",
                        "created_at": T0,
                    }
                    for n in range(start + 1, min(start + 20_000, count) + 1)
                ],
            )
        for start in range(0, len(events), 50_000):
            conn.execute(insert(consent_events), events[start : start + 50_000])
    with SqlUnitOfWork(engine) as uow:
        gate.publish(uow, at=T0)
        uow.commit()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def measure(name: str, url: str, count: int, calls: int) -> None:
    engine = migrated(url)
    gate = ConsentGate(load_catalog())
    load(engine, count, gate)
    at = T0 + timedelta(days=30)
    rng = random.Random(9)
    ids = [rng.randint(1, count) for _ in range(calls)]
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    with SqlUnitOfWork(engine) as uow:
        for person in ids[:200]:
            gate.may_process(uow, ConsentSubject.person(person), PURPOSE, at=at)
        gate_times = []
        for person in ids:
            start = time.perf_counter()
            gate.may_process(uow, ConsentSubject.person(person), PURPOSE, at=at)
            gate_times.append(time.perf_counter() - start)
        cursor = uow.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        raw_sql = GATE_SQL.format(p=mark, q=mark)
        raw_times = []
        for person in ids:
            start = time.perf_counter()
            cursor.execute(raw_sql, (person, PURPOSE))
            cursor.fetchall()
            raw_times.append(time.perf_counter() - start)
        versions = gate.valid_versions(uow, PURPOSE)
        store_runs, raw_runs, selected = [], [], 0
        select_sql = SELECT_SQL.format(q=mark)
        at_param = at if engine.dialect.name == "postgresql" else at.strftime("%Y-%m-%d %H:%M:%S")
        for _ in range(3):
            start = time.perf_counter()
            selected = len(uow.consent.marketing_recipients(PURPOSE, versions, at=at))
            store_runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            cursor.execute(select_sql, (PURPOSE, at_param, versions[0]))
            raw_count = len(cursor.fetchall())
            raw_runs.append(time.perf_counter() - start)
        assert raw_count == selected, (raw_count, selected)
        as_of = add_months(at, 25)
        policy = ValidityPolicy()
        bound = policy.given_before(PURPOSE, as_of)
        expiry_sql, expiry_store, expiry_raw, lapsing = EXPIRY_SQL.format(q=mark), [], [], 0
        params = (
            PURPOSE,
            *(t if mark == "%s" else t.strftime("%Y-%m-%d %H:%M:%S") for t in (as_of, bound)),
        )
        for _ in range(3):
            start = time.perf_counter()
            lapsing = len(uow.consent.last_given(PURPOSE, given_before=bound, as_of=as_of))
            expiry_store.append(time.perf_counter() - start)
            start = time.perf_counter()
            cursor.execute(expiry_sql, params)
            raw_lapsing = len(cursor.fetchall())
            expiry_raw.append(time.perf_counter() - start)
        assert raw_lapsing == lapsing, (raw_lapsing, lapsing)
    start = time.perf_counter()
    swept = expire_consents(
        BenchContext(engine, gate.catalog),
        ExpireCommand(as_of=as_of),
        gate=gate,
        policy=policy,
        actor="bench",
    )
    sweep_time = time.perf_counter() - start
    engine.dispose()
    p99 = statistics.quantiles(gate_times, n=100)[98]
    raw_p99 = statistics.quantiles(raw_times, n=100)[98]
    gate_median, raw_median = median(gate_times), median(raw_times)
    select_store, select_raw = median(store_runs), median(raw_runs)
    report(
        f"consent on {name}: {count:,} people, {calls:,} gate calls",
        [
            (
                "gate median",
                f"{gate_median * 1e6:.0f} µs (raw SQL {raw_median * 1e6:.0f} µs, "
                f"ratio {gate_median / raw_median:.2f})",
            ),
            (
                "gate p99",
                f"{p99 * 1e6:.0f} µs (raw SQL {raw_p99 * 1e6:.0f} µs, ratio {p99 / raw_p99:.2f})",
            ),
            (
                "marketing selection",
                f"{select_store * 1e3:.0f} ms for {selected:,} recipients (raw SQL "
                f"{select_raw * 1e3:.0f} ms, ratio {select_store / select_raw:.2f})",
            ),
            (
                "expiry selection",
                f"{median(expiry_store) * 1e3:.0f} ms for {lapsing:,} lapsed {PURPOSE} consents "
                f"(raw SQL {median(expiry_raw) * 1e3:.0f} ms, ratio "
                f"{median(expiry_store) / median(expiry_raw):.2f})",
            ),
            ("expiry sweep", f"{sweep_time:.2f} s, {swept.total:,} expired events written"),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.store in ("sqlite", "both"):
        measure("SQLite", fresh_sqlite("consent"), args.people, args.calls)
    if args.store in ("postgres", "both"):
        measure("PostgreSQL", fresh_postgres("varna_bench_consent"), args.people, args.calls)


if __name__ == "__main__":
    main()
