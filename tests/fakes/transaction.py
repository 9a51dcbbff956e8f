"""The transaction of the fakes: each store keeps its rows in its own attributes; a unit of
work takes a copy of every store's rows when a transaction begins and puts it back when the
transaction ends without a commit.

The rows a store keeps are immutable values (frozen dataclasses, strings, numbers); a store
changes a row by replacing it. So a copy of the containers (dicts, lists, sets) is a copy of
the state, and cheap."""

from __future__ import annotations

from typing import Any


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, set):
        return set(value)
    return value


class FakeStore:
    """A store whose rows are its attributes that hold containers or values; attributes
    that hold another store (``FakeStore``) are links, kept as they are. Attributes named in
    ``outside_transactions`` are what a test observes of the calls (not rows): a rollback
    keeps them."""

    outside_transactions: tuple[str, ...] = ()

    def _snapshot(self) -> dict[str, Any]:
        return {
            name: value if isinstance(value, FakeStore) else _copy(value)
            for name, value in vars(self).items()
            if name not in self.outside_transactions
        }

    def _restore(self, snapshot: dict[str, Any]) -> None:
        kept = {name: vars(self)[name] for name in self.outside_transactions if name in vars(self)}
        vars(self).clear()
        vars(self).update(_copy(snapshot))
        vars(self).update(kept)


class TransactionError(AssertionError):
    """A use case used its unit of work in a way the real one does not allow."""


class Transactional:
    """Commit and rollback over a set of stores, with counters a test can look at.

    Leaving the block without :meth:`commit` rolls back (like ``SqlUnitOfWork``); entering a
    unit of work that is already open is an error (a service that did so would share one
    connection between two transactions)."""

    def __init__(self) -> None:
        self.commits = 0
        self.rollbacks = 0
        self.transactions = 0
        self._open = False
        self._saved: list[tuple[FakeStore, dict[str, Any]]] = []

    def _stores(self) -> list[FakeStore]:
        stores: dict[int, FakeStore] = {}
        for value in vars(self).values():
            if isinstance(value, FakeStore):
                stores.setdefault(id(value), value)
        return list(stores.values())

    @property
    def in_transaction(self) -> bool:
        return self._open

    def _begin(self) -> None:
        if self._open:
            raise TransactionError("the unit of work is already open (a nested transaction)")
        self._open = True
        self.transactions += 1
        self._save()

    def _save(self) -> None:
        self._saved = [(store, store._snapshot()) for store in self._stores()]

    def _undo(self) -> None:
        for store, snapshot in self._saved:
            store._restore(snapshot)

    def _end(self) -> None:
        if self._open:
            self._undo()
        self._open = False
        self._saved = []

    def commit(self) -> None:
        if not self._open:
            raise TransactionError("commit outside a transaction")
        self.commits += 1
        self._save()

    def rollback(self) -> None:
        if not self._open:
            raise TransactionError("rollback outside a transaction")
        self.rollbacks += 1
        self._undo()
        self._save()
