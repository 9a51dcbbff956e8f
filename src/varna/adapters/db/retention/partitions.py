"""PostgreSQL: usage months that are due as a whole leave partition by partition. With
anonymising on, the month is first aggregated into daily totals (k applied); then the
partition is detached and dropped, in the batch's transaction, instead of deleting row by
row. Partial months go through the set-based batches of :mod:`.usage`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, column, func, select, table, text, true

from varna.adapters.db.partitions import _partitions, next_month
from varna.adapters.db.retention.usage import CustomerCutoff, aggregate_into_totals
from varna.adapters.db.tables import sims, usage_daily_totals, usage_records
from varna.domain.retention.clocks import start_of_day
from varna.domain.retention.targets import Action, Target
from varna.services.retention.ports import BatchResult, SweepContext

PREFIX = "usage_records_y"


def _month_of(name: str) -> date | None:
    if not name.startswith(PREFIX) or len(name) != len("usage_records_y2026m01"):
        return None
    return date(int(name[15:19]), int(name[20:22]), 1)


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
    found = []
    for name in _partitions(connection):
        month = _month_of(name)
        if month is not None and start_of_day(next_month(month)) <= bound:
            found.append((name, month))
    return sorted(found, key=lambda item: item[1])


def drop_month(
    connection: Connection, target: Target, name: str, month: date, ctx: SweepContext
) -> list[BatchResult]:
    partition = table(name, *(column(c.name, c.type) for c in usage_records.c))
    rows = int(connection.execute(select(func.count()).select_from(partition)).scalar_one())
    details: dict[str, object] = {"partition": name, "month": month.isoformat()[:7]}
    action = Action.DELETE
    if target.action is Action.ANONYMISE:
        action = Action.ANONYMISE
        before = connection.execute(
            select(func.coalesce(func.max(usage_daily_totals.c.id), 0))
        ).scalar_one()
        aggregate_into_totals(connection, partition, true(), ctx.k, ctx.run_id)
        kept, groups = connection.execute(
            select(func.coalesce(func.sum(usage_daily_totals.c.sessions), 0), func.count()).where(
                usage_daily_totals.c.id > before
            )
        ).one()
        details.update(groups=int(groups), suppressed_rows=rows - int(kept), k=ctx.k)
    connection.execute(text(f"ALTER TABLE usage_records DETACH PARTITION {name}"))
    connection.execute(text(f"DROP TABLE {name}"))
    return [BatchResult(target.key, action.value, rows, 0, details)]
