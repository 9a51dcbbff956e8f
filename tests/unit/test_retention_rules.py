"""Retention rules as plain Python, no database (R1, R2, R3, R4, R5, R6, A2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from varna.catalog import load_catalog
from varna.config import Settings
from varna.domain.retention.anonymity import InvalidK, kept_groups
from varna.domain.retention.clocks import is_due, last_due_start
from varna.domain.retention.holds import HoldScope, split
from varna.domain.retention.instructions import (
    ControllerInstruction,
    InstructionRefused,
    check_instruction,
    last_due_day,
)
from varna.domain.retention.instructions import cutoffs as instruction_cutoffs
from varna.domain.retention.interest import (
    DecisionRefused,
    InterestDecision,
    check_decision,
    keeping_decision,
)
from varna.domain.retention.targets import (
    Action,
    TargetKind,
    consent_purpose,
    person_role_rules,
    subject_targets,
    sweep_targets,
)
from varna.domain.retention.vault import PRIVACY_OFFICER, may_read_vault, vault_end_date

CATALOG = load_catalog()


def test_R2_contract_terminated_2025_01_15_is_due_on_2026_01_16() -> None:
    rule = CATALOG.effective_retention("post_contract")
    assert not is_due(rule, date(2025, 1, 15), date(2026, 1, 15))
    assert is_due(rule, date(2025, 1, 15), date(2026, 1, 16))
    assert last_due_start(rule, date(2026, 1, 16)) == date(2025, 1, 15)


def test_R4_fiscal_year_2025_kept_through_2032_12_31() -> None:
    rule = CATALOG.effective_retention("bookkeeping")
    assert rule.due(date(2025, 12, 31)) == date(2032, 12, 31)
    assert rule.due(date(2025, 9, 1)) == date(2032, 12, 31)  # made in the calendar year 2025
    assert last_due_start(rule, date(2032, 12, 31)) == date(2024, 12, 31)
    assert last_due_start(rule, date(2033, 1, 1)) == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("made", "kept_through"),
    [
        (date(2025, 9, 1), date(2033, 12, 31)),  # fiscal year 2025-07-01..2026-06-30
        (date(2026, 6, 30), date(2033, 12, 31)),  # its last day
        (date(2025, 6, 30), date(2032, 12, 31)),  # the fiscal year before, ended 2025-06-30
        (date(2026, 7, 1), date(2034, 12, 31)),  # the next, ends 2027-06-30
    ],
)
def test_R4_broken_fiscal_year_counts_from_the_calendar_year_it_ends_in(
    made: date, kept_through: date
) -> None:
    """R4 (bokföringslagen 7 kap. 2 §): kept until the end of the seventh calendar year after
    the one in which the fiscal year the record was made in ended; a fiscal year 1 July to
    30 June keeps a record of 2025-09-01 through 2033-12-31, not 2032-12-31."""
    rule = CATALOG.with_fiscal_year_end(6).effective_retention("bookkeeping")
    assert rule.due(made) == kept_through
    assert is_due(rule, made, kept_through + timedelta(days=1))
    assert not is_due(rule, made, kept_through)


def test_R4_the_sweep_cut_off_follows_the_fiscal_year_end() -> None:
    """R4: on 2034-01-01, records made through 2026-06-30 are due (fiscal year ending June);
    with the calendar fiscal year, through 2026-12-31."""
    june = CATALOG.with_fiscal_year_end(6).effective_retention("bookkeeping")
    assert last_due_start(june, date(2034, 1, 1)) == date(2026, 6, 30)
    assert last_due_start(june, date(2033, 12, 31)) == date(2025, 6, 30)
    calendar_year = CATALOG.effective_retention("bookkeeping")
    assert last_due_start(calendar_year, date(2034, 1, 1)) == date(2026, 12, 31)
    other = CATALOG.with_fiscal_year_end(6).effective_retention("post_contract")
    assert other == CATALOG.effective_retention("post_contract")  # other clocks unchanged


@pytest.mark.parametrize("value", ["06-31", "6-15", "13-31", "june", "02-27", ""])
def test_R4_fiscal_year_end_setting_must_be_a_month_end(value: str) -> None:
    """R4: a fiscal year is twelve whole months; the setting names the field when refused."""
    with pytest.raises(ValidationError, match="VARNA_FISCAL_YEAR_END"):
        Settings(fiscal_year_end=value, demo=True)  # type: ignore[call-arg]


def test_R4_fiscal_year_end_setting_default_and_month() -> None:
    assert Settings(demo=True).fiscal_year_end_month == 12  # type: ignore[call-arg]
    june = Settings(fiscal_year_end="06-30", demo=True)  # type: ignore[call-arg]
    assert june.fiscal_year_end_month == 6
    assert Settings(fiscal_year_end="02-29", demo=True).fiscal_year_end == "02-29"  # type: ignore[call-arg]


def test_R5_ticket_rule_counts_months_after_closure() -> None:
    rule = CATALOG.effective_retention("support_ticket")
    assert last_due_start(rule, date(2027, 3, 2)) == date(2025, 3, 1)
    assert last_due_start(rule, date(2027, 3, 1)) == date(2025, 2, 28)


def test_R1_keep_rule_never_falls_due() -> None:
    assert (
        last_due_start(CATALOG.effective_retention("marketing_suppression"), date(2099, 1, 1))
        is None
    )


def test_R1_targets_cover_people_rows_usage_cells_and_the_vault() -> None:
    targets = {t.key: t for t in sweep_targets(CATALOG)}
    assert targets["people"].kind is TargetKind.SUBJECTS
    assert targets["invoices"].children == (
        ("invoice_lines", "invoice_id"),
        ("payments", "invoice_id"),
    )
    assert targets["support_tickets"].children == (("ticket_messages", "ticket_id"),)
    assert targets["usage_records"].action is Action.ANONYMISE
    assert targets["usage_records.cell_level"].columns == ("cell_id", "lac_tac")
    assert targets["legal_holds"].clock_column == "released_at"  # a hold in force never goes
    assert {targets[k].kind for k in ("sims", "sim_end_users", "devices")} == {TargetKind.PROCESSOR}
    assert targets["organisations.after_contract"].columns == ("address", "privacy_contact_email")
    assert targets["consent_events"].rule.id == "consent_proof"
    deleting = {t.key: t for t in sweep_targets(CATALOG, usage_totals=False)}
    assert deleting["usage_records"].action is Action.DELETE


def test_R1_R4_a_target_whose_clock_reads_a_table_runs_before_the_one_that_deletes_it() -> None:
    """R1, R4: usage (its clock: the invoices' settlement; its customer: the SIM) before the
    invoices and the SIMs; end-user references and devices before the SIMs; people first."""
    order = [t.key for t in sweep_targets(CATALOG)]
    assert order.index("usage_records") < order.index("invoices")
    assert order.index("usage_records.cell_level") < order.index("sims")
    assert order.index("sim_end_users") < order.index("sims")
    assert order.index("devices") < order.index("sims")
    assert order.index("payments.after_contract") < order.index("invoices")
    assert order.index("consent_events") > order.index("people.newsletter")
    assert order[0] == "people"


def test_R2_hold_past_review_lapses() -> None:
    hold = HoldScope(1, "legal_hold", date(2026, 1, 10), "person", 7, None, None)
    assert split([hold], date(2026, 1, 10)) == ([hold], [])
    assert split([hold], date(2026, 1, 11)) == ([], [hold])


def test_R3_decision_needs_reason_and_end_date_within_the_limit() -> None:
    ok = "Security: investigating a series of fraudulent sign-ups"
    with pytest.raises(DecisionRefused, match="end date"):
        check_decision(
            CATALOG, category="ip_address", reason=ok, end_date=None, decided_on=date(2026, 1, 1)
        )
    with pytest.raises(DecisionRefused, match="reason"):
        check_decision(
            CATALOG,
            category="ip_address",
            reason="fraud",
            end_date=date(2027, 1, 1),
            decided_on=date(2026, 1, 1),
        )
    with pytest.raises(DecisionRefused, match="at most"):
        check_decision(
            CATALOG,
            category="ip_address",
            reason=ok,
            end_date=date(2037, 1, 1),
            decided_on=date(2026, 1, 1),
        )
    decision = InterestDecision(1, "ip_address", ok, date(2027, 1, 1), date(2026, 1, 1))
    assert keeping_decision(["ip_address"], [decision], date(2026, 6, 1)) == decision
    assert keeping_decision(["ip_address"], [decision], date(2027, 1, 2)) is None
    assert keeping_decision(["email"], [decision], date(2026, 6, 1)) is None


def test_R6_vault_end_date_at_most_ten_years_and_read_by_privacy_officer_only() -> None:
    assert vault_end_date(date(2026, 1, 16)) == date(2036, 1, 16)
    assert vault_end_date(date(2026, 1, 16), date(2040, 1, 1)) == date(2036, 1, 16)
    assert vault_end_date(date(2026, 1, 16), date(2028, 1, 1)) == date(2028, 1, 1)
    assert may_read_vault(PRIVACY_OFFICER) and not may_read_vault("support")


def test_P6_groups_smaller_than_k_are_suppressed() -> None:
    kept, suppressed = kept_groups([("SE", 6), ("DK", 1), ("NO", 5)], 5)
    assert kept == ["SE", "NO"] and suppressed == 1
    with pytest.raises(InvalidK):
        kept_groups([], 1)


def test_R1_every_person_role_gets_a_target_on_its_own_rule() -> None:
    targets = {t.key: t for t in subject_targets(CATALOG)}
    assert list(targets) == [
        "people",
        "people.lead_no_order",
        "people.newsletter",
        "people.web_visit",
    ]
    assert targets["people"].roles == ("customer_contact", "supplier_contact", "partner_contact")
    assert targets["people.newsletter"].roles == ("newsletter_subscriber",)
    assert consent_purpose(CATALOG, targets["people.newsletter"].rule) == "newsletter"
    newsletter = person_role_rules(CATALOG)["newsletter_subscriber"]
    assert not is_due(newsletter, date(2026, 2, 3), date(2026, 2, 3))  # withdrawn that day
    assert is_due(newsletter, date(2026, 2, 3), date(2026, 2, 4))


def test_A2_an_instruction_of_10_days_keeps_a_record_through_the_tenth_day() -> None:
    instruction = ControllerInstruction(
        7, 1, 10, "anonymise", 3, None, "staff:1", datetime(2026, 1, 1, tzinfo=UTC)
    )
    found = instruction_cutoffs(instruction, date(2026, 1, 16))
    assert (found.usage, found.action, found.location) == (
        date(2026, 1, 5),  # started on or before 2026-01-05: gone on 2026-01-16
        "anonymise",
        date(2026, 1, 12),
    )
    assert last_due_day(10, date(2026, 1, 15)) == date(2026, 1, 4)


@pytest.mark.parametrize(
    ("days", "action", "location", "field"),
    [
        (0, "delete", None, "--usage-days"),
        (3654, "delete", None, "--usage-days"),
        (30, "archive", None, "--action"),
        (30, "delete", 31, "--location-days"),
    ],
)
def test_A2_an_instruction_out_of_range_is_refused_naming_the_field(
    days: int, action: str, location: int | None, field: str
) -> None:
    with pytest.raises(InstructionRefused, match=field):
        check_instruction(usage_days=days, action=action, location_days=location, reference=None)
