"""Subject benchmark (issue 3, Speed): extract and erasure of a customer contact whose company
has 50 SIMs (the SIMs' end-user reference names the contact), against raw SQL for the same
rows in the same run (SELECT through the index; DELETE), and a subject with 1 million usage rows.

Erasure of the SIMs' usage is processor data: it runs as the controller's instruction (A3),
the path that deletes usage rows. Each repeat uses another company of the same shape, so
nothing is measured twice on the same rows. Prints medians and the ratio varna / raw.

    python bench/subjects.py                       # 20,000 SIMs x 50 rows = 1 million rows
    python bench/subjects.py --sims 100000 --rows-per-sim 100   # the large set: 10 million
"""

from __future__ import annotations

import argparse
import io
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import text
from stdnum import luhn

from bench.common import BENCH_SECRET, fresh_postgres, median, migrated, report
from varna.adapters.db.engine import normalise_url
from varna.adapters.db.partitions import ensure_partitions
from varna.bootstrap import build
from varna.config import Settings
from varna.domain.subjects.keys import normalise
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.extract import build_extract

START = datetime(2026, 10, 1, tzinfo=UTC)
SIMS_PER_COMPANY = 50


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 1, tzinfo=UTC)


def iccid(n: int) -> str:
    body = f"8946999{n:011d}"
    return body + luhn.calc_check_digit(body)


