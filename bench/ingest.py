"""Ingest benchmark: ``varna ingest usage`` against a raw load of the same file.

Raw baselines, same machine, same run:
- PostgreSQL: ``COPY ... FROM STDIN`` of the CSV into a bare table (the server parses it);
- SQLite: the csv module reading the file and executemany into a bare table, one transaction.

varna's figure includes process start-up, validation of every field, the SIM lookup, source-id
deduplication, partition creation and the audit event.

    python bench/ingest.py [--rows 2000000] [--sims 10000] [--repeat 3] [--store both]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import Engine, insert, text
from stdnum import luhn

from bench.common import (
    DATA,
    fresh_postgres,
    fresh_sqlite,
    median,
    migrated,
    report,
    run_varna,
    timed,
)
from varna.adapters.db.engine import normalise_url
from varna.adapters.db.tables import organisations, sims
from varna.domain.usage import CSV_COLUMNS

RAW_COLUMNS = (
    "source_id BIGINT, iccid TEXT, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, bytes_up BIGINT,"
    " bytes_down BIGINT, mcc TEXT, mnc TEXT, cell_id BIGINT, lac_tac INTEGER, rat TEXT,"
    " traffic_type TEXT"
)


def iccid(n: int) -> str:
    body = f"8946999{n:011d}"
    return body + luhn.calc_check_digit(body)


def write_csv(path: Path, rows: int, sim_count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    iccids = [iccid(n) for n in range(sim_count)]
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(CSV_COLUMNS)
        for n in range(rows):
            began = start + timedelta(seconds=rng.randrange(30 * 86400))
            ended = began + timedelta(seconds=rng.randrange(60, 3600))
            out.writerow(
                (
                    n + 1,
                    iccids[n % sim_count],
                    began.strftime("%Y-%m-%d %H:%M:%S"),
                    ended.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.randrange(100, 10**6),
                    rng.randrange(100, 10**7),
                    "240",
                    rng.choice(("01", "07", "08")),
                    rng.randrange(1, 268435455),
                    rng.randrange(1, 65535),
                    rng.choice(("4G", "LTE-M", "NB-IoT")),
                    "data",
                )
            )


def add_sims(engine: Engine, sim_count: int) -> None:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    with engine.begin() as conn:
        customer = conn.execute(
            insert(organisations)
            .values(kind="customer", name="Benchbolaget AB", source="bench", created_at=now)
            .returning(organisations.c.id)
        ).scalar_one()
        conn.execute(
            insert(sims),
            [
                {
                    "iccid": iccid(n),
                    "imsi": f"24099{n:010d}",
                    "status": "activated",
                    "customer_id": customer,
                    "created_at": now,
                }
                for n in range(sim_count)
            ],
        )


def reset_usage(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            parts = (
                conn.execute(
                    text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        " WHERE i.inhparent = 'usage_records'::regclass"
                    )
                )
                .scalars()
                .all()
            )
            for part in parts:
                conn.execute(text(f"DROP TABLE {part}"))
        else:
            conn.execute(text("DELETE FROM usage_records"))
        conn.execute(text("DELETE FROM audit_events"))


def raw_postgres(url: str, path: Path) -> None:
    dsn = normalise_url(url).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS raw_usage")
        conn.execute(f"CREATE TABLE raw_usage ({RAW_COLUMNS})")
        conn.commit()
        statement = "COPY raw_usage FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cur, path.open("rb") as handle, cur.copy(statement) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()


def raw_sqlite(url: str, path: Path) -> None:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute("DROP TABLE IF EXISTS raw_usage")
    conn.execute(f"CREATE TABLE raw_usage ({RAW_COLUMNS.replace('TIMESTAMPTZ', 'DATETIME')})")
    conn.commit()
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.executemany(f"INSERT INTO raw_usage VALUES ({', '.join('?' * 12)})", reader)
    conn.commit()
    conn.close()


def measure(store: str, path: Path, rows: int, sim_count: int, repeat: int) -> dict[str, float]:
    url = fresh_postgres("varna_bench_ingest") if store == "postgresql" else fresh_sqlite("ingest")
    engine = migrated(url)
    add_sims(engine, sim_count)
    raw = raw_postgres if store == "postgresql" else raw_sqlite
    varna_times, raw_times = [], []
    for _ in range(repeat):
        reset_usage(engine)
        raw_times.append(timed(lambda: raw(url, path)))
        started = time.perf_counter()
        summary = json.loads(run_varna(url, "ingest", "usage", str(path), "--json").stdout)
        varna_times.append(time.perf_counter() - started)
        if summary["rows"] != rows:
            raise RuntimeError(f"varna stored {summary['rows']} rows, expected {rows}")
    engine.dispose()
    varna_rate, raw_rate = rows / median(varna_times), rows / median(raw_times)
    report(
        f"{store}: {rows:,} rows, median of {repeat}",
        [
            ("varna ingest", f"{varna_rate:,.0f} rows/s ({median(varna_times):.2f} s)"),
            ("raw baseline", f"{raw_rate:,.0f} rows/s ({median(raw_times):.2f} s)"),
            ("ratio varna/raw", f"{varna_rate / raw_rate:.2f}"),
        ],
    )
    return {"varna": varna_rate, "raw": raw_rate, "ratio": varna_rate / raw_rate}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--sims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", choices=("both", "postgresql", "sqlite"), default="both")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"usage-{args.rows}.csv"
    if not path.exists():
        write_csv(path, args.rows, args.sims)
    stores = ("postgresql", "sqlite") if args.store == "both" else (args.store,)
    for store in stores:
        measure(store, path, args.rows, args.sims, args.repeat)


if __name__ == "__main__":
    main()
