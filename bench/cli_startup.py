"""CLI start-up benchmark: whole ``varna`` processes against a bare ``python -c pass``.

    python -m bench.cli_startup [--repeat 20]

Each figure is the wall time of one whole process (interpreter start, imports, the command,
exit), median of ``--repeat`` runs; the commands take turns within each round so that load
from other work falls on all of them alike. The baseline is ``python -c pass`` with the same
interpreter in the same run; the ratio says what varna adds to a bare interpreter.

The subject lookups run against the small demo data set (``varna demo --size small``), built
once into an SQLite file in a temporary directory, on an e-mail address the demo prints.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BENCH_SECRET, VARNA, median, report, run_varna

TARGETS = {"varna --help": 0.3, "varna subject find --email": 0.6}


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="varna-cli-startup-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        built = run_varna(url, "demo", "--size", "small", "--no-serve", "--json")
        email = json.loads(built.stdout)["samples"]["emails"][0]
        env = _child_env(url)
        find = [VARNA, "subject", "find", "--email", email]
        commands: dict[str, list[str]] = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "varna --help": [VARNA, "--help"],
            "varna subject --help": [VARNA, "subject", "--help"],
            "varna subject find --email": find,
            "varna subject find --email --json": [*find, "--json"],
        }
        for command in commands.values():  # warm the file cache; not counted
            timed_run(command, env)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                seconds, cpu = timed_run(command, env)
                walls[name].append(seconds)
                cpus[name].append(cpu)

    base = median(walls["python -c pass"])
    rows = []
    for name, values in walls.items():
        line = (
            f"{median(values) * 1000:7.1f} ms  {median(values) / base:5.1f}x baseline"
            f"  (CPU {median(cpus[name]) * 1000:6.1f} ms)"
        )
        if name in TARGETS:
            line += f"  target < {TARGETS[name] * 1000:.0f} ms"
        rows.append((name, line))
    report(f"CLI start-up, whole processes (median of {args.repeat})", rows)


def _child_env(url: str) -> dict[str, str]:
    """What run_varna gives a child: no inherited VARNA_ setting, this database, the secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VARNA_")}
    env.update(VARNA_DATABASE_URL=url, VARNA_SECRET_KEY=BENCH_SECRET)
    return env


if __name__ == "__main__":
    main()
