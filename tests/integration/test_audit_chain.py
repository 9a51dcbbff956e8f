"""The audit chain (R6, A1, G3): whoever edits, removes, forges or reorders audit entries with
the database's own access is caught by `verify`, which names the first broken entry; the
database itself refuses changes; retention removes old entries behind a checkpoint."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DatabaseError

from varna.adapters.db.audit import SqlAuditLog, prune_before
from varna.adapters.db.tables import audit_checkpoints, audit_events
from varna.bootstrap import Container
from varna.domain.audit import AuditAction, SystemActor
from varna.domain.audit_chain import (
    GAP,
    HASH_MISMATCH,
    LANES,
    MISSING_AT_END,
    PREV_MISMATCH,
    UNEXPECTED,
    entry_hash,
)
from varna.services.ports import AuditEvent

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _write(container: Container, count: int, *, at: datetime = T0, per_call: int = 1) -> None:
    """``count`` entries, ``per_call`` to a call (several make one multi-row insert)."""
    written = 0
    while written < count:
        with container.uow() as uow:
            n = min(per_call, count - written)
            uow.audit.record_many(
                [
                    AuditEvent(
                        str(SystemActor.CLI),
                        AuditAction.SUBJECT_FIND,
                        f"person:{written + i + 1}",
                        {"tables": written + i, "kinds": ["a", "ö"]},
                    )
                    for i in range(n)
                ],
                at=at + timedelta(seconds=written),
            )
            uow.commit()
        written += n


def _as_owner(container: Container, *statements: str) -> None:
    """Raw SQL as the database's owner would run it, past the append-only triggers."""
    postgres = container.engine.dialect.name == "postgresql"
    owner = container.owner_engine()  # on PostgreSQL the application's role may not
    with owner.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            for name in ("audit_events_no_update", "audit_events_no_delete"):
                connection.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    if owner is not container.engine:
        owner.dispose()


def _id_at(container: Container, seq: int) -> int:
    with container.engine.connect() as connection:
        return int(
            connection.execute(
                select(audit_events.c.id).where(audit_events.c.seq == seq)
            ).scalar_one()
        )


def test_r6_a1_an_untouched_chain_holds(container: Container) -> None:
    _write(container, 5)
    _write(container, 7, per_call=4)
    _write(container, 2, at=T0.replace(microsecond=500000))  # PostgreSQL writes ".5"
    _write(container, 2, at=T0.replace(microsecond=0))
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == 16 and verdict.first_broken is None
    assert verdict.head_seq == 16


Tamper = Callable[[Container], tuple[int, str]]  # does it; returns the seq and problem expected


def _edit_action(container: Container) -> tuple[int, str]:
    _as_owner(container, "UPDATE audit_events SET action = 'subject.extract' WHERE seq = 4")
    return 4, HASH_MISMATCH


def _edit_details(container: Container) -> tuple[int, str]:
    _as_owner(container, """UPDATE audit_events SET details = '{"tables": 0}' WHERE seq = 6""")
    return 6, HASH_MISMATCH


def _delete_middle(container: Container) -> tuple[int, str]:
    _as_owner(container, "DELETE FROM audit_events WHERE seq = 5")
    return 5, GAP


def _insert_forged(container: Container) -> tuple[int, str]:
    with container.engine.connect() as connection:
        last = connection.execute(select(audit_events).where(audit_events.c.seq == 10)).one()
    at = "2026-03-01 12:00:30" + ("" if container.engine.dialect.name == "sqlite" else "+00")
    forged = entry_hash(last.hash, 0, 11, "2026-03-01 12:00:30", "cli", "x", None, "{}")
    _as_owner(
        container,
        "INSERT INTO audit_events (at, actor, action, target, details, seq, prev_hash, hash) "
        f"VALUES ('{at}', 'cli', 'x', NULL, '{{}}', 11, '{last.hash}', '{forged}')",
    )
    return 11, UNEXPECTED


def _swap_two(container: Container) -> tuple[int, str]:
    _as_owner(
        container,
        "UPDATE audit_events SET seq = -1 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 7",
        "UPDATE audit_events SET seq = 7 WHERE seq = -1",
    )
    return 3, PREV_MISMATCH


def _delete_last(container: Container) -> tuple[int, str]:
    _as_owner(container, "DELETE FROM audit_events WHERE seq = 10")
    return 10, MISSING_AT_END


