"""Field encryption of people's direct identifiers under a data key per person, blind-index
lookups, the key store apart from the database, and crypto-shredding on erasure (D4, R6, A1).

The acceptance test: a copy of the database taken before an erasure (a backup), restored
after it with the current key store, holds nothing readable of the erased person."""

from __future__ import annotations

import base64
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.engine import make_url

from tests.factories import NOW
from tests.subject_factories import subject_context
from varna.adapters.db.engine import make_engine
from varna.adapters.db.person_key import sweep_doomed
from varna.adapters.db.tables import people, web_visits
from varna.adapters.fieldcrypt import FieldCryptoError, data_keys, new_kek
from varna.bootstrap import Container, build, keystore_url
from varna.config import Settings
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.find import FindResult, find_subject

EMAIL = "britt.exempel@example.com"
PHONE = "+46701740601"
PNR = "198112289874"
NAME = "Britt Exempelsson"
ADDRESS = "Testvägen 1, 123 45 Exempelby"


def _person(container: Container, **changes: str) -> int:
    values = {
        "full_name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "address": ADDRESS,
        "personnummer": PNR,
        **changes,
    }
    with container.engine.begin() as conn:
        person = conn.execute(
            insert(people).values(**values, source="test", created_at=NOW).returning(people.c.id)
        ).scalar_one()
        conn.execute(
            insert(web_visits).values(
                person_id=person, ip_address="192.0.2.7", path="/pris", visited_at=NOW
            )
        )
    return int(person)


def _key(kind: str, value: str) -> SubjectKey:
    return normalise(kind, value, today=date(2026, 11, 1))


def _find(container: Container, *keys: SubjectKey) -> FindResult:
    return find_subject(subject_context(container), keys, actor="test")


def _erase(container: Container, *keys: SubjectKey) -> None:
    result = erase_subject(subject_context(container), EraseCommand(keys), actor="test")
    assert result.run_id is not None


def _raw(container: Container, person: int) -> tuple[str | None, ...]:
    """The stored text of the identifiers, past the codec."""
    with container.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT full_name, email, phone, address, personnummer FROM people WHERE id = :id"
            ),
            {"id": person},
        ).one()
    return tuple(row)


def _read(container: Container, person: int) -> tuple[str | None, ...]:
    columns = [people.c[c] for c in ("full_name", "email", "phone", "address", "personnummer")]
    with container.engine.connect() as conn:
        return tuple(conn.execute(select(*columns).where(people.c.id == person)).one())


def test_d4_identifiers_are_stored_encrypted_and_read_back(container: Container) -> None:
    """Every identifier is stored as versioned ciphertext under one data key of the person
    (none in the clear), and reads back as written."""
    person = _person(container)
    stored = _raw(container, person)
    assert all(value is not None and value.startswith("v1:") for value in stored)
    assert len({value.split(":")[1] for value in stored if value}) == 1  # one key per person
    assert not any(EMAIL in (v or "") or NAME in (v or "") for v in stored)
    assert _read(container, person) == (NAME, EMAIL, PHONE, ADDRESS, PNR)
    other = _person(container, email="annan@example.com")
    assert _raw(container, other)[0].split(":")[1] != stored[0].split(":")[1]  # type: ignore[union-attr]


def test_d4_nothing_is_in_the_clear_in_the_database(
    container: Container, settings: Settings
) -> None:
    """The database file (SQLite) or every text column (PostgreSQL) holds no identifier."""
    _person(container)
    if settings.is_postgres:
        with container.engine.connect() as conn:
            dump = "".join(
                str(row) for row in conn.execute(text("SELECT people::text FROM people"))
            )
    else:
        container.engine.dispose()
        path = Path(make_url(settings.database_url).database or "")
        dump = "".join(
            p.read_bytes().decode("latin-1")
            for p in path.parent.glob(path.name + "*")  # the file and its WAL
        )
    assert dump
    for value in (EMAIL, NAME, PHONE, PNR, "Testv"):
        assert value not in dump


