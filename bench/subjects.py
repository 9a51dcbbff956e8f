"""Subject benchmark (issue 3, Speed): extract and erasure of a customer contact whose company
has 50 SIMs (the SIMs' end-user reference names the contact), against raw SQL for the same
rows in the same run (SELECT through the index; DELETE), and a subject with 1 million usage rows.

Erasure of the SIMs' usage is processor data: it runs as the controller's instruction (A3),
the path that deletes usage rows. Each repeat uses another company of the same shape, so
nothing is measured twice on the same rows, after untimed warm-up calls of each side; the
extract and the raw SELECT read the same company's rows, and take turns at reading first.
Prints medians and the ratio varna / raw.

    python -m bench.subjects                       # 20,000 SIMs x 50 rows = 1 million rows
    python -m bench.subjects --sims 100000 --rows-per-sim 100   # the large set: 10 million
    python -m bench.subjects --repeat 5 --drop     # drop the benchmark's database at the end

Both stores also hold the 1-million-row subject (``--heavy-rows``). For it the bench prints
the raw indexed SELECT, ``varna subject export``'s path (build_extract with the file writers,
large tables streamed) for JSON, CSV and all formats, the process's peak memory, and the
erasure. The varna figures count the SQL statements each request sends.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, insert, text
from sqlalchemy.engine import make_url
from stdnum import luhn

from bench.common import BENCH_SECRET, PG_ADMIN, fresh_postgres, median, migrated, report
from varna.adapters.db.engine import make_engine, normalise_url
from varna.adapters.db.partitions import ensure_partitions
from varna.adapters.db.tables import organisations, people
from varna.adapters.extract import FORMATS, write_extract
from varna.bootstrap import build
from varna.config import Settings
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.extract import build_extract

START = datetime(2026, 10, 1, tzinfo=UTC)
SIMS_PER_COMPANY = 50


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Context:
    """The container's units of work and catalogue, on the bench's day and secret."""

    container: Any
    secret: bytes
    clock: Clock = field(default_factory=Clock)

    @property
    def catalog(self) -> Any:
        return self.container.catalog

    def uow(self) -> Any:
        return self.container.uow()


def context(container: Any, secret: bytes) -> Context:
    return Context(container, secret)


def iccid(n: int) -> str:
    body = f"8946999{n:011d}"
    return body + luhn.calc_check_digit(body)


def populate(url: str, sims: int, rows_per_sim: int, heavy_rows: int, messages: int = 0) -> None:
    """Companies of 50 SIMs, one contact each; usage spread over October 2026 by COPY; one
    extra company whose 100 SIMs carry ``heavy_rows`` rows in all; ``messages`` support
    messages (ten per case, the first company's) full of ICCIDs, phone numbers and e-mail
    addresses, none of them a measured contact's: every extract and erasure searches them
    for mentions. Then VACUUM (ANALYZE), as autovacuum would after the load: without the
    visibility map PostgreSQL counts the heavy subject's million rows by scanning the table
    instead of its index."""
    engine = migrated(url)
    with engine.begin() as conn:
        ensure_partitions(conn, [date(2026, 10, 1), date(2026, 11, 1)])
    engine.dispose()
    companies = sims // SIMS_PER_COMPANY + 1
    # People go through the identifier columns' codec (field encryption: a data key each in
    # the key store, blind indexes), never a COPY of clear text; the companies first.
    wired = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    with wired.engine.begin() as conn:
        insert_contacts(conn, companies)
    wired.close()
    with psycopg.connect(normalise_url(url).replace("postgresql+psycopg", "postgresql")) as pg:
        with pg.cursor() as cur:
            _copy(  # the contacts, written through the codec above
                cur,
                "person_roles (id, person_id, organisation_id, role, started_on)",
                (f"{c}\t{c}\t{c}\tcustomer_contact\t2023-01-01" for c in range(1, companies + 1)),
            )
            heavy = companies  # the last company holds the heavy subject
            total = sims + 100
            _copy(
                cur,
                "sims (id, iccid, imsi, status, customer_id, created_at)",
                (
                    f"{s}\t{iccid(s)}\t24099{s:010d}\tactivated\t{_company(s, sims, heavy)}\t"
                    "2026-01-01"
                    for s in range(1, total + 1)
                ),
            )
            _copy(
                cur,
                "sim_end_users (id, sim_id, end_user_ref)",
                (
                    f"{s}\t{s}\tkontakt{_company(s, sims, heavy)}@example.com"
                    for s in range(1, total + 1)
                ),
            )
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

            _copy(
                cur,
                "usage_records (sim_id, started_at, ended_at, bytes_up, bytes_down, mcc,"
                " mnc, cell_id, lac_tac, rat, traffic_type)",
                usage(),
            )
            cases = (messages + 9) // 10
            _copy(
                cur,
                "support_tickets (id, organisation_id, subject, status, opened_at)",
                (
                    f"{t}\t1\tSIM {iccid(900_000 + t)} tappar täckning\tclosed\t2026-10-01"
                    for t in range(1, cases + 1)
                ),
            )
            _copy(
                cur,
                "ticket_messages (id, ticket_id, author_staff, body, sent_at)",
                (
                    f"{m}\t{(m - 1) // 10 + 1}\tsupport\tSIM {iccid(900_000 + m)} har tappat "
                    f"täckning sedan {m % 28 + 1} oktober. Ring 070-{m % 10_000_000:07d} eller "
                    f"skriv till drift{m}@kund.example, ärende {m}.\t2026-10-02"
                    for m in range(1, messages + 1)
                ),
            )
            for table in (
                "organisations",
                "people",
                "person_roles",
                "sims",
                "sim_end_users",
                "support_tickets",
                "ticket_messages",
            ):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        pg.commit()
        pg.autocommit = True  # the state autovacuum reaches: visibility map set, statistics
        pg.execute("VACUUM (ANALYZE)")


def insert_contacts(conn: Any, companies: int) -> None:
    """Companies 1..``companies``, each with its contact (person ``c``, kontakt<c>@...),
    through the identifier columns' codec: a data key each, blind indexes."""
    created = datetime(2026, 1, 1, tzinfo=UTC)
    numbers = range(1, companies + 1)
    conn.execute(
        insert(organisations),
        [
            {
                "id": c,
                "kind": "customer",
                "name": f"Bolag {c} AB",
                "source": "bench",
                "created_at": created,
            }
            for c in numbers
        ],
    )
    conn.execute(
        insert(people),
        [
            {
                "id": c,
                "full_name": f"Kontakt {c}",
                "email": f"kontakt{c}@example.com",
                "source": "bench",
                "created_at": created,
            }
            for c in numbers
        ],
    )


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


def erase_sims(container: Any, iccids: list[str], secret: bytes) -> int:
    """varna's erasure of these SIMs' usage, as their controller's instruction (A3): the
    ICCIDs as given, varna checks them. The usage rows it deleted."""
    keys = tuple(normalise("iccid", value) for value in iccids)
    result = erase_subject(
        context(container, secret),
        EraseCommand(keys, controller_instruction="BENCH"),
        actor="bench",
    )
    return int(result.changed.get("usage_records", 0))


def delete_usage(engine: Any, ids: list[int]) -> int:
    """The raw baseline: the DELETE of these SIMs' usage, in its own committed transaction."""
    with engine.begin() as conn:
        result = conn.execute(
            text("DELETE FROM usage_records WHERE sim_id = ANY(:ids)"), {"ids": ids}
        )
    return int(result.rowcount)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=20_000)
    parser.add_argument("--rows-per-sim", type=int, default=50)
    parser.add_argument("--heavy-rows", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, help="support messages (default: 5 per SIM)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--heavy-repeat", type=int, default=3, help="repeats of the 1M exports")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--first", type=int, default=1, help="first company measured (--reuse)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--light", action="store_true", help="leave out the 1M-row subject")
    parser.add_argument("--warmup", type=int, default=12, help="untimed runs of each side")
    args = parser.parse_args()
    name = f"varna_bench_subjects_{args.sims}_{args.rows_per_sim}"
    if args.reuse:
        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    else:
        url = fresh_postgres(name)
        began = time.perf_counter()
        messages = 5 * args.sims if args.messages is None else args.messages
        populate(url, args.sims, args.rows_per_sim, args.heavy_rows, messages)
        print(
            f"loaded {args.sims * args.rows_per_sim + args.heavy_rows:,} usage rows "
            f"in {time.perf_counter() - began:.1f} s"
        )
    try:
        measure(url, args)
    finally:
        if args.drop:
            drop_postgres(name)


