"""Direct identifiers travel through one code path, where encryption plugs in later."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select, text

from tests.factories import NOW
from varna.adapters.db.tables import people
from varna.adapters.db.types import PlainCodec, set_field_codec
from varna.bootstrap import Container


class TaggingCodec:
    """A reversible stand-in for field encryption: marks what it stores."""

    def encode(self, kind: str, value: str) -> str:
        return f"{kind}:{value[::-1]}"

    def decode(self, kind: str, stored: str) -> str:
        prefix = f"{kind}:"
        assert stored.startswith(prefix), "a value was stored without the codec"
        return stored[len(prefix) :][::-1]


@pytest.fixture
def tagging_codec() -> Iterator[None]:
    set_field_codec(TaggingCodec())
    try:
        yield
    finally:
        set_field_codec(PlainCodec())


def test_every_direct_identifier_is_written_and_read_through_the_codec(
    container: Container, tagging_codec: None
) -> None:
    person = {
        "full_name": "Britt Exempelsson",
        "email": "britt@example.com",
        "phone": "+46701740601",
        "address": "Testvägen 1, 123 45 Exempelby",
        "personnummer": "198112289874",
        "source": "test",
        "created_at": NOW,
    }
    with container.engine.begin() as conn:
        conn.execute(insert(people).values(**person))
    with container.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT full_name, email, phone, address, personnummer FROM people")
        ).one()
        read = conn.execute(
            select(
                people.c.full_name,
                people.c.email,
                people.c.phone,
                people.c.address,
                people.c.personnummer,
            )
        ).one()
        found = conn.execute(
            select(people.c.id).where(people.c.email == "britt@example.com")
        ).scalar_one_or_none()

    assert stored.email == "email:moc.elpmaxe@ttirb"
    assert stored.personnummer.startswith("personnummer:")
    assert tuple(read) == (
        person["full_name"],
        person["email"],
        person["phone"],
        person["address"],
        person["personnummer"],
    )
    assert found is not None  # lookups go through the same path as writes
