"""The mention search in free text is served by an index on PostgreSQL (D1, D4): every column
the catalogue marks ``search_text`` has a trigram index of its lower-cased text, and the
statements the subject walk sends use it rather than reading the whole table. Data from
tests/subject_factories.py (synthetic)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.subject_factories import NOW, build_world, subject_context
from varna.bootstrap import Container
from varna.domain.subjects.keys import normalise
from varna.services.subjects.extract import build_extract

pytestmark = pytest.mark.postgres


class FixedClock:
    def now(self) -> Any:
        return NOW


@pytest.fixture
def database_url(pg_database_url: str) -> str:  # PostgreSQL only: SQLite has no such index
    return pg_database_url


def _search_text_columns(container: Container) -> list[tuple[str, str]]:
    return sorted(
        (name, column)
        for name, entry in container.catalog.tables.items()
        for column, declared in entry.personal.items()
        if declared.search_text
    )


def test_d1_every_searched_free_text_column_has_a_trigram_index(container: Container) -> None:
    columns = _search_text_columns(container)
    assert ("ticket_messages", "body") in columns
    with container.engine.connect() as conn:
        indexes = conn.execute(
            text("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
        ).all()
    # ``lower(body)``, or ``lower((subject)::text)`` for a varchar column
    indexed = {(table, _plain(definition)) for table, definition in indexes}
    for table, column in columns:
        assert any(
            found == table and f"lower({column}) gin_trgm_ops" in definition
            for found, definition in indexed
        ), f"{table}.{column} has no trigram index"


def _plain(definition: str) -> str:
    return definition.replace("::text", "").replace("((", "(").replace("))", ")")


def test_d1_the_mention_search_reads_the_trigram_index(container: Container) -> None:
    """Bo's case mentions Anna's e-mail: the statements that look for it in the message
    bodies can be answered from the trigram index. Plain scans are priced out, as they are
    on a large table (on a million messages the planner takes the index itself: 25 ms
    against 9.4 s for reading every message, docs/performance.md)."""
    build_world(container)
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "lower(ticket_messages.body) LIKE" in statement:
            sent.append((statement, params))

    event.listen(container.engine, "before_cursor_execute", keep)
    try:
        keys = (normalise("email", "anna.berg@example.com", today=date(2026, 11, 1)),)
        bundle = build_extract(
            subject_context(container, clock=FixedClock(), secret=b"test-secret"),
            keys,
            actor="test",
        ).bundle
    finally:
        event.remove(container.engine, "before_cursor_execute", keep)
    mentions = [b for b in bundle["data"]["free_text"] if b["match"] == "mention"]
    assert any(b["table"] == "ticket_messages" for b in mentions)
    assert sent, "the walk sent no mention search of the message bodies"
    with container.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")  # a full scan of the primary key
        for statement, params in sent:
            cursor.execute("EXPLAIN " + statement, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "ix_ticket_messages_body_trgm" in plan, plan
