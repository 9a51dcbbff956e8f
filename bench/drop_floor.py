"""The floor of the whole-month retention path on this machine (issue 6, Speed).

No varna code runs here. One month-sized table of usage-shaped rows (its primary key and the
(sim_id, started_at) index, as a month partition has) is emptied two ways, each with its
commit: the raw baseline ``DELETE`` of every row, and a bare ``DROP TABLE`` (what dropping a
detached partition costs). The ratio raw / drop is the most any whole-month path can reach
against the raw DELETE, because it must at least drop the month's files.

    python -m bench.drop_floor [--rows 820000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import Connection, text

from bench.common import PG_ADMIN, fresh_postgres, median, report
from varna.adapters.db.engine import make_engine

TABLE = """CREATE TABLE {name} (
    id bigint PRIMARY KEY, sim_id int, started_at timestamptz, bytes_up bigint,
    bytes_down bigint, mcc text, mnc text, cell_id text)"""
FILL = """INSERT INTO {name}
    SELECT g, g % 10000, timestamptz '2026-10-01' + g * interval '1 second', g, g * 2,
           '240', '01', 'cell' || (g % 5000)
    FROM generate_series(1, :rows) g"""


def month(conn: Connection, name: str, rows: int) -> None:
    conn.execute(text(TABLE.format(name=name)))
    conn.execute(text(f"CREATE INDEX ON {name} (sim_id, started_at)"))
    conn.execute(text(FILL.format(name=name)), {"rows": rows})


def timed_commit(conn: Connection, statement: str) -> float:
    start = time.perf_counter()
    conn.execute(text("BEGIN"))
    conn.execute(text(statement))
    conn.execute(text("COMMIT"))
    return time.perf_counter() - start


def one_run(url: str, rows: int) -> tuple[float, float, int]:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        month(conn, "raw_month", rows)
        month(conn, "dropped_month", rows)
        size = conn.execute(text("SELECT pg_total_relation_size('dropped_month')")).scalar_one()
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))
        raw = timed_commit(conn, "DELETE FROM raw_month")
        drop = timed_commit(conn, "DROP TABLE dropped_month")
        conn.execute(text("DROP TABLE raw_month"))
    engine.dispose()
    return raw, drop, int(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=820_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = fresh_postgres("varna_bench_drop_floor")
    raws, drops = [], []
    size = 0
    try:
        for _ in range(args.repeat):
            raw, drop, size = one_run(url, args.rows)
            raws.append(raw)
            drops.append(drop)
    finally:
        admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "varna_bench_drop_floor" WITH (FORCE)'))
        admin.dispose()
    raw, drop = median(raws), median(drops)
    report(
        f"one month of {args.rows:,} usage-shaped rows ({size / 1e6:.0f} MB), "
        f"median of {args.repeat}",
        [
            ("raw DELETE + commit", f"{raw * 1000:.1f} ms ({args.rows / raw:,.0f} rows/s)"),
            ("DROP TABLE + commit", f"{drop * 1000:.1f} ms"),
            ("ratio raw / drop", f"{raw / drop:.2f}x (the whole-month target is 10x)"),
        ],
    )


if __name__ == "__main__":
    main()
