"""What field encryption costs an extract: a contact whose e-mail is the end-user reference
of 50 SIMs with 7,500 usage rows in all, extracted with encryption on and off.

    .venv/bin/python -m bench.field_encryption --repeat 21              # SQLite and PostgreSQL
    .venv/bin/python -m bench.field_encryption --store sqlite --rows-per-sim 150

Two databases of the same data, one written with ``VARNA_FIELD_ENCRYPTION`` on (the default),
one with it off; both sides read through the same container code. Every repeat extracts
another company's contact, alternating the sides; the figure is the median of the service call
(``build_extract``). The target (docs/performance.md): at most 20% more with encryption on.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.common import BENCH_SECRET, fresh_postgres, median
from bench.subjects import SIMS_PER_COMPANY, context, iccid, insert_contacts
from varna.adapters.db.partitions import ensure_partitions
from varna.adapters.db.tables import sim_end_users, sims, usage_records
from varna.bootstrap import Container, build
from varna.config import Settings
from varna.domain.subjects.keys import normalise
from varna.services.subjects.extract import build_extract

START = datetime(2026, 10, 1, tzinfo=UTC)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def wired(url: str, keystore: str, *, encrypted: bool) -> Container:
    settings = Settings(
        database_url=url,
        secret_key=BENCH_SECRET,  # type: ignore[arg-type]
        keystore_url=keystore,
        field_encryption=encrypted,
    )
    return build(settings)


def populate(container: Container, companies: int, rows_per_sim: int) -> None:
    container.upgrade_schema()
    with container.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            ensure_partitions(conn, [date.replace(day=1) for date in (START.date(),)])
        insert_contacts(conn, companies)  # name and e-mail, encrypted
        total = companies * SIMS_PER_COMPANY
        conn.execute(
            insert(sims),
            [
                {
                    "id": s,
                    "iccid": iccid(s),
                    "imsi": f"24099{s:010d}",
                    "status": "activated",
                    "customer_id": (s - 1) // SIMS_PER_COMPANY + 1,
                    "created_at": CREATED,
                }
                for s in range(1, total + 1)
            ],
        )
        conn.execute(
            insert(sim_end_users),
            [
                {
                    "id": s,
                    "sim_id": s,
                    "end_user_ref": f"kontakt{(s - 1) // SIMS_PER_COMPANY + 1}@example.com",
                }
                for s in range(1, total + 1)
            ],
        )
        step = timedelta(days=30) / rows_per_sim
        batch: list[dict[str, Any]] = []
        for s in range(1, total + 1):
            for k in range(rows_per_sim):
                at = START + step * k
                batch.append(
                    {
                        "sim_id": s,
                        "started_at": at,
                        "ended_at": at + timedelta(minutes=5),
                        "bytes_up": k,
                        "bytes_down": 10 * k,
                        "mcc": "240",
                        "mnc": "01",
                        "cell_id": 1000 + k % 50,
                        "lac_tac": 17,
                        "rat": "LTE",
                        "traffic_type": "data",
                    }
                )
            if len(batch) >= 20_000:
                conn.execute(insert(usage_records), batch)
                batch = []
        if batch:
            conn.execute(insert(usage_records), batch)


def measure(container: Container, company: int) -> tuple[float, int]:
    keys = (normalise("email", f"kontakt{company}@example.com"),)
    began = time.perf_counter()
    bundle = build_extract(context(container, BENCH_SECRET.encode()), keys, actor="bench").bundle
    took = time.perf_counter() - began
    rows = sum(len(b["rows"]) for b in bundle["data"]["traffic_data"])
    names = [r for b in bundle["data"].get("name", []) for r in b["rows"]]
    assert rows and names, "the contact was not found"
    return took, rows


def run(store: str, args: argparse.Namespace, folder: Path) -> None:
    sides: dict[bool, Container] = {}
    for encrypted in (True, False):
        name = f"varna_bench_crypto_{'on' if encrypted else 'off'}"
        url = fresh_postgres(name) if store == "postgresql" else f"sqlite:///{folder / name}.db"
        keystore = f"sqlite:///{folder / name}.keys.db"
        sides[encrypted] = wired(url, keystore, encrypted=encrypted)
        populate(sides[encrypted], args.companies, args.rows_per_sim)
    times: dict[bool, list[float]] = {True: [], False: []}
    rows = 0
    for run_number in range(args.warmup + args.repeat):
        company = run_number % args.companies + 1
        for encrypted in (True, False) if run_number % 2 else (False, True):
            took, rows = measure(sides[encrypted], company)
            if run_number >= args.warmup:
                times[encrypted].append(took)
    on, off = median(times[True]) * 1000, median(times[False]) * 1000
    print(
        f"{store}: extract of {rows} usage rows: encryption on {on:.1f} ms, off {off:.1f} ms, "
        f"ratio {on / off:.2f}x (target <= 1.20x; median of {args.repeat})"
    )
    for container in sides.values():
        container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--companies", type=int, default=20)
    parser.add_argument("--rows-per-sim", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=6)
    args = parser.parse_args()
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    with tempfile.TemporaryDirectory() as folder:
        for store in stores:
            run(store, args, Path(folder))


if __name__ == "__main__":
    main()
