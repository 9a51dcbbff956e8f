"""Reading the evidence vault (R6, R-RET-08): only the privacy-officer role, and every read,
allowed or refused, is recorded in the vault's read log and the audit log, in the same
transaction as the read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.domain.retention.vault import VaultAccessRefused, may_read_vault
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent
from varna.services.retention.ports import RetentionUnitOfWork, VaultEntry


class UnknownVaultEntry(VarnaError, LookupError):
    pass


def read_vault_entry(
    ctx: ServiceContext[RetentionUnitOfWork], entry_id: int, *, actor: str, role: str
) -> Mapping[str, Any]:
    """The moved rows of one entry; raises VaultAccessRefused (after recording the refusal)
    for any role but the privacy officer's."""
    now = ctx.clock.now()
    allowed = may_read_vault(role)
    with ctx.uow() as uow:
        payload = uow.retention.vault_payload(entry_id) if allowed else None
        if allowed and payload is None:
            raise UnknownVaultEntry(f"no evidence vault entry {entry_id}")
        uow.retention.log_vault_read(entry_id, actor=actor, role=role, allowed=allowed, at=now)
        action = (
            AuditAction.RETENTION_VAULT_READ
            if allowed
            else AuditAction.RETENTION_VAULT_READ_REFUSED
        )
        uow.audit.record(
            AuditEvent(actor, action, f"evidence_vault:{entry_id}", {"role": role}), at=now
        )
        uow.commit()
    if not allowed:
        raise VaultAccessRefused(
            f"evidence vault entry {entry_id} is readable only by the privacy officer role; "
            "the attempt was recorded"
        )
    assert payload is not None
    return payload


def list_vault(uow: RetentionUnitOfWork, *, limit: int = 50) -> list[VaultEntry]:
    """What the vault holds (tables, row counts, end dates), never the content."""
    with uow:
        return uow.retention.vault_entries(limit)