def measure(url: str, args: argparse.Namespace) -> None:
    container = build(Settings(database_url=url, secret_key=BENCH_SECRET))  # type: ignore[arg-type]
    secret = BENCH_SECRET.encode()
    companies = args.sims // SIMS_PER_COMPANY
    statements = [0]
    event.listen(container.engine, "before_cursor_execute", lambda *_: _tick(statements))
    with container.engine.connect() as conn:
        store_rows = conn.execute(text("SELECT count(*) FROM usage_records")).scalar_one()
        store_messages = conn.execute(text("SELECT count(*) FROM ticket_messages")).scalar_one()

    def contact(company: int) -> tuple[SubjectKey, ...]:
        return (normalise("email", f"kontakt{company}@example.com"),)

    def varna_extract(company: int) -> int:
        bundle = build_extract(context(container, secret), contact(company), actor="bench").bundle
        return sum(len(b["rows"]) for b in bundle["data"]["traffic_data"])

    def raw_select(company: int) -> int:
        with container.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT * FROM usage_records WHERE sim_id = ANY(:ids)"),
                {"ids": sim_ids(company)},
            ).all()
        return len(rows)

    iccids = {c: [iccid(s) for s in sim_ids(c)] for c in range(1, companies + 1)}

    def varna_erase(company: int) -> int:
        return erase_sims(container, iccids[company], secret)

    def raw_delete(company: int) -> int:
        return delete_usage(container.engine, sim_ids(company))

    def raw_writes(company: int) -> int:
        """The writes an erasure of these rows cannot do without, in one transaction: the
        DELETE, the DELETE of the SIMs' end-user references (they name the person), one audit
        row."""
        ids = sim_ids(company)
        with container.engine.begin() as conn:
            result = conn.execute(
                text("DELETE FROM usage_records WHERE sim_id = ANY(:ids)"), {"ids": ids}
            )
            conn.execute(text("DELETE FROM sim_end_users WHERE sim_id = ANY(:ids)"), {"ids": ids})
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, target, details)"
                    " VALUES (now(), 'bench', 'bench.erase', NULL, '{}')"
                )
            )
        return result.rowcount

    def timed(action: Any, company: int) -> tuple[float, int, int]:
        before = statements[0]
        began = time.perf_counter()
        rows = action(company)
        return time.perf_counter() - began, rows, statements[0] - before

    # Warm-up, untimed, on companies not measured: each side's first calls in a process pay
    # for compiling their statements, opening the pooled connection and, for the first ten
    # runs of each statement, for PostgreSQL's planning (psycopg prepares a statement on its
    # sixth run; the server plans the first five runs of a prepared one afresh). A running
    # service is past that.
    spare = args.first + 4 * args.repeat
    sides = (varna_extract, raw_select, varna_erase, raw_delete, raw_writes)
    assert spare + 5 * args.warmup <= companies + 1, "not enough companies: lower --warmup"
    for round_ in range(args.warmup):
        for offset, action in enumerate(sides):
            action(spare + 5 * round_ + offset)
    figures: dict[str, list[float]] = {k: [] for k in ("ve", "rs", "vd", "rd", "rw")}
    seen: dict[str, tuple[int, int]] = {}
    for r in range(args.repeat):
        base = args.first + 4 * r
        # Both read the same company's rows: the first to read them brings their pages into
        # the server's buffers for the second, so the two take turns at going first.
        # The erasure and the raw DELETE take turns too: the first after the reads finds the
        # server's buffers and the process's caches churned by them (round 7: the raw DELETE
        # always second had made the ratio 0.2x-0.3x higher).
        reads = [("ve", varna_extract, base), ("rs", raw_select, base)]
        writes = [("vd", varna_erase, base + 1), ("rd", raw_delete, base + 2)]
        for key, action, company in (
            *(reads if r % 2 == 0 else reads[::-1]),
            *(writes if r % 2 == 0 else writes[::-1]),
            ("rw", raw_writes, base + 3),
        ):
            assert company <= companies, "not enough companies left: lower --first/--repeat"
            seconds, rows, count = timed(action, company)
            figures[key].append(seconds)
            seen[key] = (rows, count)
    m = {k: median(v) for k, v in figures.items()}
    lines = [
        (
            "extract (contact, 50 SIMs)",
            f"varna {m['ve'] * 1000:.1f} ms, raw SELECT "
            f"{m['rs'] * 1000:.1f} ms, ratio {m['ve'] / m['rs']:.2f} ({seen['ve'][0]} rows, "
            f"{seen['ve'][1]} statements)",
        ),
        (
            "erasure (50 SIMs' usage)",
            f"varna {m['vd'] * 1000:.1f} ms, raw DELETE "
            f"{m['rd'] * 1000:.1f} ms, ratio {m['vd'] / m['rd']:.2f} ({seen['vd'][0]} rows, "
            f"{seen['vd'][1]} statements)",
        ),
        (
            "erasure, the writes it needs",
            "raw DELETEs of the usage and of the SIMs' end-user "
            f"references + audit row "
            f"{m['rw'] * 1000:.1f} ms ({m['rw'] / m['rd']:.2f}x the DELETE); varna "
            f"{m['vd'] / m['rw']:.2f}x these",
        ),
    ]
    if not args.light:
        lines += heavy(container, args, contact(companies + 1), secret)
    report(
        f"subject benchmark, PostgreSQL, {store_rows:,} usage rows and {store_messages:,} "
        f"support messages, median of {args.repeat} "
        f"(the 1M-row subject: of {args.heavy_repeat})",
        lines,
    )
    container.close()