def populate(url: str, sims: int, rows_per_sim: int, heavy_rows: int) -> None:
    """Companies of 50 SIMs, one contact each; usage spread over October 2026 by COPY; one
    extra company whose 100 SIMs carry ``heavy_rows`` rows in all."""
    engine = migrated(url)
    with engine.begin() as conn:
        ensure_partitions(conn, [date(2026, 10, 1), date(2026, 11, 1)])
    engine.dispose()
    companies = sims // SIMS_PER_COMPANY + 1
    with psycopg.connect(normalise_url(url).replace("postgresql+psycopg", "postgresql")) as pg:
        with pg.cursor() as cur:
            _copy(cur, "organisations (id, kind, name, source, created_at)",
                  (f"{c}\tcustomer\tBolag {c} AB\tbench\t2026-01-01" for c in
                   range(1, companies + 1)))  # fmt: skip
            _copy(cur, "people (id, full_name, email, source, created_at)",
                  (f"{c}\tKontakt {c}\tkontakt{c}@example.com\tbench\t2026-01-01"
                   for c in range(1, companies + 1)))  # fmt: skip
            _copy(cur, "person_roles (id, person_id, organisation_id, role, started_on)",
                  (f"{c}\t{c}\t{c}\tcustomer_contact\t2023-01-01" for c in
                   range(1, companies + 1)))  # fmt: skip
            heavy = companies  # the last company holds the heavy subject
            total = sims + 100
            _copy(cur, "sims (id, iccid, imsi, status, customer_id, end_user_ref, created_at)",
                  (f"{s}\t{iccid(s)}\t24099{s:010d}\tactivated\t{_company(s, sims, heavy)}\t"
                   f"kontakt{_company(s, sims, heavy)}@example.com\t2026-01-01"
                   for s in range(1, total + 1)))  # fmt: skip
            per_heavy = heavy_rows // 100

            def usage() -> Any:
                step = timedelta(days=30)
                for s in range(1, total + 1):
                    count = per_heavy if s > sims else rows_per_sim
                    for k in range(count):
                        at = START + step * k / count
                        yield (
                            f"{s}\t{at.isoformat()}\t{(at + timedelta(minutes=5)).isoformat()}"
                            f"\t{k}\t{10 * k}\t240\t01\t{1000 + k % 50}\t17\tLTE\tdata"
                        )

            _copy(cur, "usage_records (sim_id, started_at, ended_at, bytes_up, bytes_down, mcc,"
                  " mnc, cell_id, lac_tac, rat, traffic_type)", usage())  # fmt: skip
            for table in ("organisations", "people", "person_roles", "sims"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")  # fmt: skip
            cur.execute("ANALYZE")
        pg.commit()


def _company(sim: int, sims: int, heavy: int) -> int:
    return heavy if sim > sims else (sim - 1) // SIMS_PER_COMPANY + 1


def _copy(cur: Any, target: str, lines: Any) -> None:
    with cur.copy(f"COPY {target} FROM STDIN") as copy:
        buffer = io.StringIO()
        for n, line in enumerate(lines, start=1):
            buffer.write(line + "\n")
            if n % 100_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def sim_ids(company: int) -> list[int]:
    first = (company - 1) * SIMS_PER_COMPANY + 1
    return list(range(first, first + SIMS_PER_COMPANY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=20_000)
    parser.add_argument("--rows-per-sim", type=int, default=50)
    parser.add_argument("--heavy-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    name = f"varna_bench_subjects_{args.sims}_{args.rows_per_sim}"
    if args.reuse:
        from sqlalchemy.engine import make_url

        from bench.common import PG_ADMIN

        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    else:
        url = fresh_postgres(name)
        began = time.perf_counter()
        populate(url, args.sims, args.rows_per_sim, args.heavy_rows)
        print(f"loaded {args.sims * args.rows_per_sim + args.heavy_rows:,} usage rows "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
    container = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    secret = BENCH_SECRET.encode()
    companies = args.sims // SIMS_PER_COMPANY
    with container.engine.connect() as conn:
        store_rows = conn.execute(text("SELECT count(*) FROM usage_records")).scalar_one()

    def varna_extract(company: int) -> int:
        bundle = build_extract(container.uow(), container.catalog,
                               (normalise("email", f"kontakt{company}@example.com"),),
                               actor="bench", clock=Clock(), secret=secret).bundle  # fmt: skip
        return sum(len(b["rows"]) for b in bundle["data"]["traffic_data"])

    def raw_select(company: int) -> int:
        with container.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM usage_records WHERE sim_id = ANY(:ids)"),
                                {"ids": sim_ids(company)}).all()  # fmt: skip
        return len(rows)

    def varna_erase(company: int) -> int:
        keys = tuple(normalise("iccid", iccid(s)) for s in sim_ids(company))
        result = erase_subject(container.uow(), container.catalog,
                               EraseCommand(keys, controller_instruction="BENCH"),
                               actor="bench", clock=Clock(), secret=secret)  # fmt: skip
        return result.changed.get("usage_records", 0)

    def raw_delete(company: int) -> int:
        with container.engine.begin() as conn:
            result = conn.execute(text("DELETE FROM usage_records WHERE sim_id = ANY(:ids)"),
                                  {"ids": sim_ids(company)})  # fmt: skip
        return result.rowcount

    def timed(action: Any, company: int) -> tuple[float, int]:
        began = time.perf_counter()
        rows = action(company)
        return time.perf_counter() - began, rows

    figures: dict[str, list[float]] = {k: [] for k in ("ve", "rs", "vd", "rd")}
    rows_seen: dict[str, int] = {}
    for r in range(args.repeat):
        for key, action, company in (
            ("ve", varna_extract, 1 + 4 * r), ("rs", raw_select, 1 + 4 * r),
            ("vd", varna_erase, 2 + 4 * r), ("rd", raw_delete, 3 + 4 * r),
        ):  # fmt: skip
            assert company <= companies
            seconds, rows = timed(action, company)
            figures[key].append(seconds)
            rows_seen[key] = rows
    heavy = companies + 1
    heavy_extract, heavy_rows = timed(varna_extract, heavy)
    keys_heavy = tuple(normalise("iccid", iccid(s)) for s in range(args.sims + 1, args.sims + 101))
    began = time.perf_counter()
    erased = erase_subject(container.uow(), container.catalog,
                           EraseCommand(keys_heavy, controller_instruction="BENCH-HEAVY"),
                           actor="bench", clock=Clock(), secret=secret)  # fmt: skip
    heavy_erase = time.perf_counter() - began
    m = {k: median(v) for k, v in figures.items()}
    report(f"subject benchmark, PostgreSQL, {store_rows:,} usage rows, median of {args.repeat}", [
        ("extract (contact, 50 SIMs)", f"varna {m['ve'] * 1000:.1f} ms, raw SELECT "
         f"{m['rs'] * 1000:.1f} ms, ratio {m['ve'] / m['rs']:.2f} ({rows_seen['ve']} rows)"),
        ("erasure (50 SIMs' usage)", f"varna {m['vd'] * 1000:.1f} ms, raw DELETE "
         f"{m['rd'] * 1000:.1f} ms, ratio {m['vd'] / m['rd']:.2f} ({rows_seen['vd']} rows)"),
        ("extract, 1M-row subject", f"varna {heavy_extract:.2f} s ({heavy_rows:,} rows)"),
        ("erasure, 1M-row subject", f"varna {heavy_erase:.2f} s "
         f"({erased.changed.get('usage_records', 0):,} rows)"),
    ])  # fmt: skip
    container.close()


if __name__ == "__main__":
    main()
