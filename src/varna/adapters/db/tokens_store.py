"""API tokens (``api_tokens``): only keyed hashes of the tokens, never the tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from varna.adapters.db.tables import api_tokens, organisations
from varna.services.access.ports import ApiToken

# Every column but the hash: a listing never reads it back.
_SHOWN = (
    api_tokens.c.id,
    api_tokens.c.label,
    api_tokens.c.role,
    api_tokens.c.controller_id,
    api_tokens.c.created_at,
    api_tokens.c.expires_at,
    api_tokens.c.revoked_at,
    api_tokens.c.last_used_at,
)


def _token(row: Any) -> ApiToken:
    return ApiToken(
        int(row.id),
        row.label,
        row.role,
        None if row.controller_id is None else int(row.controller_id),
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )


class SqlTokenStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        *,
        name: str,
        role: str,
        controller_id: int | None,
        token_hash: str,
        at: datetime,
        expires_at: datetime | None,
    ) -> int:
        key = self._connection.execute(
            insert(api_tokens).values(
                label=name,
                role=role,
                controller_id=controller_id,
                token_hash=token_hash,
                created_at=at,
                expires_at=expires_at,
            )
        ).inserted_primary_key
        assert key is not None
        return int(key[0])

    def by_hash(self, token_hash: str) -> ApiToken | None:
        row = self._connection.execute(
            select(*_SHOWN).where(api_tokens.c.token_hash == token_hash)
        ).first()
        return None if row is None else _token(row)

    def get(self, token_id: int) -> ApiToken | None:
        row = self._connection.execute(select(*_SHOWN).where(api_tokens.c.id == token_id)).first()
        return None if row is None else _token(row)

    def listing(self) -> list[ApiToken]:
        rows = self._connection.execute(select(*_SHOWN).order_by(api_tokens.c.id)).all()
        return [_token(row) for row in rows]

    def revoke(self, token_id: int, at: datetime) -> None:
        self._connection.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=at)
        )

    def used(self, token_id: int, at: datetime) -> None:
        self._connection.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at)
        )

    def controller_exists(self, controller_id: int) -> bool:
        found = self._connection.execute(
            select(organisations.c.id).where(
                organisations.c.id == controller_id, organisations.c.kind == "customer"
            )
        ).first()
        return found is not None
