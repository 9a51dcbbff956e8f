"""The controller's instruction on usage data (A2, R-RET-04, R-RET-05, GDPR Art. 28(3)(a)).

As processor, varna keeps a customer's usage (traffic and location) records as long as that
customer, the controller, instructs: a period in days after each record started, and whether
the records are then deleted or anonymised into daily totals. Optionally a shorter period for
the cell-level columns (cell id, LAC/TAC). A customer without an instruction falls back to
the default rule set (the LEK traffic rules, a switchable pack, on by default). And how long
the customer's processor data (SIMs, end-user references, devices, usage) stays after every
contract of the customer has ended (Art. 28(3)(g)); without it, the catalogue's processor rule.

Instructions are versioned like a DPA record: a new instruction is a new version with who
recorded it and when; the latest version is the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from varna.domain.errors import VarnaError

ACTIONS = ("delete", "anonymise")
MAX_DAYS = 3_653  # ten years: the longest varna keeps anything (limitation.b2b)
MAX_REFERENCE = 120


class InstructionRefused(VarnaError):
    """An instruction is incomplete or out of range; the message names the field."""


@dataclass(frozen=True, slots=True)
class ControllerInstruction:
    customer_id: int
    version: int
    usage_days: int
    action: str  # delete | anonymise
    location_days: int | None
    reference: str | None
    recorded_by: str
    recorded_at: datetime
    after_contract_days: int | None = None

    def as_row(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    def as_dict(self) -> dict[str, object]:
        return self.as_row() | {"recorded_at": self.recorded_at.isoformat()}


@dataclass(frozen=True, slots=True)
class InstructionCutoffs:
    """Usage whose record started on or before ``usage`` is due (``action``); cell-level
    columns of records started on or before ``location`` are emptied (None: the default)."""

    usage: date
    action: str
    location: date | None
    after_contract: date | None = None  # customers whose contracts ended on or before it


def check_instruction(
    *,
    usage_days: int,
    action: str,
    location_days: int | None,
    reference: str | None,
    after_contract_days: int | None = None,
) -> None:
    if not 1 <= usage_days <= MAX_DAYS:
        raise InstructionRefused(f"--usage-days must be between 1 and {MAX_DAYS}")
    if action not in ACTIONS:
        raise InstructionRefused(f"--action must be one of {', '.join(ACTIONS)}")
    if location_days is not None and not 1 <= location_days <= usage_days:
        raise InstructionRefused(
            "--location-days must be at least 1 and at most --usage-days "
            "(cell-level data cannot outlive its record)"
        )
    if after_contract_days is not None and not 0 <= after_contract_days <= MAX_DAYS:
        raise InstructionRefused(f"--after-contract-days must be between 0 and {MAX_DAYS}")
    if reference is not None and not 1 <= len(reference.strip()) <= MAX_REFERENCE:
        raise InstructionRefused(f"--reference must be 1 to {MAX_REFERENCE} characters")


def last_due_day(days: int, as_of: date) -> date:
    """Records kept ``days`` days after the day they started: started on or before the
    returned day, they are due on ``as_of`` (kept through start + days, gone the day after)."""
    return as_of - timedelta(days=days + 1)


def cutoffs(instruction: ControllerInstruction, as_of: date) -> InstructionCutoffs:
    location, after = instruction.location_days, instruction.after_contract_days
    return InstructionCutoffs(
        usage=last_due_day(instruction.usage_days, as_of),
        action=instruction.action,
        location=None if location is None else last_due_day(location, as_of),
        after_contract=None if after is None else last_due_day(after, as_of),
    )
