"""PostgreSQL: anonymising the due days of partial months, whole days at a time.

A batch takes the next span of whole days (about ``batch_rows`` rows by the partition's
statistics, at least one day, never across a month) and does ``DELETE ... RETURNING`` of the
due rows in it, aggregated into daily totals in the same statement (:mod:`.pg_totals`): the
rows are read once, and no batch needs a sort or a count to find its end. The walk starts
where this run's last committed batch ended (its ``next_day``), so a resumed run goes on
from there; days without due rows are skipped inside the batch.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from sqlalchemy import Connection, and_, delete, select

from varna.adapters.db.partitions import next_month
from varna.adapters.db.retention import pg_totals
from varna.adapters.db.retention.partitions import months, partition_rows
from varna.adapters.db.retention.usage import CustomerCutoff, due_condition
from varna.adapters.db.tables import retention_batches, usage_records
from varna.domain.retention.clocks import start_of_day
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, SweepContext

NEXT_DAY = "next_day"


def _resume_day(connection: Connection, target: Target, run_id: int | None) -> date | None:
    if run_id is None:
        return None
    b = retention_batches
    details = connection.execute(
        select(b.c.details)
        .where(b.c.run_id == run_id, b.c.target == target.key, b.c.action == "anonymise")
        .order_by(b.c.id.desc())
        .limit(1)
    ).scalar()
    if not details or NEXT_DAY not in details:
        return None
    return date.fromisoformat(str(details[NEXT_DAY]))


def _span_days(connection: Connection, name: str, month: date, batch_rows: int) -> int:
    rows, estimated = partition_rows(connection, name)
    if not estimated:
        return 1
    per_day = max(1, rows // monthrange(month.year, month.month)[1])
    return max(1, batch_rows // per_day)


def anonymise_days(
    connection: Connection,
    target: Target,
    groups: list[CustomerCutoff],
    ctx: SweepContext,
    batch_rows: int,
) -> list[BatchResult]:
    if not groups:
        return []
    existing = months(connection)
    if not existing:
        return []
    last_before = max(group.before for group in groups)
    upper = min(last_before.date(), next_month(existing[-1][1]))
    day = max(_resume_day(connection, target, ctx.run_id) or existing[0][1], existing[0][1])
    condition = due_condition(groups)
    for name, month in existing:
        if next_month(month) <= day:
            continue
        day = max(day, month)
        span = _span_days(connection, name, month, batch_rows)
        while day < min(upper, next_month(month)):
            end = min(day + timedelta(days=span), next_month(month), upper)
            in_days = and_(
                condition,
                usage_records.c.started_at >= start_of_day(day),
                usage_records.c.started_at < start_of_day(end),
            )
            gone = (
                delete(usage_records)
                .where(in_days)
                .returning(
                    usage_records.c.sim_id,
                    usage_records.c.started_at,
                    usage_records.c.mcc,
                    usage_records.c.bytes_up,
                    usage_records.c.bytes_down,
                )
                .cte("gone")
            )
            totals = pg_totals.aggregate(
                connection, gone, anonymising=None, k=ctx.k, run_id=ctx.run_id
            )
            if totals.rows:
                details = {
                    "first_day": day.isoformat(),
                    NEXT_DAY: end.isoformat(),
                    "groups": totals.groups,
                    "suppressed_rows": totals.rows - totals.kept_rows,
                    "k": ctx.k,
                }
                return [BatchResult(target.key, Action.ANONYMISE.value, totals.rows, 0, details)]
            day = end
        if day >= upper:
            break
    return []
