"""The fakes keep the promise the services rely on: what a transaction did without a commit
is gone when it ends, what was committed stays, and a nested transaction is an error."""

from __future__ import annotations

import pytest

from tests.fakes.clock import START
from tests.fakes.transaction import TransactionError
from tests.fakes.uow import FakeUnitOfWork
from varna.services.ports import AuditEvent


def _event(action: str) -> AuditEvent:
    return AuditEvent("staff:1", action, None, {})


def test_committed_work_stays_and_uncommitted_work_is_undone(uow: FakeUnitOfWork) -> None:
    with uow:
        uow.audit.record(_event("subject.find"), at=START)
        uow.jobs.enqueue("task", "key-1", request_id=None, at=START)
        uow.commit()
        uow.audit.record(_event("subject.extract"), at=START)
        uow.jobs.enqueue("task", "key-2", request_id=None, at=START)
    assert uow.audit.actions() == ["subject.find"]
    assert uow.jobs.keys() == ["key-1"]
    assert (uow.commits, uow.transactions) == (1, 1)


def test_an_error_inside_the_block_leaves_nothing_behind(uow: FakeUnitOfWork) -> None:
    person = uow.directory.add_person(email="anna@example.com")
    with pytest.raises(RuntimeError), uow:
        uow.rights.restrict(person, "contested", START)
        uow.audit.record(_event("subject.restrict"), at=START)
        raise RuntimeError("the use case failed")
    assert uow.rights.active_restriction(person) is None
    assert uow.audit.actions() == []


def test_rollback_undoes_only_what_came_after_the_last_commit(uow: FakeUnitOfWork) -> None:
    with uow:
        uow.audit.record(_event("subject.find"), at=START)
        uow.commit()
        uow.audit.record(_event("subject.extract"), at=START)
        uow.rollback()
        uow.audit.record(_event("subject.erase"), at=START)
        uow.commit()
    assert uow.audit.actions() == ["subject.find", "subject.erase"]
    assert uow.rollbacks == 1


def test_links_between_stores_survive_a_rollback(uow: FakeUnitOfWork) -> None:
    person = uow.directory.add_person(email="anna@example.com")
    with uow:
        uow.rights.record_disclosure("recipient-a", person, ["contact"], START)
    with uow:  # the rights store still writes into the same notice store
        uow.rights.record_disclosure("recipient-b", person, ["contact"], START)
        uow.commit()
    assert uow.rights.recipients_of([person]) == {"recipient-b": [person]}


def test_a_nested_transaction_is_refused(uow: FakeUnitOfWork) -> None:
    with uow, pytest.raises(TransactionError, match="nested"), uow:
        pass


def test_commit_outside_a_transaction_is_refused(uow: FakeUnitOfWork) -> None:
    with pytest.raises(TransactionError):
        uow.commit()