def test_d4_a_blind_index_finds_the_person_by_every_form(container: Container) -> None:
    person = _person(container)
    for kind, value in (
        ("email", "BRITT.Exempel@Example.com"),
        ("phone", "070-174 06 01"),
        ("personnummer", "811228-9874"),
    ):
        assert _find(container, _key(kind, value)).scope.person_ids == (person,)
    with container.uow() as uow:
        assert uow.consent.person_by_email(EMAIL) == person
        assert uow.consent.person_by_email("ingen@example.com") is None


def test_d4_tampered_ciphertext_is_refused(container: Container) -> None:
    person = _person(container)
    email = _raw(container, person)[1]
    assert email is not None
    head, data = email.rsplit(":", 1)
    flipped = data[:-2] + ("A" if data[-2] != "A" else "B") + data[-1]
    name_key = _raw(container, person)[0].split(":")[1]  # type: ignore[union-attr]
    with container.engine.begin() as conn:
        conn.execute(
            text("UPDATE people SET email = :e, full_name = :n WHERE id = :id"),
            {"e": f"{head}:{flipped}", "n": email, "id": person},
        )
    assert name_key
    with pytest.raises(Exception) as refused:  # noqa: PT011 - SQLAlchemy wraps it
        _read(container, person)
    assert EMAIL not in str(refused.value)
    assert isinstance(refused.value, FieldCryptoError) or "fails its check" in str(refused.value)


def test_d4_a_wrong_kek_is_refused(container: Container, settings: Settings) -> None:
    person = _person(container)
    wrong = build(settings.model_copy(update={"kek": SecretStr(new_kek())}))
    try:
        with pytest.raises(Exception, match="KEK") as refused:  # noqa: PT011
            _read(wrong, person)
        assert EMAIL not in str(refused.value)
    finally:
        wrong.close()


def test_d4_rotation_keeps_everything_readable(
    container: Container, settings: Settings, tmp_path: Path
) -> None:
    """Data keys are wrapped again under a new KEK; while both are configured either reads,
    and afterwards the new one alone does."""
    first = _person(container)
    old = base64.b64encode(container.crypto.keys.ring.current_key()).decode()  # type: ignore[union-attr]
    new = new_kek()
    both = build(settings.model_copy(update={"kek": SecretStr(f"{new},{old}")}))
    try:
        second = _person(both, email="andra@example.com")  # wrapped by the new KEK
        assert both.crypto is not None and both.crypto.keys is not None
        assert both.crypto.keys.rotate() == 1
        status = both.crypto.keys.status()
        assert status.per_kek == {status.current_kek: 2}
    finally:
        both.close()
    after = build(settings.model_copy(update={"kek": SecretStr(new)}))
    try:
        assert _read(after, first)[1] == EMAIL
        assert _read(after, second)[1] == "andra@example.com"
    finally:
        after.close()


