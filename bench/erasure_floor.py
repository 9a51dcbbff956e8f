"""Where an erasure's time goes, and the floor of its ratio to the raw DELETE (issue 3, Speed).

Runs on a store that ``bench.subjects`` loaded and kept (no ``--drop``), on companies whose
SIMs still have their usage rows and end-user references. Each varna erasure (the
controller's instruction for a company's 50 SIMs, as in ``bench.subjects``) alternates with
the raw ``DELETE`` of another company's usage, and both are cut into three parts by the
engine's events (each statement sent and answered, BEGIN, COMMIT):

- the statements: from each one's send to its result (the server's work and the round trip);
- between them: the Python from BEGIN to COMMIT while the connection waits (for varna:
  resolving, deciding, building the statements and the record);
- the rest: checkout with its ping, the COMMIT itself, check-in, and (varna) checking the
  given ICCIDs before the transaction.

The figure "statements alone" is the erasure without the Python between its statements; its
ratio to the raw side is the lowest any Python around these statements could reach.

    python -m bench.subjects --light --repeat 9      # loads varna_bench_subjects_20000_50
    python -m bench.erasure_floor --repeat 25        # then this, on that store
    python -m bench.erasure_floor --database varna_bench_subjects_100000_100
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench.common import BENCH_SECRET, PG_ADMIN, median, report
from bench.subjects import SIMS_PER_COMPANY, delete_usage, erase_sims, iccid, sim_ids
from varna.bootstrap import build
from varna.config import Settings

# companies not touched yet: all their end-user references, usage on their first and last SIM
FRESH = text(f"""
SELECT company FROM (
    SELECT (sim_id - 1) / {SIMS_PER_COMPANY} + 1 AS company FROM sim_end_users
    GROUP BY 1 HAVING count(*) = {SIMS_PER_COMPANY}
) c
WHERE EXISTS (SELECT FROM usage_records u WHERE u.sim_id = (c.company - 1) * {SIMS_PER_COMPANY} + 1)
  AND EXISTS (SELECT FROM usage_records u WHERE u.sim_id = c.company * {SIMS_PER_COMPANY})
ORDER BY 1
""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="varna_bench_subjects_20000_50")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=12, help="untimed runs of each side")
    args = parser.parse_args()
    url = make_url(PG_ADMIN).set(database=args.database).render_as_string(hide_password=False)
    container = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    with container.engine.connect() as conn:
        fresh = list(conn.execute(FRESH).scalars())
    needed = 2 * (args.warmup + args.repeat)
    assert len(fresh) >= needed, f"{len(fresh)} fresh companies, {needed} needed: load again"
    marks: list[tuple[str, float]] = []

    def mark(kind: str) -> Callable[..., None]:
        return lambda *_: marks.append((kind, time.perf_counter()))

    event.listen(container.engine, "before_cursor_execute", mark("sent"))
    event.listen(container.engine, "after_cursor_execute", mark("answered"))
    event.listen(container.engine, "begin", mark("answered"))  # Python runs from here
    event.listen(container.engine, "commit", mark("sent"))  # until the COMMIT is sent
    secret = BENCH_SECRET.encode()
    # made before the timing, as bench.subjects does: the bench's own check digits
    iccids = {company: [iccid(sim) for sim in sim_ids(company)] for company in fresh}

    def varna(company: int) -> None:
        erase_sims(container, iccids[company], secret)

    def raw(company: int) -> None:
        delete_usage(container.engine, sim_ids(company))

    parts: dict[str, dict[str, list[float]]] = {"varna": {}, "raw": {}}
    sent = [0]  # statements of the last varna call
    for run in range(args.warmup + args.repeat):
        for side, action in (("varna", varna), ("raw", raw)):
            marks.clear()
            began = time.perf_counter()
            action(fresh.pop())
            total = time.perf_counter() - began
            if side == "varna":
                sent[0] = sum(kind == "sent" for kind, _ in marks) - 1  # not the COMMIT
            if run >= args.warmup:
                for name, seconds in _parts(marks, total).items():
                    parts[side].setdefault(name, []).append(seconds)
    container.close()
    m = {side: {name: median(v) * 1000 for name, v in p.items()} for side, p in parts.items()}
    v, r = m["varna"], m["raw"]
    alone_v, alone_r = v["total"] - v["between"], r["total"] - r["between"]
    report(
        f"erasure of 50 SIMs' usage, {args.database}, medians of {args.repeat}",
        [
            ("varna, whole call", f"{v['total']:.2f} ms ({sent[0]} statements)"),
            ("  the statements", f"{v['statements']:.2f} ms"),
            ("  between the statements", f"{v['between']:.2f} ms"),
            ("  the rest", f"{v['rest']:.2f} ms"),
            ("raw DELETE, whole call", f"{r['total']:.2f} ms"),
            ("  the statement", f"{r['statements']:.2f} ms"),
            ("  between BEGIN and COMMIT", f"{r['between']:.2f} ms"),
            ("  the rest", f"{r['rest']:.2f} ms"),
            ("ratio, whole call", f"{v['total'] / r['total']:.2f}"),
            ("ratio, statements alone", f"{alone_v / alone_r:.2f} (no Python between them)"),
        ],
    )


def _parts(marks: list[tuple[str, float]], total: float) -> dict[str, float]:
    """Marks come in order: BEGIN (an answer), then each statement sent and answered, then
    COMMIT (sent)."""
    statements = between = 0.0
    sent: float | None = None
    answered: float | None = None
    for kind, at in marks:
        if kind == "sent":
            if answered is not None:
                between += at - answered
            sent, answered = at, None
        elif sent is not None:  # a statement's answer
            statements += at - sent
            sent, answered = None, at
        else:  # BEGIN
            answered = at
    return {
        "total": total,
        "statements": statements,
        "between": between,
        "rest": total - statements - between,
    }


if __name__ == "__main__":
    main()
