"""What the token service needs from a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from varna.services.ports import UnitOfWork
from varna.services.requests.ports import RequestStore


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token as stored: never the token itself, and its hash is not read back."""

    id: int
    name: str
    role: str
    controller_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenStore(Protocol):
    def add(
        self,
        *,
        name: str,
        role: str,
        controller_id: int | None,
        token_hash: str,
        at: datetime,
        expires_at: datetime | None,
    ) -> int: ...

    def by_hash(self, token_hash: str) -> ApiToken | None: ...

    def get(self, token_id: int) -> ApiToken | None: ...

    def listing(self) -> list[ApiToken]: ...

    def revoke(self, token_id: int, at: datetime) -> None: ...

    def used(self, token_id: int, at: datetime) -> None: ...

    def controller_exists(self, controller_id: int) -> bool: ...


class TokenUnitOfWork(UnitOfWork, Protocol):
    tokens: TokenStore
    requests: RequestStore  # the intake log: keyed hashes that count wrong tokens per client
