"""Field encryption of a person's direct identifiers, with a data key per person kept in a
key store of its own, and crypto-shredding (D4, R6, A1). docs/security.md, "Field encryption
and crypto-shredding", gives the design; in short:

* every person has a random 256-bit data key, minted when the person's row is inserted (the
  default of ``people.key_id``, the one place that sees the whole row) and kept, wrapped with
  AES key wrap under a key-encryption key (KEK), in the key store: a database apart from
  varna's own (by default an SQLite file beside it), which the database's backups do not hold;
* an identifier is stored as ``v1:<key id>:<base64url(nonce | AES-GCM ciphertext)>``, with
  the column's kind and the key id as associated data: a value moved to another column or
  under another key id does not decrypt;
* values looked up by (e-mail, phone, personnummer) also get a keyed blind index
  (HMAC-SHA256, truncated, of the normal form) in a column of their own; lookups compare it;
* erasing a person destroys the data key once the database has committed the erasure, so
  the person's identifiers in every copy of the database (a backup) can no longer be read.

Nothing here logs or raises with a value: errors name the column kind and the key id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.pool import NullPool

from varna.adapters.db.engine import normalise_url
from varna.adapters.db.types import SUBJECT_CODEC
from varna.domain import identifiers
from varna.domain.errors import InvalidIdentifier
from varna.domain.subjects.steps import ERASED_MARKER

VERSION = "v1"
PREFIX = f"{VERSION}:"
KEY_BYTES = 32
NONCE_BYTES = 12
BLIND_BYTES = 16  # 128 bits of HMAC-SHA256: 32 hex digits
ATTRIBUTE = SUBJECT_CODEC  # the attribute of an engine's dialect that holds its FieldCrypto
_NEW_KEYS = "varna_new_data_keys"  # in a connection's info: minted, not yet in the key store
_SHRED = "varna_shred_data_keys"  # in a connection's info: to destroy once committed


class FieldCryptoError(Exception):
    """A stored identifier or a data key failed a check; the text names no value."""


def derive(secret: bytes, purpose: str) -> bytes:
    """A 256-bit key for ``purpose`` derived from varna's secret key (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()
    ).derive(secret)


def kek_id(kek: bytes) -> str:
    """A KEK's public name: a hash of it, so that a wrapped key says which KEK wrapped it."""
    return hashlib.sha256(b"varna-kek-id:" + kek).hexdigest()[:16]