def test_d4_erasure_destroys_the_persons_data_key(container: Container) -> None:
    """After the erasure commits, the key is gone from the key store; another person's
    key stays; a row written under a destroyed key reads as nothing, never as ciphertext."""
    person = _person(container)
    other = _person(container, email="annan@example.com")
    key_id = (_raw(container, person)[0] or "").split(":")[1]
    keys = container.crypto.keys  # type: ignore[union-attr]
    assert keys is not None and keys.key(key_id) is not None
    _erase(container, _key("email", EMAIL))
    assert keys.key(key_id) is None
    assert keys.status().doomed == 0
    assert _read(container, other)[1] == "annan@example.com"
    with container.engine.begin() as conn:  # a ciphertext under the destroyed key
        conn.execute(
            text("UPDATE people SET address = :a WHERE id = :id"),
            {"a": f"v1:{key_id}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "id": person},
        )
    assert _read(container, person)[3] is None


def test_d4_a_destruction_that_did_not_happen_is_finished(container: Container) -> None:
    """A crash between the erasure's commit and the key's destruction leaves the key marked;
    the sweep (``varna keys shred``) destroys it, and never a key a row still needs."""
    person = _person(container)
    other = _person(container, email="annan@example.com")
    keys = container.crypto.keys  # type: ignore[union-attr]
    assert keys is not None
    key_id = (_raw(container, person)[1] or "").split(":")[1]
    other_key = (_raw(container, other)[1] or "").split(":")[1]
    keys.doom({key_id: f"person:{person}", other_key: f"person:{other}"})
    with container.engine.begin() as conn:  # the erasure committed; the destruction did not
        conn.execute(
            update(people)
            .where(people.c.id == person)
            .values(full_name="[erased]", email=None, phone=None, address=None, personnummer=None)
        )
    assert sweep_doomed(container.engine) == 1
    assert keys.key(key_id) is None
    assert _read(container, other)[1] == "annan@example.com"


@pytest.fixture
def backup(settings: Settings, container: Container) -> Iterator[Settings]:
    """A copy of the database (a backup), made when asked: the settings of the copy."""
    copies: list[str] = []

    def take() -> Settings:
        if settings.is_postgres:
            container.engine.dispose()
            url = make_url(settings.database_url)
            name = f"{url.database}_copy_{uuid.uuid4().hex[:8]}"
            admin = make_engine(settings.database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
            admin.dispose()
            copies.append(name)
            copy_url = url.set(database=name).render_as_string(hide_password=False)
        else:
            container.engine.dispose()
            source = Path(make_url(settings.database_url).database or "")
            target = source.with_name("backup.db")
            with make_engine(settings.database_url).connect() as conn:  # WAL into the file
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(source, target)
            copy_url = f"sqlite:///{target}"
        # the copy is restored with the current key store (never one beside the copy)
        return settings.model_copy(
            update={"database_url": copy_url, "keystore_url": keystore_url(settings)}
        )

    container.__dict__["take_backup"] = take
    yield settings
    if copies:
        admin = make_engine(settings.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in copies:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_d4_r6_a_backup_restored_after_an_erasure_holds_nothing_readable(
    container: Container, backup: Settings
) -> None:
    """The acceptance test: back up, erase the person (the real erasure), restore the copy
    with the current key store: the person's identifiers cannot be read, and a search by any
    of them finds nothing of the person's to erase. Another person is intact in the copy."""
    person = _person(container)
    other = _person(
        container, email="annan@example.com", phone="+46701112233", personnummer="197001011236"
    )
    assert _find(container, _key("email", EMAIL)).scope.person_ids == (person,)
    restored_settings = container.__dict__["take_backup"]()
    _erase(container, _key("email", EMAIL))
    restored = build(restored_settings)
    try:
        stored = _raw(restored, person)
        assert stored[1] is not None and stored[1].startswith("v1:")  # the backup's ciphertext
        assert _read(restored, person) == (None, None, None, None, None)
        for given in (_key("email", EMAIL), _key("phone", PHONE), _key("personnummer", PNR)):
            found = _find(restored, given)
            assert found.scope.person_ids == ()
            assert found.erasable == {}
        assert _read(restored, other)[1] == "annan@example.com"
        assert _find(restored, _key("email", "annan@example.com")).scope.person_ids == (other,)
    finally:
        restored.close()


def test_d4_rows_written_before_encryption_are_sealed_on_upgrade(
    container: Container, settings: Settings
) -> None:
    """A database written with encryption off (or before it) is sealed by the upgrade."""
    plain = build(settings.model_copy(update={"field_encryption": False}))
    try:
        person = _person(plain)
        assert _raw(plain, person)[1] == EMAIL
    finally:
        plain.close()
    container.upgrade_schema()
    assert (_raw(container, person)[1] or "").startswith("v1:")
    assert _read(container, person)[1] == EMAIL
    assert _find(container, _key("email", EMAIL)).scope.person_ids == (person,)
    assert data_keys.name not in inspect(container.engine).get_table_names()  # kept apart