@pytest.mark.parametrize(
    "tamper",
    [_edit_action, _edit_details, _delete_middle, _insert_forged, _swap_two, _delete_last],
    ids=["edit-action", "edit-details", "delete-middle", "insert-forged", "swap", "delete-last"],
)
def test_r6_a1_g3_tampering_is_caught_at_the_entry_changed(
    container: Container, tamper: Tamper
) -> None:
    _write(container, 10, per_call=3)
    assert container.verify_audit_chain().ok
    seq, problem = tamper(container)
    verdict = container.verify_audit_chain()
    assert not verdict.ok
    assert verdict.first_broken is not None
    assert (verdict.first_broken.seq, verdict.first_broken.problem) == (seq, problem)
    assert verdict.entries == seq - 1  # the entries before it still hold


def test_r6_the_database_refuses_to_change_or_delete_an_entry(container: Container) -> None:
    _write(container, 3)
    for statement in (
        "UPDATE audit_events SET action = 'subject.extract' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 3",
    ):
        with pytest.raises(DatabaseError), container.engine.begin() as connection:
            connection.execute(text(statement))
    with container.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_events)).scalar() == 3
    assert container.verify_audit_chain().ok


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'subject.extract' WHERE seq = 2",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TABLE audit_events",
        "DELETE FROM audit_checkpoints",
        "UPDATE audit_checkpoints SET through_seq = 3",
        "DELETE FROM audit_chain_head",
        "SELECT varna_prune_audit(0, 3)",
    ],
)
def test_r6_on_postgresql_the_application_role_may_only_add_and_read_entries(
    container: Container, statement: str
) -> None:
    """The application's connections work as ``varna_app`` (migration 0028): every change
    or removal of audit rows, and every way round the triggers, is refused for lack of
    rights; writing, verifying and pruning (through the owner's function) still work."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("the application role is PostgreSQL's")
    _write(container, 3)
    with container.engine.connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == "varna_app"
    with pytest.raises(DatabaseError), container.engine.begin() as connection:
        connection.execute(text(statement))
    with container.engine.connect() as connection:
        assert _count(connection) == 3
    assert container.verify_audit_chain().ok


def test_r6_entries_written_by_concurrent_writers_form_one_chain(container: Container) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(6):
                with container.uow() as uow:
                    uow.audit.record(
                        AuditEvent("cli", AuditAction.SUBJECT_FIND, f"person:{n}-{i}", {}),
                        at=T0,
                    )
                    uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == 24


def _prune(container: Container, before: datetime) -> int:
    with container.engine.begin() as connection:
        pruned = prune_before(connection, before, at=T0 + timedelta(days=4000))
        return 0 if pruned is None else pruned.entries_removed


def _count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())


def test_r6_a1_retention_removes_old_entries_behind_a_checkpoint(container: Container) -> None:
    _write(container, 6, at=T0)
    _write(container, 4, at=T0 + timedelta(days=30))
    assert _prune(container, T0 + timedelta(days=10)) == 6
    with container.engine.connect() as connection:
        assert _count(connection) == 4
        [checkpoint] = connection.execute(select(audit_checkpoints)).all()
    assert (checkpoint.through_seq, checkpoint.entries_removed) == (6, 6)
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == 4 and verdict.start_seq == 7
    # the database still refuses to delete what no checkpoint covers
    with pytest.raises(DatabaseError), container.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq = 8"))
    _as_owner(container, "UPDATE audit_events SET target = 'person:99' WHERE seq = 8")
    broken = container.verify_audit_chain().first_broken
    assert broken is not None and (broken.seq, broken.problem) == (8, HASH_MISMATCH)
    assert _id_at(container, 8) == broken.id


def test_r6_retention_keeps_a_broken_chain(container: Container) -> None:
    _write(container, 6, at=T0)
    _as_owner(container, "UPDATE audit_events SET actor = 'someone' WHERE seq = 2")
    with pytest.raises(Exception, match="does not hold"):
        _prune(container, T0 + timedelta(days=10))
    with container.engine.connect() as connection:
        assert _count(connection) == 6


def test_r6_the_retention_sweep_prunes_audit_entries_past_ten_years(
    container: Container,
) -> None:
    from tests.integration.test_retention import sweep

    old = datetime(2014, 5, 1, 8, 0, tzinfo=UTC)
    _write(container, 5, at=old)
    _write(container, 3, at=datetime(2020, 5, 1, 8, 0, tzinfo=UTC))
    report = sweep(container, date(2026, 11, 1))
    assert report.pruned_audit_entries == 5
    with container.engine.connect() as connection:
        actions = connection.execute(
            select(audit_events.c.action).order_by(audit_events.c.seq)
        ).scalars()
        assert "audit.pruned" in list(actions)
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.start_seq == 6


def _postgres_only(container: Container) -> None:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: every entry goes to lane 0")


def _hold_entry(connection: Connection, n: int) -> None:
    """Record one entry in ``connection``'s open transaction, refusing to wait over a second
    for a lock."""
    connection.execute(text("SET LOCAL lock_timeout = '1s'"))
    SqlAuditLog(connection).record(
        AuditEvent("cli", AuditAction.SUBJECT_FIND, f"held:{n}", {"n": n}), at=T0
    )


def test_r6_concurrent_writers_holding_uncommitted_entries_do_not_wait(
    container: Container,
) -> None:
    _postgres_only(container)
    _write(container, 3)
    with container.engine.connect() as first, container.engine.connect() as second:
        _hold_entry(first, 1)
        _hold_entry(second, 2)  # would fail after a second if it waited for the first
        lanes = [
            c.execute(
                select(audit_events.c.lane).where(audit_events.c.target == f"held:{n}")
            ).scalar_one()
            for n, c in ((1, first), (2, second))
        ]
        first.commit()
        second.commit()
    assert lanes[0] != lanes[1]
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == 5 and verdict.head_seq == 5
    assert {one["lane"] for one in verdict.as_dict()["lanes"]} == set(range(LANES))


def test_r6_a_writer_finding_every_lane_held_waits_for_one(container: Container) -> None:
    _postgres_only(container)
    holders = [container.engine.connect() for _ in range(LANES)]
    errors: list[BaseException] = []

    def ninth() -> None:
        try:
            with container.engine.begin() as connection:
                SqlAuditLog(connection).record(
                    AuditEvent("cli", AuditAction.SUBJECT_FIND, "person:9", {}), at=T0
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    try:
        for n, holder in enumerate(holders):
            _hold_entry(holder, n)
        waiting = threading.Thread(target=ninth)
        waiting.start()
        with container.engine.connect() as watch:  # until the ninth waits for a lane's lock
            deadline = time.monotonic() + 20
            query = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            while not watch.execute(query).scalar_one() and time.monotonic() < deadline:
                watch.rollback()
        for holder in holders:
            holder.commit()
        waiting.join()
    finally:
        for holder in holders:
            holder.close()
    assert not errors
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == LANES + 1


def _two_lanes(container: Container, at: datetime = T0) -> None:
    """One entry in lane 0 and three in lane 1: the second transaction finds lane 0 held."""
    with container.engine.connect() as first, container.engine.connect() as second:
        _hold_entry(first, 0)
        second.execute(text("SET LOCAL lock_timeout = '1s'"))
        SqlAuditLog(second).record_many(
            [AuditEvent("cli", AuditAction.SUBJECT_FIND, f"lane1:{n}", {}) for n in range(3)],
            at=at,
        )
        first.commit()
        second.commit()


def test_r6_a1_tampering_in_another_lane_names_that_lane(container: Container) -> None:
    _postgres_only(container)
    _two_lanes(container)
    assert container.verify_audit_chain().ok
    _as_owner(container, "UPDATE audit_events SET target = 'person:9' WHERE lane = 1 AND seq = 2")
    broken = container.verify_audit_chain().first_broken
    assert broken is not None
    assert (broken.lane, broken.seq, broken.problem) == (1, 2, HASH_MISMATCH)
    with container.engine.connect() as connection:
        tampered = connection.execute(
            select(audit_events.c.id).where(audit_events.c.target == "person:9")
        ).scalar_one()
    assert broken.id == tampered


def test_r6_a1_retention_leaves_a_checkpoint_in_each_lane_it_prunes(
    container: Container,
) -> None:
    _postgres_only(container)
    _two_lanes(container)
    _write(container, 2, at=T0 + timedelta(days=30))
    assert _prune(container, T0 + timedelta(days=10)) == 4
    with container.engine.connect() as connection:
        checkpoints = connection.execute(
            select(audit_checkpoints.c.lane, audit_checkpoints.c.through_seq)
        ).all()
    assert sorted(checkpoints) == [(0, 1), (1, 3)]
    verdict = container.verify_audit_chain()
    assert verdict.ok and verdict.entries == 2 and verdict.start_seq == 5