def heavy(
    container: Any, args: argparse.Namespace, keys: tuple[SubjectKey, ...], secret: bytes
) -> list[tuple[str, str]]:
    """The contact of the company whose 100 SIMs carry ``--heavy-rows`` rows: the raw indexed
    SELECT of those rows (streamed), varna's export to the files (the path of ``varna subject
    export``, large tables streamed), the memory it holds, and the erasure of the rows."""
    sims = list(range(args.sims + 1, args.sims + 101))
    raw, raw_rows = _repeat(args.heavy_repeat, lambda: _raw_stream(container, sims))
    lines = [("1M-row subject, raw SELECT", f"{raw:.2f} s ({raw_rows:,} rows, streamed)")]
    with tempfile.TemporaryDirectory(prefix="varna-bench-") as out:
        for formats in (("json",), ("csv",), FORMATS):
            target = Path(out) / "-".join(formats)
            write = partial(_write, out=target, formats=formats)
            seconds, _ = _repeat(
                args.heavy_repeat,
                lambda w=write: build_extract(
                    context(container, secret), keys, actor="bench", write=w
                ),
            )
            size = sum(f.stat().st_size for f in target.iterdir()) / 1e6
            lines.append(
                (
                    f"1M-row subject, export {','.join(formats)}",
                    f"varna {seconds:.2f} s, ratio {seconds / raw:.2f} to raw "
                    f"({size:,.0f} MB written)",
                )
            )
        tracemalloc.start()  # the memory the export holds at its peak (slower while traced)
        traced = partial(_write, out=Path(out) / "traced", formats=("json",))
        build_extract(context(container, secret), keys, actor="bench", write=traced)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    lines.append(("1M-row subject, export json, memory", f"peak {peak:,.0f} MB (tracemalloc)"))
    keys_heavy = tuple(normalise("iccid", iccid(s)) for s in sims)
    began = time.perf_counter()
    erased = erase_subject(
        context(container, secret),
        EraseCommand(keys_heavy, controller_instruction="BENCH-HEAVY"),
        actor="bench",
    )
    lines.append(
        (
            "1M-row subject, erasure",
            f"varna {time.perf_counter() - began:.2f} s "
            f"({erased.changed.get('usage_records', 0):,} rows)",
        )
    )
    return lines


def _raw_stream(container: Any, sims: list[int]) -> int:
    with container.engine.connect() as conn:
        result = conn.execution_options(yield_per=10_000).execute(
            text("SELECT * FROM usage_records WHERE sim_id = ANY(:ids)"), {"ids": sims}
        )
        return sum(len(batch) for batch in result.partitions())


def _repeat(times: int, action: Any) -> tuple[float, Any]:
    """The median time of ``times`` runs of ``action`` and its last result."""
    seconds: list[float] = []
    for _ in range(times):
        began = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - began)
    return median(seconds), result


def _write(bundle: dict[str, Any], *, out: Path, formats: tuple[str, ...]) -> list[Path]:
    return write_extract(bundle, out, formats)


def _tick(counter: list[int]) -> None:
    counter[0] += 1


def drop_postgres(name: str) -> None:
    admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
