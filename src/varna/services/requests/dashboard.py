"""The figures of the console's dashboard: open requests by state, those due within a week
and those overdue, the median time to answer over the last 90 days, and how many requests
came in each week of the last twelve. Counts and dates only, no person's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from varna.domain.requests.deadlines import is_overdue
from varna.domain.requests.kinds import OPEN_STATES, RequestState
from varna.services.context import ServiceContext
from varna.services.requests.console_ports import ConsoleUnitOfWork
from varna.services.requests.intake import STOCKHOLM, receipt_date

SOON = timedelta(days=7)
ANSWER_WINDOW = timedelta(days=90)
WEEKS = 12
# The open states in the order a request passes them.
OPEN_ORDER = tuple(s for s in RequestState if s in OPEN_STATES)


@dataclass(frozen=True, slots=True)
class RequestDashboard:
    today: date
    by_state: list[tuple[str, int]]  # every open state, in order, with its count
    due_soon: int  # open, due today or within the next 7 days
    overdue: int  # open, past the due date
    median_days: float | None  # median days from receipt to answer, None without answers
    answered: int  # requests answered in the window
    weeks: list[tuple[date, int]]  # (Monday, requests received that week), oldest first

    @property
    def open_total(self) -> int:
        return sum(n for _, n in self.by_state)


def request_dashboard(ctx: ServiceContext[ConsoleUnitOfWork]) -> RequestDashboard:
    now = ctx.clock.now()
    today = receipt_date(ctx.clock)
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=WEEKS - 1)
    since = datetime.combine(first_week, datetime.min.time(), tzinfo=STOCKHOLM)
    with ctx.uow() as uow:
        counts = uow.console.count_by_state()
        dues = uow.console.open_due_dates([s.value for s in OPEN_ORDER])
        received = uow.console.received_since(since)
        answers = uow.console.answer_times(now - ANSWER_WINDOW)
    overdue = sum(1 for state, due in dues if is_overdue(state, due, today))
    soon = sum(1 for _, due in dues if today <= due <= today + SOON)
    weeks = {first_week + timedelta(weeks=i): 0 for i in range(WEEKS)}
    for at in received:
        day = at.astimezone(STOCKHOLM).date()
        week = day - timedelta(days=day.weekday())
        if week in weeks:
            weeks[week] += 1
    days = [(closed - received_at).total_seconds() / 86400 for received_at, closed in answers]
    return RequestDashboard(
        today=today,
        by_state=[(s.value, counts.get(s.value, 0)) for s in OPEN_ORDER],
        due_soon=soon,
        overdue=overdue,
        median_days=round(median(days), 1) if days else None,
        answered=len(days),
        weeks=sorted(weeks.items()),
    )