def decode_kek(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise FieldCryptoError("a key-encryption key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise FieldCryptoError("a key-encryption key must be 32 bytes (base64)")
    return key


def new_kek() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


class KekRing:
    """The key-encryption keys this process can use: the first wraps new data keys, every one
    unwraps. Given as text (``VARNA_KEK``: base64 keys separated by commas) or read from a
    file (``VARNA_KEK_FILE``: one base64 key a line), which is read again when a data key
    names a KEK the ring does not hold (another process has rotated)."""

    def __init__(self, keys: Sequence[bytes], *, path: Path | None = None) -> None:
        if not keys:
            raise FieldCryptoError("no key-encryption key")
        self._set(keys)
        self.path = path

    def _set(self, keys: Sequence[bytes]) -> None:
        self.current = kek_id(keys[0])
        self._keys = {kek_id(k): k for k in keys}

    @classmethod
    def from_file(cls, path: Path) -> KekRing:
        return cls(cls._read(path), path=path)

    @staticmethod
    def _read(path: Path) -> list[bytes]:
        lines = [line for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
        return [decode_kek(line) for line in lines]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def key(self, kid: str) -> bytes:
        if kid not in self._keys and self.path is not None:
            self._set(self._read(self.path))
        try:
            return self._keys[kid]
        except KeyError:
            raise FieldCryptoError(
                f"data keys wrapped by KEK {kid}: this KEK is not configured"
            ) from None

    def current_key(self) -> bytes:
        return self._keys[self.current]

    def begin_rotation(self, new: bytes) -> None:
        """Make ``new`` the KEK that wraps, the others still unwrapping (in the file too,
        which other processes read when they meet a key wrapped by it)."""
        keys = [new, *(k for k in self._keys.values() if k != new)]
        self._write(keys)
        self._set(keys)

    def end_rotation(self) -> None:
        """Every data key is wrapped by the current KEK: the others are dropped."""
        keys = [self.current_key()]
        self._write(keys)
        self._set(keys)

    def _write(self, keys: Sequence[bytes]) -> None:
        if self.path is None:
            return
        temporary = self.path.with_name(self.path.name + ".new")
        temporary.touch(mode=0o600)
        temporary.write_text("".join(base64.b64encode(k).decode() + "\n" for k in keys))
        temporary.replace(self.path)


_key_metadata = MetaData()
data_keys = Table(
    "data_keys",
    _key_metadata,
    Column("key_id", String(32), primary_key=True),
    Column("kek_id", String(16), nullable=False, index=True),
    Column("wrapped", String(64), nullable=False),  # base64 of the AES-KW output (40 bytes)
    Column("owner", String(64)),  # "person:<id>" once known: where the sweep looks
    Column("doomed_at", DateTime),  # an erasure asked to destroy it; destroyed once committed
    Column("created_at", DateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class KeyStatus:
    per_kek: dict[str, int]
    doomed: int
    current_kek: str

    def as_dict(self) -> dict[str, Any]:
        return {"per_kek": self.per_kek, "doomed": self.doomed, "current_kek": self.current_kek}


class KeyStore:
    """Wrapped data keys in a database of their own. Unwrapped keys are kept in a small LRU
    (by key id) for the operations that read a person's identifiers again and again."""

    def __init__(
        self, engine: Engine, ring: KekRing, *, cache: int = 1024, cache_seconds: float = 300
    ) -> None:
        self.engine = engine
        self.ring = ring
        # key id -> (key, read at): a key destroyed by another process is used here at most
        # ``cache_seconds`` longer (this process forgets the keys it destroys at once)
        self._cache: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._cache_size = cache
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._ready = False  # the table is made on first use: a command that only refuses
        # (no schema yet) leaves no file behind

    def _engine(self) -> Engine:
        if not self._ready:
            _key_metadata.create_all(self.engine)
            self._ready = True
        return self.engine

    @classmethod
    def open(cls, url: str, ring: KekRing) -> KeyStore:
        return cls(keystore_engine(url), ring)

    def close(self) -> None:
        self.engine.dispose()

    # -- keys ---------------------------------------------------------------------------

    def _cached(self, key_id: str) -> bytes | None:
        with self._lock:
            found = self._cache.get(key_id)
            if found is None:
                return None
            if time.monotonic() - found[1] > self._cache_seconds:
                del self._cache[key_id]
                return None
            self._cache.move_to_end(key_id)
            return found[0]

    def _remember(self, key_id: str, key: bytes) -> None:
        with self._lock:
            self._cache[key_id] = (key, time.monotonic())
            self._cache.move_to_end(key_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _forget(self, ids: Iterable[str]) -> None:
        with self._lock:
            for key_id in ids:
                self._cache.pop(key_id, None)

    def add(self, keys: Sequence[tuple[str, bytes, str | None]]) -> None:
        """Store (key id, key, owner) triples, wrapped under the current KEK, in one write."""
        if not keys:
            return
        kek = self.ring.current_key()
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [
            {
                "key_id": key_id,
                "kek_id": self.ring.current,
                "wrapped": base64.b64encode(aes_key_wrap(kek, key)).decode(),
                "owner": owner,
                "created_at": now,
            }
            for key_id, key, owner in keys
        ]
        with self._engine().begin() as conn:
            conn.execute(data_keys.insert(), rows)
        for key_id, key, _ in keys:
            self._remember(key_id, key)

    def key(self, key_id: str) -> bytes | None:
        """The data key, or None when it has been destroyed (or never stored)."""
        cached = self._cached(key_id)
        if cached is not None:
            return cached
        with self._engine().connect() as conn:
            row = conn.execute(
                select(data_keys.c.kek_id, data_keys.c.wrapped).where(data_keys.c.key_id == key_id)
            ).first()
        if row is None:
            return None
        key = self._unwrap(key_id, row.kek_id, row.wrapped)
        self._remember(key_id, key)
        return key

    def _unwrap(self, key_id: str, kid: str, wrapped: str) -> bytes:
        try:
            return aes_key_unwrap(self.ring.key(kid), base64.b64decode(wrapped))
        except InvalidUnwrap:
            raise FieldCryptoError(f"data key {key_id} does not unwrap under KEK {kid}") from None

    def existing(self, ids: Iterable[str]) -> set[str]:
        known = {key_id for key_id in set(ids) if self._cached(key_id) is not None}
        wanted = sorted(set(ids) - known)
        if not wanted:
            return known
        with self._engine().connect() as conn:
            found = known | set(
                conn.execute(select(data_keys.c.key_id).where(data_keys.c.key_id.in_(wanted)))
                .scalars()
                .all()
            )
            if not found and conn.execute(select(data_keys.c.key_id).limit(1)).first() is None:
                # rows name data keys and the store holds none: not this database's key
                # store (VARNA_KEYSTORE_URL), rather than everyone erased
                raise FieldCryptoError("the key store holds no data keys: check VARNA_KEYSTORE_URL")
        return found

    # -- shredding ----------------------------------------------------------------------

    def doom(self, owners: Mapping[str, str]) -> None:
        """Mark keys (key id -> owner) for destruction, before the erasure commits: a crash
        between the commit and the destruction leaves them marked for :meth:`sweep`."""
        if not owners:
            return
        now = datetime.now(UTC).replace(tzinfo=None)
        with self._engine().begin() as conn:
            for key_id, owner in owners.items():
                conn.execute(
                    update(data_keys)
                    .where(data_keys.c.key_id == key_id)
                    .values(doomed_at=now, owner=owner)
                )

    def destroy(self, ids: Iterable[str]) -> int:
        wanted = sorted(set(ids))
        self._forget(wanted)
        if not wanted:
            return 0
        with self._engine().begin() as conn:
            result = conn.execute(delete(data_keys).where(data_keys.c.key_id.in_(wanted)))
        return int(result.rowcount)

    def doomed(self) -> dict[str, str | None]:
        with self._engine().connect() as conn:
            rows = conn.execute(
                select(data_keys.c.key_id, data_keys.c.owner).where(
                    data_keys.c.doomed_at.is_not(None)
                )
            )
            return {row.key_id: row.owner for row in rows}

    # -- rotation -----------------------------------------------------------------------

    def rotate(self, *, batch: int = 500) -> int:
        """Wrap every data key under the current KEK (keys wrapped under another are read
        with it meanwhile); returns how many were wrapped again."""
        done = 0
        target = self.ring.current
        kek = self.ring.current_key()
        while True:
            with self._engine().begin() as conn:
                rows = conn.execute(
                    select(data_keys.c.key_id, data_keys.c.kek_id, data_keys.c.wrapped)
                    .where(data_keys.c.kek_id != target)
                    .limit(batch)
                ).all()
                for row in rows:
                    key = self._unwrap(row.key_id, row.kek_id, row.wrapped)
                    conn.execute(
                        update(data_keys)
                        .where(data_keys.c.key_id == row.key_id, data_keys.c.kek_id == row.kek_id)
                        .values(
                            kek_id=target, wrapped=base64.b64encode(aes_key_wrap(kek, key)).decode()
                        )
                    )
            done += len(rows)
            if len(rows) < batch:
                return done

    def status(self) -> KeyStatus:
        with self._engine().connect() as conn:
            per_kek = {
                row.kek_id: int(row.n)
                for row in conn.execute(
                    select(data_keys.c.kek_id, func.count().label("n")).group_by(data_keys.c.kek_id)
                )
            }
            doomed = conn.execute(
                select(func.count()).where(data_keys.c.doomed_at.is_not(None))
            ).scalar_one()
        return KeyStatus(dict(sorted(per_kek.items())), int(doomed), self.ring.current)


def keystore_engine(url: str) -> Engine:
    """An engine of the key store's own: none of the settings of varna's database engines
    (roles, per-connection options) reach it, and no bound value reaches an error text."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return engine


class Sealed(str):
    """An identifier with the data key it is to be encrypted under."""

    key_id: str
    key: bytes

    def __new__(cls, value: str, key_id: str, key: bytes) -> Sealed:
        made = super().__new__(cls, value)
        made.key_id = key_id
        made.key = key
        return made


class FieldCrypto:
    """The codec of :class:`~varna.adapters.db.types.DirectIdentifier` columns of a person
    (``per_subject``), and the blind index of the values looked up by."""

    def __init__(self, keys: KeyStore | None, blind_key: bytes, *, enabled: bool = True) -> None:
        self.keys = keys
        self.blind_key = blind_key
        self.enabled = enabled and keys is not None

    # -- the codec ----------------------------------------------------------------------

    def encode(self, kind: str, value: str) -> str:
        if not self.enabled or value == ERASED_MARKER:
            return str(value)
        if not isinstance(value, Sealed):
            raise FieldCryptoError(
                f"a person's {kind} is written with the person's data key (insert the row, "
                "or use the store's sealing)"
            )
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(value.key).encrypt(nonce, str(value).encode(), _aad(kind, value.key_id))
        text = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}{value.key_id}:{text}"

    def decode(self, kind: str, stored: str) -> str | None:
        if not stored.startswith(PREFIX):
            return stored  # a value written before encryption, or the erasure's marker
        key_id, data = _parts(kind, stored)
        if self.keys is None:
            return None
        key = self.keys.key(key_id)
        if key is None:
            return None  # shredded: the person was erased
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kind, key_id))
        except InvalidTag:
            raise FieldCryptoError(f"a stored {kind} under key {key_id} fails its check") from None
        return plain.decode()

    # -- keys of people -----------------------------------------------------------------

    def mint(self, connection: Connection) -> tuple[str, bytes]:
        """A new data key, stored in the key store when ``connection`` commits (before the
        database's commit: a row never names a key the store does not hold)."""
        key_id = secrets.token_hex(16)
        key = secrets.token_bytes(KEY_BYTES)
        connection.info.setdefault(_NEW_KEYS, []).append((key_id, key, None))
        return key_id, key

    def person_key(self, key_id: str | None) -> bytes | None:
        if key_id is None or self.keys is None:
            return None
        return self.keys.key(key_id)

    def shred_after_commit(self, connection: Connection, owners: Mapping[str, str]) -> None:
        """Mark these keys now; destroy them once ``connection``'s transaction commits."""
        if not owners or self.keys is None:
            return
        self.keys.doom(owners)
        connection.info.setdefault(_SHRED, set()).update(owners)

    # -- the blind index ----------------------------------------------------------------

    def blind_index(self, kind: str, value: str | None) -> str | None:
        if value is None or value == ERASED_MARKER:
            return None
        normal = normal_form(kind, str(value))
        digest = hmac.new(self.blind_key, f"{kind}:{normal}".encode(), hashlib.sha256)
        return digest.hexdigest()[: BLIND_BYTES * 2]


def normal_form(kind: str, value: str) -> str:
    """The form a value is indexed in: e-mail lower-cased, phone in E.164, personnummer in
    12 digits (what varna stores; a value that does not parse is indexed as written)."""
    try:
        if kind == "email":
            return identifiers.email(value)
        if kind == "phone":
            return identifiers.phone(value)
        if kind == "personnummer":
            return identifiers.personnummer(value)
    except InvalidIdentifier:
        pass
    return value.strip()


def _aad(kind: str, key_id: str) -> bytes:
    return f"{VERSION}|{kind}|{key_id}".encode()


def _parts(kind: str, stored: str) -> tuple[str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise FieldCryptoError(f"a stored {kind} is not in the {VERSION} format")
    return parts[1], parts[2]


def key_id_of(stored: Any) -> str | None:
    """The key id a stored value names, or None for a clear value."""
    if isinstance(stored, str) and stored.startswith(PREFIX):
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 else None
    return None


def crypto_of(connection: Connection | Engine | Any) -> FieldCrypto | None:
    dialect = getattr(connection, "dialect", connection)
    found = getattr(dialect, ATTRIBUTE, None)
    return found if isinstance(found, FieldCrypto) else None


def install(engine: Engine, crypto: FieldCrypto) -> None:
    """Attach ``crypto`` to ``engine``: its identifier columns, the key minting of its
    inserts and the key store writes around its commits."""
    setattr(engine.dialect, ATTRIBUTE, crypto)
    event.listen(engine, "commit", _store_new_keys)
    event.listen(engine, "rollback", _drop_pending)


def _store_new_keys(connection: Connection) -> None:
    keys = connection.info.pop(_NEW_KEYS, None)
    crypto = crypto_of(connection)
    if keys and crypto is not None and crypto.keys is not None:
        crypto.keys.add(keys)


def _drop_pending(connection: Connection) -> None:
    connection.info.pop(_NEW_KEYS, None)
    connection.info.pop(_SHRED, None)


def after_commit(connection: Connection) -> int:
    """Destroy the keys an erasure just committed asked to destroy."""
    owners = connection.info.pop(_SHRED, None)
    crypto = crypto_of(connection)
    if not owners or crypto is None or crypto.keys is None:
        return 0
    return crypto.keys.destroy(owners)
