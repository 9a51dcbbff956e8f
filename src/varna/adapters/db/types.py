"""Column types shared by every table.

:class:`DirectIdentifier` is the one code path through which every direct identifier
(name, e-mail, phone, address, personnummer) is written and read. Field encryption and a
keyed blind index plug in here, through :func:`set_field_codec`, without touching services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, String, TypeDecorator
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine


class FieldCodec(Protocol):
    """Turns a direct identifier into what is stored, and back."""

    def encode(self, kind: str, value: str) -> str: ...

    def decode(self, kind: str, stored: str) -> str: ...


class PlainCodec:
    """Stores values as they are (the codec until field encryption is switched on)."""

    def encode(self, kind: str, value: str) -> str:
        return value

    def decode(self, kind: str, stored: str) -> str:
        return stored


_codec: FieldCodec = PlainCodec()


def set_field_codec(codec: FieldCodec) -> None:
    """Install the codec used by every :class:`DirectIdentifier` column."""
    global _codec
    _codec = codec


# The attribute of an engine's dialect that holds its field encryption
# (varna.adapters.fieldcrypt.install): each engine has its own key store.
SUBJECT_CODEC = "varna_field_crypto"


class SubjectCodec(Protocol):
    """Encrypts a person's identifier under the person's data key; decodes to None when the
    key has been destroyed (the person was erased)."""

    def encode(self, kind: str, value: str) -> str: ...

    def decode(self, kind: str, stored: str) -> str | None: ...


class DirectIdentifier(TypeDecorator[str]):
    """A direct identifier of a person; ``kind`` is one of name, email, phone, address,
    personnummer. ``per_subject``: encrypted under the person's own data key by the engine's
    field encryption (the columns of ``people``, docs/security.md)."""

    impl = String
    cache_ok = True

    KINDS = frozenset({"name", "email", "phone", "address", "personnummer"})

    def __init__(self, kind: str, length: int = 320, *, per_subject: bool = False) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown direct identifier kind {kind!r}")
        super().__init__(length)
        self.kind = kind
        self.per_subject = per_subject

    def _subject_codec(self, dialect: Dialect) -> SubjectCodec | None:
        if not self.per_subject:
            return None
        codec: SubjectCodec | None = getattr(dialect, SUBJECT_CODEC, None)
        return codec

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        codec = self._subject_codec(dialect)
        return (codec or _codec).encode(self.kind, value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        codec = self._subject_codec(dialect)
        return (codec or _codec).decode(self.kind, str(value))


SQLITE_TIMESTAMP = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both stores. SQLite keeps naive UTC text to the
    second (``YYYY-MM-DD HH:MM:SS``), the form the bulk loaders write, so that stored and
    bound values compare as text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME(storage_format=SQLITE_TIMESTAMP))  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; varna stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None, microsecond=0) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT on PostgreSQL; INTEGER on SQLite so that the column aliases the rowid.
BigId = BigInteger().with_variant(Integer, "sqlite")
