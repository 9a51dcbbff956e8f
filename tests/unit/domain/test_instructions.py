"""The controller's instruction on usage data (A2): its ranges at their limits, and the
cut-offs it gives a sweep."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from varna.domain.retention.instructions import (
    MAX_DAYS,
    MAX_REFERENCE,
    ControllerInstruction,
    InstructionRefused,
    check_instruction,
    cutoffs,
)

AT = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "fields",
    [
        {"usage_days": 1, "action": "delete", "location_days": 1},
        {"usage_days": MAX_DAYS, "action": "anonymise", "location_days": MAX_DAYS},
        {"usage_days": 30, "action": "delete", "after_contract_days": 0},
        {"usage_days": 30, "action": "delete", "after_contract_days": MAX_DAYS},
        {"usage_days": 30, "action": "delete", "reference": "x" * MAX_REFERENCE},
        {"usage_days": 30, "action": "delete", "reference": "  DPA 2026-01 §4  "},
    ],
)
def test_a2_an_instruction_at_the_limits_of_its_ranges_is_taken(fields: dict[str, object]) -> None:
    check_instruction(**{"location_days": None, "reference": None, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"after_contract_days": -1}, "--after-contract-days"),
        ({"after_contract_days": MAX_DAYS + 1}, "--after-contract-days"),
        ({"location_days": 0}, "--location-days"),
        ({"reference": ""}, "--reference"),
        ({"reference": "   "}, "--reference"),
        ({"reference": "x" * (MAX_REFERENCE + 1)}, "--reference"),
        ({"action": "Delete"}, "--action"),
    ],
)
def test_a2_an_instruction_out_of_range_names_its_option(
    fields: dict[str, object], named: str
) -> None:
    base: dict[str, object] = {
        "usage_days": 30,
        "action": "delete",
        "location_days": None,
        "reference": None,
    }
    with pytest.raises(InstructionRefused, match=named):
        check_instruction(**{**base, **fields})  # type: ignore[arg-type]


def test_a2_the_cut_offs_of_an_instruction_with_a_period_after_the_contract() -> None:
    """A2: kept through start + days; with 0 days after the contract, a customer whose
    contracts ended yesterday is due today."""
    instruction = ControllerInstruction(7, 2, 30, "delete", None, "DPA-7", "staff:1", AT, 0)
    found = cutoffs(instruction, date(2026, 3, 1))
    assert found.usage == date(2026, 1, 29)  # 1 March 2026 minus 31 days
    assert found.location is None  # the default rule applies to the cells
    assert found.after_contract == date(2026, 2, 28)
    assert found.action == "delete"


def test_a2_an_instruction_as_recorded_names_who_and_when() -> None:
    instruction = ControllerInstruction(7, 2, 30, "delete", 10, "DPA-7", "staff:1", AT)
    assert instruction.as_dict() == {
        "customer_id": 7,
        "version": 2,
        "usage_days": 30,
        "action": "delete",
        "location_days": 10,
        "reference": "DPA-7",
        "recorded_by": "staff:1",
        "recorded_at": "2026-01-01T09:00:00+00:00",
        "after_contract_days": None,
    }
    assert instruction.as_row()["recorded_at"] == AT
