"""Shared by the benchmarks: databases to measure in, timing, and reporting."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from varna.adapters.db.engine import make_engine
from varna.adapters.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
VARNA = str(Path(sys.executable).parent / "varna")
BENCH_SECRET = "bench-secret-key-not-for-production-0123456789"
PG_ADMIN = os.environ.get(
    "VARNA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def fresh_postgres(name: str) -> str:
    """Drop and create database ``name`` on the benchmark server; return its URL."""
    admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def fresh_sqlite(name: str) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def migrated(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def run_varna(
    url: str, *args: str, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI on ``url`` with only the given ``VARNA_`` settings (none inherited)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VARNA_")}
    env.update(VARNA_DATABASE_URL=url, VARNA_SECRET_KEY=BENCH_SECRET, **(settings or {}))
    result = subprocess.run([VARNA, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"varna {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
