"""PostgreSQL: usage months that are due as a whole leave partition by partition. With
anonymising on, the month is first aggregated into daily totals (k applied) in one statement
that also counts its rows; then the partition is detached and dropped, in the batch's
transaction, instead of deleting row by row. A month that is only deleted is never read: its
row count is the planner's statistics (``pg_class.reltuples``, kept by ANALYZE and autovacuum),
or an exact count when the partition has never been analysed. Partial months go through the
set-based batches of :mod:`.usage` and :mod:`.pg_days`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, TableClause, column, func, select, table, text

from varna.adapters.db.partitions import _partitions, next_month
from varna.adapters.db.retention import pg_totals
from varna.adapters.db.retention.usage import CustomerCutoff, due_condition, with_action
from varna.adapters.db.tables import sims, usage_records
from varna.domain.retention.clocks import start_of_day
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, DueCount, SweepContext

PREFIX = "usage_records_y"


def month_of(name: str) -> date | None:
    if not name.startswith(PREFIX) or len(name) != len("usage_records_y2026m01"):
        return None
    return date(int(name[15:19]), int(name[20:22]), 1)


def months(connection: Connection) -> list[tuple[str, date]]:
    """Every month partition, oldest first."""
    found = [(name, month_of(name)) for name in _partitions(connection)]
    return sorted(((n, m) for n, m in found if m is not None), key=lambda item: item[1])


def _partition(name: str) -> TableClause:
    return table(name, *(column(c.name, c.type) for c in usage_records.c))


def droppable(connection: Connection, groups: list[CustomerCutoff]) -> list[tuple[str, date]]:
    """Month partitions whose every row is due: every customer with SIMs is in a group and
    the month ends before its cut-off."""
    if not groups:
        return []
    covered = {customer: group.before for group in groups for customer in group.customers}
    with_sims = set(connection.execute(select(sims.c.customer_id).distinct()).scalars())
    if with_sims - covered.keys():
        return []
    bound = min(covered[c] for c in with_sims) if with_sims else min(covered.values())
    return [
        (name, month)
        for name, month in months(connection)
        if start_of_day(next_month(month)) <= bound
    ]


def partitions_rows(connection: Connection, names: list[str]) -> dict[str, tuple[int, bool]]:
    """name -> (rows, estimated): the statistics' count of each partition that was analysed,
    an exact count of the others."""
    found: dict[str, float] = dict(
        connection.execute(
            text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
            {"names": names},
        ).all()
    )
    counts: dict[str, tuple[int, bool]] = {}
    for name in names:
        estimate = found.get(name)
        if estimate is not None and estimate >= 0:
            counts[name] = (int(estimate), True)
        else:
            exact = connection.execute(select(func.count()).select_from(_partition(name)))
            counts[name] = (int(exact.scalar_one()), False)
    return counts


def partition_rows(connection: Connection, name: str) -> tuple[int, bool]:
    return partitions_rows(connection, [name])[name]


def _detach_and_drop(connection: Connection, names: list[str]) -> None:
    """One round trip (names are partition names, never input)."""
    connection.exec_driver_sql(
        "".join(f"ALTER TABLE usage_records DETACH PARTITION {n}; DROP TABLE {n};" for n in names)
    )


def oldest_in(connection: Connection, name: str) -> date | None:
    """The earliest record of a partition: one index probe per SIM, not a scan."""
    found = connection.execute(
        text(
            f"SELECT min(first.started_at) FROM sims CROSS JOIN LATERAL ("  # noqa: S608
            f" SELECT u.started_at FROM {name} u WHERE u.sim_id = sims.id"
            " ORDER BY u.started_at LIMIT 1) AS first"
        )
    ).scalar()
    return None if found is None else found.date()


def count_due(
    connection: Connection, target: Target, ctx: SweepContext, groups: list[CustomerCutoff]
) -> DueCount:
    """Due usage: whole due months from their statistics, the rest counted exactly."""
    whole = droppable(connection, groups)
    condition = due_condition(groups)
    if whole:
        condition = condition & (
            usage_records.c.started_at >= start_of_day(next_month(whole[-1][1]))
        )
    rows, oldest = connection.execute(
        select(func.count(), func.min(usage_records.c.started_at)).where(condition)
    ).one()
    total = int(rows)
    first = oldest.date() if oldest else None
    total += sum(rows for rows, _ in partitions_rows(connection, [n for n, _ in whole]).values())
    for name, month in whole:
        # A real run plans with the oldest whole month's first day; a dry run looks it up.
        day = oldest_in(connection, name) if ctx.dry_run else month
        if day is not None:
            first = day
            break
    customers = sum(len(group.customers) for group in groups) if total else 0
    return DueCount(target.key, total, customers, first)


def drop_months(
    connection: Connection,
    target: Target,
    whole: list[tuple[str, date]],
    ctx: SweepContext,
    groups: list[CustomerCutoff],
) -> list[BatchResult]:
    """One batch: the oldest due month when it is aggregated first (a bounded unit of work);
    every due month at once when they are only dropped (no row is read, one commit)."""
    if with_action(groups, Action.ANONYMISE):
        name, month = whole[0]
        return drop_month(connection, target, name, month, ctx, groups)
    names = [name for name, _ in whole]
    counts = partitions_rows(connection, names)
    _detach_and_drop(connection, names)
    details = {
        "partitions": names,
        "months": [month.isoformat()[:7] for _, month in whole],
        "rows_estimated": any(estimated for _, estimated in counts.values()),
    }
    rows = sum(count for count, _ in counts.values())
    return [BatchResult(target.key, Action.DELETE.value, rows, 0, details)]


def drop_month(
    connection: Connection,
    target: Target,
    name: str,
    month: date,
    ctx: SweepContext,
    groups: list[CustomerCutoff],
) -> list[BatchResult]:
    details: dict[str, object] = {"partition": name, "month": month.isoformat()[:7]}
    anonymising = [c for g in with_action(groups, Action.ANONYMISE) for c in g.customers]
    results = []
    if anonymising:
        every = len(anonymising) == sum(len(g.customers) for g in groups)
        partition = _partition(name)
        columns = ("sim_id", "started_at", "mcc", "bytes_up", "bytes_down")
        source = select(*(partition.c[c] for c in columns)).subquery("source")
        totals = pg_totals.aggregate(
            connection,
            source,
            anonymising=None if every else anonymising,
            k=ctx.k,
            run_id=ctx.run_id,
        )
        details.update(groups=totals.groups, suppressed_rows=totals.suppressed_rows, k=ctx.k)
        results.append(
            BatchResult(
                target.key, Action.ANONYMISE.value, totals.anonymised_rows, 0, dict(details)
            )
        )
        deleted, estimated = totals.rows - totals.anonymised_rows, False
    else:
        deleted, estimated = partition_rows(connection, name)
    _detach_and_drop(connection, [name])
    if deleted or not results:
        counted = {"partition": name, "month": details["month"], "rows_estimated": estimated}
        results.append(BatchResult(target.key, Action.DELETE.value, deleted, 0, counted))
    return results
