"""The evidence vault (R6, R-RET-08): one store, readable only by the privacy-officer role,
every read recorded, and an end date of its own at most the limitation period."""

from __future__ import annotations

from datetime import date

from varna.catalog.model import Period, PeriodUnit
from varna.domain.errors import VarnaError

PRIVACY_OFFICER = "privacy_officer"
LIMITATION = Period(10, PeriodUnit.YEARS)  # Preskriptionslag (1981:130) 2 §, B2B claims


class VaultAccessRefused(VarnaError):
    """Only the privacy-officer role reads the evidence vault; the refusal is recorded."""


def vault_end_date(moved_on: date, requested: date | None = None) -> date:
    """When a vault entry is deleted: the requested day, at most the limitation period."""
    limit = LIMITATION.after(moved_on)
    return limit if requested is None else min(requested, limit)


def may_read_vault(role: str) -> bool:
    return role == PRIVACY_OFFICER
