"""The console dashboard's figures, read from the real database (SQLite and PostgreSQL):
open requests by state, due within 7 days, overdue, the median time to answer over the last
90 days and the requests received per week (G3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.contexts import at
from varna.bootstrap import Container
from varna.services.requests.dashboard import request_dashboard
from varna.services.requests.ports import NewRequest

NOW = datetime(2025, 6, 16, 10, 0, tzinfo=UTC)  # a Monday


def _add(
    container: Container,
    n: int,
    *,
    received: datetime,
    due: date,
    state: str = "received",
    closed: datetime | None = None,
) -> None:
    with container.uow() as uow:
        request_id = uow.requests.add(
            NewRequest(
                reference=f"ref{n:019d}",
                kind="access",
                email=f"p{n}@example.com",
                email_hmac=f"{n:064d}",
                identifiers={},
                details=None,
                language="sv",
                received_at=received,
                due_date=due,
            )
        )
        if state != "received":
            uow.requests.change_state(
                request_id,
                from_states=["received"],
                to_state=state,
                actor="test",
                at=closed or received,
                fields={"closed_at": closed} if closed else None,
            )
        uow.commit()


def test_g3_dashboard_counts_open_due_overdue_median_and_weeks(container: Container) -> None:
    """G3: the privacy officer's dashboard counts from the stored requests."""
    _add(container, 1, received=NOW - timedelta(days=14), due=date(2025, 6, 20), state="verified")
    _add(container, 2, received=NOW - timedelta(days=46), due=date(2025, 6, 1), state="in_progress")
    _add(container, 3, received=NOW - timedelta(days=1), due=date(2025, 7, 15))
    _add(
        container,
        4,
        received=NOW - timedelta(days=27),
        due=date(2025, 6, 19),
        state="completed",
        closed=NOW - timedelta(days=17),  # 10 days to answer
    )
    _add(
        container,
        5,
        received=NOW - timedelta(days=6),
        due=date(2025, 7, 10),
        state="refused",
        closed=NOW - timedelta(days=2),  # 4 days to answer
    )
    _add(  # answered before the 90-day window: not in the median
        container,
        6,
        received=NOW - timedelta(days=200),
        due=date(2025, 1, 1),
        state="completed",
        closed=NOW - timedelta(days=150),
    )
    board = request_dashboard(at(container, NOW))
    by_state = dict(board.by_state)
    assert by_state["received"] == 1 and by_state["verified"] == 1
    assert by_state["in_progress"] == 1 and by_state["extended"] == 0
    assert "completed" not in by_state and board.open_total == 3
    assert board.due_soon == 1  # request 1, due on the 20th
    assert board.overdue == 1  # request 2, due on the 1st
    assert board.median_days == 7.0 and board.answered == 2
    weeks = dict(board.weeks)
    assert len(board.weeks) == 12 and board.weeks[-1][0] == date(2025, 6, 16)
    assert weeks[date(2025, 6, 9)] == 2  # requests 3 (Sunday the 15th) and 5
    assert weeks[date(2025, 6, 2)] == 1  # request 1
    assert weeks[date(2025, 5, 19)] == 1  # request 4
    assert sum(weeks.values()) == 5  # request 6 came in before the twelve weeks
