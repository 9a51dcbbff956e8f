"""PostgreSQL: usage rows aggregated into daily totals in ONE statement (P6, R-RET-05).

Two-level hash aggregation: first per SIM, day and country (no sort, no DISTINCT), then per
customer, day and country, where the number of SIM groups is the number of SIMs. Groups of
fewer than k SIMs are suppressed. The same statement reports how many rows it read, how many
of them belonged to the anonymising customers, and what it kept, so nothing is counted
twice and no second pass over the rows is needed. The rows come from a partition that is
dropped afterwards, or from a ``DELETE ... RETURNING`` of whole days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, func, insert, literal, select, text

from varna.adapters.db.tables import sims, usage_daily_totals

WORK_MEM = "64MB"  # for the two hash aggregates of one batch (the default 4 MB sorts)
COLUMNS = ["customer_id", "day", "mcc", "sessions", "sims", "bytes_up", "bytes_down", "run_id"]


@dataclass(frozen=True, slots=True)
class Totals:
    rows: int  # every row read
    anonymised_rows: int  # rows of the anonymising customers (kept or suppressed)
    groups: int  # groups written
    kept_rows: int  # rows in the groups written

    @property
    def suppressed_rows(self) -> int:
        return self.anonymised_rows - self.kept_rows


def aggregate(
    connection: Connection,
    source: Any,
    *,
    anonymising: Sequence[int] | None,
    k: int,
    run_id: int | None,
) -> Totals:
    """Aggregate the rows of ``source`` (sim_id, started_at, mcc, bytes_up, bytes_down);
    only the customers in ``anonymising`` get totals (None: every customer)."""
    connection.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    day = func.date(func.timezone("UTC", source.c.started_at))
    per_sim = (
        select(
            source.c.sim_id,
            day.label("day"),
            source.c.mcc,
            func.count().label("n"),
            func.sum(source.c.bytes_up).label("up"),
            func.sum(source.c.bytes_down).label("down"),
        )
        .group_by(source.c.sim_id, day, source.c.mcc)
        .cte("per_sim")
    )
    grouped = select(
        sims.c.customer_id,
        per_sim.c.day,
        per_sim.c.mcc,
        func.sum(per_sim.c.n).label("sessions"),
        func.count().label("sims"),
        func.sum(per_sim.c.up).label("bytes_up"),
        func.sum(per_sim.c.down).label("bytes_down"),
    ).select_from(per_sim.join(sims, sims.c.id == per_sim.c.sim_id))
    if anonymising is not None:
        grouped = grouped.where(sims.c.customer_id.in_(list(anonymising)))
    groups = grouped.group_by(sims.c.customer_id, per_sim.c.day, per_sim.c.mcc).cte("groups")
    kept = (
        insert(usage_daily_totals)
        .from_select(
            COLUMNS,
            select(
                groups.c.customer_id,
                groups.c.day,
                groups.c.mcc,
                groups.c.sessions,
                groups.c.sims,
                groups.c.bytes_up,
                groups.c.bytes_down,
                literal(run_id, Integer),
            ).where(groups.c.sims >= k),
        )
        .returning(usage_daily_totals.c.sessions)
        .cte("kept")
    )
    row = connection.execute(
        select(
            select(func.coalesce(func.sum(per_sim.c.n), 0)).scalar_subquery(),
            select(func.coalesce(func.sum(groups.c.sessions), 0)).scalar_subquery(),
            select(func.count()).select_from(kept).scalar_subquery(),
            select(func.coalesce(func.sum(kept.c.sessions), 0)).scalar_subquery(),
        )
    ).one()
    return Totals(*(int(value) for value in row))
