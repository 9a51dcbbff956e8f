"""Privacy-center links asked for by e-mail: the hashed tokens and the rate-limit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from varna.adapters.db.tables import privacy_center_link_asks, privacy_center_links


class SqlCenterLinkStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def log_ask(self, key_hmac: str, at: datetime) -> None:
        self._connection.execute(insert(privacy_center_link_asks).values(key_hmac=key_hmac, at=at))

    def asks_since(self, key_hmac: str, since: datetime) -> int:
        a = privacy_center_link_asks.c
        query = select(func.count()).where(a.key_hmac == key_hmac, a.at >= since)
        return int(self._connection.execute(query).scalar_one())

    def add(self, token_hash: str, person_id: int, *, at: datetime, expires_at: datetime) -> None:
        self._connection.execute(
            insert(privacy_center_links).values(
                token_hash=token_hash, person_id=person_id, created_at=at, expires_at=expires_at
            )
        )

    def person_of(self, token_hash: str, *, at: datetime) -> int | None:
        t = privacy_center_links.c
        found = self._connection.execute(
            select(t.person_id).where(t.token_hash == token_hash, t.expires_at > at)
        ).scalar_one_or_none()
        return int(found) if found is not None else None
