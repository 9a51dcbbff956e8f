"""Retention benchmark: ``varna retention run`` over usage records against the raw baseline of
one ``DELETE FROM usage_records WHERE started_at < cutoff`` on a copy of the same data.

Usage records spread evenly over 2025, 1,000 SIMs of 10 customers; invoices settled so that
usage started before 2025-05-15 is due (about 37 %: four whole months and half of May).
Measured, each on a fresh copy, median of ``--repeat``:

- the deleting sweep (``VARNA_RETENTION_USAGE_TOTALS=false``) and the raw DELETE;
- the anonymising sweep (daily totals per customer, day and country with k, then drop);
- whole-partition months (PostgreSQL): cut-off on 2025-05-01, the sweep drops four partitions,
  against the raw DELETE of the same rows.

"varna" is the CLI (``varna retention run --target usage_records``), including process
start-up; "in process" is ``run_sweep`` alone (connected before the clock starts, like the raw
DELETE). Both include the plan, the batch and audit records and every commit; the raw DELETE
includes its commit. The issue's targets: delete >= 0.7 of raw, anonymise >= 0.5, whole
partitions >= 10x.

    python -m bench.retention [--rows 1000000] [--sqlite-rows 200000] [--repeat 3] [--store both]
    python -m bench.retention --rows 10000000 --sqlite-rows 2000000   # the issue's sizes
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from bench.common import (
    BENCH_SECRET,
    DATA,
    PG_ADMIN,
    fresh_postgres,
    fresh_sqlite,
    median,
    migrated,
    report,
    run_varna,
)
from varna.adapters.db.engine import make_engine
from varna.adapters.db.tables import contracts, invoices, organisations, sims
from varna.bootstrap import build
from varna.config import Settings

CUSTOMERS, SIMS_PER_CUSTOMER = 10, 100
AS_OF = "2025-06-25"
PARTIAL_CUTOFF, WHOLE_CUTOFF = date(2025, 5, 15), date(2025, 5, 1)


def build_data(url: str, rows: int, issued: date) -> None:
    engine = migrated(url)
    sim_ids: list[int] = []
    with engine.begin() as conn:
        for n in range(CUSTOMERS):
            org = conn.execute(
                insert(organisations)
                .values(
                    kind="customer",
                    name=f"Bänkbolag {n} AB",
                    source="bench",
                    created_at=datetime(2024, 1, 1, tzinfo=UTC),
                )
                .returning(organisations.c.id)
            ).scalar_one()
            conn.execute(insert(contracts).values(organisation_id=org, start_date=date(2024, 1, 1)))
            conn.execute(
                insert(invoices),
                [
                    {
                        "organisation_id": org,
                        "number": f"B{n}-1",
                        "issued_on": issued,
                        "due_on": issued + timedelta(days=30),
                        "fiscal_year": 2025,
                        "total_ore": 1,
                        "paid_on": date(2025, 5, 20),
                    },
                    {
                        "organisation_id": org,
                        "number": f"B{n}-2",
                        "issued_on": date(2025, 9, 1),
                        "due_on": date(2025, 10, 1),
                        "paid_on": None,
                        "fiscal_year": 2025,
                        "total_ore": 1,
                    },
                ],
            )
            for s in range(SIMS_PER_CUSTOMER):
                k = n * SIMS_PER_CUSTOMER + s
                sim_ids.append(
                    conn.execute(
                        insert(sims)
                        .values(
                            iccid=f"8946999{k:012d}",
                            imsi=f"24099{k:010d}",
                            status="activated",
                            customer_id=org,
                            created_at=datetime(2024, 1, 1, tzinfo=UTC),
                        )
                        .returning(sims.c.id)
                    ).scalar_one()
                )
    engine.dispose()
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    step = 365 * 86_400 / rows

    def generated():  # type: ignore[no-untyped-def]
        for i in range(rows):
            at = start + int(i * step)
            yield (
                sim_ids[i % len(sim_ids)],
                at,
                at + 60,
                1_000,
                9_000,
                ("240", "238", "244")[i % 3],
                "01",
                4711 + i % 50,
                17,
                "LTE",
                "data",
            )

    container = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    with container.uow() as uow:
        uow.demo.load_usage(generated(), first_day=date(2025, 1, 1), last_day=date(2025, 12, 31))
        uow.commit()
    with container.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
            conn.commit()
    container.close()


class Store:
    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name

    def base(self) -> str:
        return fresh_postgres(self.name) if self.kind == "postgresql" else fresh_sqlite(self.name)

    def copy(self, base_url: str, suffix: str) -> str:
        if self.kind == "postgresql":
            admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}_{suffix}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{self.name}_{suffix}" TEMPLATE "{self.name}"'))
            admin.dispose()
            return base_url.rsplit("/", 1)[0] + f"/{self.name}_{suffix}"
        target = DATA / f"{self.name}_{suffix}.db"
        shutil.copy(DATA / f"{self.name}.db", target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        if self.kind == "postgresql":
            admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(
                    text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
                )
            admin.dispose()
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def raw_delete(url: str, cutoff: date) -> tuple[float, int]:
    engine = make_engine(url)
    bound = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
    value = bound if engine.dialect.name == "postgresql" else bound.strftime("%Y-%m-%d %H:%M:%S")
    with engine.connect() as conn:
        started = time.perf_counter()
        rows = conn.execute(
            text("DELETE FROM usage_records WHERE started_at < :cutoff"), {"cutoff": value}
        ).rowcount
        conn.commit()  # committed work on both sides: the sweep's figure includes its commits
        elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, rows


def sweep(url: str, *, totals: bool) -> tuple[float, int]:
    import json

    started = time.perf_counter()
    result = run_varna(
        url,
        *("retention", "run", "--as-of", AS_OF, "--target", "usage_records", "--json"),
        settings={"VARNA_RETENTION_USAGE_TOTALS": "true" if totals else "false"},
    )
    elapsed = time.perf_counter() - started
    done = json.loads(result.stdout)["targets"][0]["done"]
    return elapsed, sum(done.values())


def sweep_in_process(url: str, *, totals: bool) -> tuple[float, int]:
    """The sweep without process start-up (imports, catalogue, schema check)."""
    from varna.services.retention.sweep import SweepCommand, run_sweep

    container = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    command = SweepCommand(
        as_of=date.fromisoformat(AS_OF), usage_totals=totals, only=frozenset({"usage_records"})
    )
    with container.engine.connect():
        pass  # connected before the clock starts, like the raw DELETE
    started = time.perf_counter()
    result = run_sweep(
        container,
        command,
        actor="bench",
    )
    elapsed = time.perf_counter() - started
    container.close()
    return elapsed, sum(result.lines[0].done.values())


def measure(store: Store, rows: int, repeat: int, cutoff: date, *, with_totals: bool) -> None:
    base = store.base()
    build_data(base, rows, cutoff)
    figures: dict[str, list[tuple[float, int]]] = {
        "raw": [],
        "delete": [],
        "anonymise": [],
        "delete (in process)": [],
        "anonymise (in process)": [],
    }
    for i in range(repeat):
        for label in figures:
            if label.startswith("anonymise") and not with_totals:
                continue
            suffix = label.replace(" (in process)", "_inproc")
            url = store.copy(base, f"{suffix}{i}")
            totals = label.startswith("anonymise")
            try:
                if label == "raw":
                    figures[label].append(raw_delete(url, cutoff))
                elif label.endswith("(in process)"):
                    figures[label].append(sweep_in_process(url, totals=totals))
                else:
                    figures[label].append(sweep(url, totals=totals))
            finally:
                store.drop(url)
    raw_time = median([t for t, _ in figures["raw"]])
    lines = [("rows in table", f"{rows:,}"), ("rows due (raw DELETE)", f"{figures['raw'][0][1]:,}")]
    for label, values in figures.items():
        if not values:
            continue
        elapsed, count = median([t for t, _ in values]), values[0][1]
        ratio = raw_time / elapsed
        lines.append(
            (f"{label}", f"{elapsed:.2f} s, {count / elapsed:,.0f} rows/s, {ratio:.2f}x raw")
        )
    kind = "whole months" if cutoff.day == 1 else "partial month"
    title = f"{store.kind}: cut-off {cutoff.isoformat()} ({kind})"
    report(title, lines)
    store.drop(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="PostgreSQL usage rows")
    parser.add_argument("--sqlite-rows", type=int, default=200_000, help="SQLite usage rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", choices=["both", "postgresql", "sqlite"], default="both")
    args = parser.parse_args()
    if args.store in ("both", "postgresql"):
        store = Store("postgresql", "varna_bench_retention")
        measure(store, args.rows, args.repeat, PARTIAL_CUTOFF, with_totals=True)
        measure(store, args.rows, args.repeat, WHOLE_CUTOFF, with_totals=False)
    if args.store in ("both", "sqlite"):
        measure(
            Store("sqlite", "retention"),
            args.sqlite_rows,
            args.repeat,
            PARTIAL_CUTOFF,
            with_totals=True,
        )


if __name__ == "__main__":
    main()
