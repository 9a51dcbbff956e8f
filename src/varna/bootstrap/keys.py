"""The key store of field encryption, for ``varna keys`` (docs/security.md, "Field
encryption and crypto-shredding")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varna.adapters.db.person_key import sweep_doomed
from varna.adapters.db.seal_existing import seal_existing
from varna.adapters.fieldcrypt import FieldCryptoError, KeyStore, decode_kek, kek_id
from varna.bootstrap import Container
from varna.domain.audit import AuditAction, SystemActor
from varna.domain.errors import VarnaError
from varna.services.ports import AuditEvent


class KeysRefused(VarnaError):
    """A key operation was refused; the message names no key."""


@dataclass(frozen=True, slots=True)
class Rotation:
    kek_id: str
    rewrapped: int

    def as_dict(self) -> dict[str, Any]:
        return {"kek_id": self.kek_id, "rewrapped": self.rewrapped}


def _audit(container: Container, action: AuditAction, details: dict[str, Any]) -> None:
    with container.uow() as uow:
        uow.audit.record(
            AuditEvent(actor=SystemActor.CLI, action=action, target=None, details=details),
            at=container.clock.now(),
        )
        uow.commit()


def _store(container: Container) -> KeyStore:
    crypto = container.crypto
    if crypto is None or crypto.keys is None:
        raise KeysRefused("field encryption is not configured")
    return crypto.keys


def status(container: Container) -> dict[str, Any]:
    store = _store(container)
    return {**store.status().as_dict(), "configured_keks": list(store.ring.ids)}


def rotate(container: Container, new_kek_file: Path | None = None) -> Rotation:
    """Wrap every data key under a new KEK: read from ``new_kek_file``, or generated and
    written to VARNA_KEK_FILE. Both KEKs unwrap while it runs; afterwards the new one alone
    is in the KEK file (with VARNA_KEK, set it to the new KEK once this is done)."""
    store = _store(container)
    ring = store.ring
    if new_kek_file is not None:
        lines = [ln for ln in new_kek_file.read_text(encoding="ascii").splitlines() if ln.strip()]
        if not lines:
            raise KeysRefused("--new-kek-file holds no key")
        try:
            new = decode_kek(lines[0])
        except FieldCryptoError as exc:
            raise KeysRefused(f"--new-kek-file: {exc}") from None
    elif ring.path is not None:
        new = secrets.token_bytes(32)
    else:
        raise KeysRefused("give --new-kek-file, or configure VARNA_KEK_FILE for a generated KEK")
    ring.begin_rotation(new)
    rewrapped = store.rotate()
    ring.end_rotation()
    done = Rotation(kek_id(new), rewrapped)
    _audit(container, AuditAction.KEYS_ROTATED, done.as_dict())
    return done


def shred(container: Container) -> int:
    """Finish the destruction of data keys that an erasure asked for."""
    _store(container)
    destroyed = sweep_doomed(container.engine)
    _audit(container, AuditAction.KEYS_SHREDDED, {"destroyed": destroyed})
    return destroyed


def encrypt_existing(container: Container) -> int:
    _store(container)
    sealed = seal_existing(container.engine)
    _audit(container, AuditAction.KEYS_SEALED, {"people": sealed})
    return sealed
