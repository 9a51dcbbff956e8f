"""A person's data key and blind indexes, filled in when a ``people`` row is inserted.

The default of ``people.key_id`` is the one place that sees a whole row as it is written
(``executemany`` and bulk loads included): it mints the person's data key and hands the row's
identifiers to the codec with it (:class:`~varna.adapters.fieldcrypt.Sealed`). The blind
index columns' defaults index the same values. Updates name the key themselves
(:func:`seal_update`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, String, select, type_coerce

from varna.adapters.fieldcrypt import Sealed, crypto_of, key_id_of
from varna.domain.subjects.steps import ERASED_MARKER

IDENTIFIERS = ("full_name", "email", "phone", "address", "personnummer")
INDEXED = ("email", "phone", "personnummer")  # looked up by value: a blind index each


def mint_for_row(context: Any) -> str | None:
    crypto = crypto_of(context.dialect)
    if crypto is None or not crypto.enabled:
        return None
    key_id, key = crypto.mint(context.root_connection)
    params: dict[str, Any] = context.current_parameters
    for column in IDENTIFIERS:
        value = params.get(column)
        if isinstance(value, str) and not isinstance(value, Sealed) and value != ERASED_MARKER:
            params[column] = Sealed(value, key_id, key)
    return key_id


def blind(column: str) -> Callable[[Any], str | None]:
    def index(context: Any) -> str | None:
        crypto = crypto_of(context.dialect)
        value = context.current_parameters.get(column)
        return None if crypto is None else crypto.blind_index(column, value)

    return index


def blind_index(connection: Connection, kind: str, value: str) -> str | None:
    crypto = crypto_of(connection)
    return None if crypto is None else crypto.blind_index(kind, value)


def seal_update(connection: Connection, person_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` of an UPDATE of person ``person_id``'s row: identifiers sealed with the
    person's data key (a new one when the row has none, or its key was destroyed) and the
    blind indexes of the indexed ones."""
    from varna.adapters.db.tables import people

    crypto = crypto_of(connection)
    if crypto is None:
        return values
    out = dict(values)
    for column in INDEXED:
        if column in values:
            out[f"{column}_bidx"] = crypto.blind_index(column, values[column])
    wanted = [c for c in IDENTIFIERS if isinstance(values.get(c), str)]
    if not crypto.enabled or not wanted:
        return out
    key_id = connection.execute(
        select(people.c.key_id).where(people.c.id == person_id)
    ).scalar_one_or_none()
    key = crypto.person_key(key_id)
    if key_id is None or key is None:
        key_id, key = crypto.mint(connection)
        out["key_id"] = key_id
    for column in wanted:
        if values[column] != ERASED_MARKER:
            out[column] = Sealed(values[column], key_id, key)
    return out


def sweep_doomed(engine: Engine) -> int:
    """Finish destructions an erasure asked for but did not get to (a crash after its
    commit): a marked key that no identifier of its person names any more is destroyed; one
    still named (the erasure rolled back, or kept the value) stays. Returns how many went."""
    from varna.adapters.db.tables import people

    crypto = crypto_of(engine)
    if crypto is None or crypto.keys is None:
        return 0
    doomed = crypto.keys.doomed()
    by_person: dict[int, set[str]] = {}
    for key_id, owner in doomed.items():
        if owner and owner.startswith("person:"):
            by_person.setdefault(int(owner.split(":", 1)[1]), set()).add(key_id)
    named: set[str] = set()
    stored = [type_coerce(people.c[c], String) for c in IDENTIFIERS]
    with engine.connect() as conn:
        ids = sorted(by_person)
        for start in range(0, len(ids), 500):
            rows = conn.execute(select(*stored).where(people.c.id.in_(ids[start : start + 500])))
            named.update(k for row in rows for v in row if (k := key_id_of(v)) is not None)
    gone = [key_id for keys in by_person.values() for key_id in keys if key_id not in named]
    return crypto.keys.destroy(gone)
