"""Synthetic people for the consent tests: fictional names, example.com addresses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from varna.adapters.db.tables import people

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def add_people(
    engine: Engine,
    count: int,
    *,
    with_email: bool = True,
    personnummer: Sequence[str | None] | None = None,
) -> list[int]:
    """``count`` people named Testperson N with testperson-N@example.com; returns their ids."""
    with engine.begin() as conn:
        start = conn.execute(select(people.c.id).order_by(people.c.id.desc()).limit(1)).scalar()
        first = (start or 0) + 1
        rows = [
            {
                "id": first + n,
                "full_name": f"Testperson {first + n}",
                "email": f"testperson-{first + n}@example.com" if with_email else None,
                "personnummer": personnummer[n] if personnummer else None,
                "source": "test",
                "created_at": NOW,
            }
            for n in range(count)
        ]
        conn.execute(insert(people), rows)
    return [row["id"] for row in rows]
