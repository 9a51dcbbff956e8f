"""The floor of the usage ingest: the least any implementation must do to store the file in
varna's usage table, next to ``bench/ingest.py``'s raw baseline, with no varna code timed.

The file is mapped to SIM ids before the timing starts (no reading of ICCIDs, no checks, no
process start-up); what is timed is only what the table's layout asks for:

- PostgreSQL: ``COPY`` of the mapped rows into a table of the month's own (ids from the
  usage table's identity, its checks), then its primary key, the unique (source_id,
  started_at) index, the (sim_id, started_at) index, and ``ATTACH PARTITION``;
- SQLite: the csv module and executemany into ``usage_records`` (its checks, the unique
  source-id index, ``ON CONFLICT DO NOTHING``), with the (sim_id, started_at) index dropped
  and built again at the end, one transaction.

The raw baseline is ``bench/ingest.py``'s, in the same run, the two taking turns.

    python -m bench.ingest_floor [--rows 2000000] [--sims 10000] [--repeat 3] [--store both]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
from pathlib import Path

import psycopg

from bench.common import DATA, fresh_postgres, fresh_sqlite, median, migrated, report, timed
from bench.ingest import add_sims, iccid, raw_postgres, raw_sqlite, reset_usage, write_csv
from varna.adapters.db.engine import normalise_url

COLUMNS = (
    "source_id, sim_id, started_at, ended_at, bytes_up, bytes_down, mcc, mnc, cell_id,"
    " lac_tac, rat, traffic_type"
)
MONTH = "usage_records_y2026m10"
BOUNDS = "FROM ('2026-10-01 00:00:00+00') TO ('2026-11-01 00:00:00+00')"


def mapped_file(path: Path, sim_count: int) -> Path:
    """The CSV without its header, each ICCID replaced by its SIM id (``add_sims`` gives
    the SIMs ids 1, 2, ... in ICCID order)."""
    out = path.with_name(path.stem + "-mapped.csv")
    if out.exists():
        return out
    ids = {iccid(n): str(n + 1) for n in range(sim_count)}
    with path.open(newline="") as source, out.open("w", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        next(reader)
        for row in reader:
            row[1] = ids[row[1]]
            writer.writerow(row)
    return out


def floor_postgres(url: str, mapped: Path) -> None:
    dsn = normalise_url(url).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(dsn) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(
            f"CREATE TABLE {MONTH} (LIKE usage_records INCLUDING CONSTRAINTS,"
            f" CONSTRAINT {MONTH}_loading CHECK (started_at >= '2026-10-01 00:00:00+00'"
            " AND started_at < '2026-11-01 00:00:00+00'))"
        )
        conn.execute(
            f"ALTER TABLE {MONTH} ALTER COLUMN id SET DEFAULT"
            " nextval(pg_get_serial_sequence('usage_records', 'id'))"
        )
        statement = f"COPY {MONTH} ({COLUMNS}) FROM STDIN WITH (FORMAT csv)"
        with conn.cursor() as cur, mapped.open("rb") as handle, cur.copy(statement) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        conn.execute(
            f"ALTER TABLE {MONTH} ALTER COLUMN id DROP DEFAULT,"
            " ADD PRIMARY KEY (id, started_at), ADD UNIQUE (source_id, started_at)"
        )
        conn.execute(f"CREATE INDEX ON {MONTH} (sim_id, started_at)")
        conn.execute(f"ALTER TABLE usage_records ATTACH PARTITION {MONTH} FOR VALUES {BOUNDS}")
        conn.execute(f"ALTER TABLE {MONTH} DROP CONSTRAINT {MONTH}_loading")
        conn.commit()


def floor_sqlite(url: str, mapped: Path) -> None:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    conn.execute("DROP INDEX ix_usage_records_sim_started")
    values = "NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?"
    with mapped.open(newline="") as handle:
        conn.executemany(
            f"INSERT INTO usage_records ({COLUMNS}) VALUES ({values})"  # noqa: S608 - constants
            " ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO NOTHING",
            csv.reader(handle),
        )
    conn.execute("CREATE INDEX ix_usage_records_sim_started ON usage_records (sim_id, started_at)")
    conn.execute("COMMIT")
    conn.close()


def measure(store: str, path: Path, mapped: Path, rows: int, sims: int, repeat: int) -> None:
    url = fresh_postgres("varna_bench_floor") if store == "postgresql" else fresh_sqlite("floor")
    engine = migrated(url)
    add_sims(engine, sims)
    raw = raw_postgres if store == "postgresql" else raw_sqlite
    floor = floor_postgres if store == "postgresql" else floor_sqlite
    floor_times, raw_times = [], []
    for n in range(repeat):
        sides = [(raw, path, raw_times), (floor, mapped, floor_times)]
        for action, source, times in sides if n % 2 == 0 else reversed(sides):
            reset_usage(engine)
            times.append(timed(lambda action=action, source=source: action(url, source)))
    engine.dispose()
    floor_rate, raw_rate = rows / median(floor_times), rows / median(raw_times)
    report(
        f"{store}: {rows:,} rows, median of {repeat}",
        [
            ("floor (no varna code)", f"{floor_rate:,.0f} rows/s ({median(floor_times):.2f} s)"),
            ("raw baseline", f"{raw_rate:,.0f} rows/s ({median(raw_times):.2f} s)"),
            ("ratio floor/raw", f"{floor_rate / raw_rate:.2f}"),
        ],
    )


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
    mapped = mapped_file(path, args.sims)
    stores = ("postgresql", "sqlite") if args.store == "both" else (args.store,)
    for store in stores:
        measure(store, path, mapped, args.rows, args.sims, args.repeat)


if __name__ == "__main__":
    main()
