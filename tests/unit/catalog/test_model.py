"""The catalogue's types without YAML: periods, the clocks of rules, fiscal years, lookups
that name what is unknown, and the rule in force while a pack is off (R1, R4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.catalog.small import small_catalogue, write
from varna.catalog import Catalog, Period, UnknownCatalogEntry, load_catalog
from varna.catalog.model import Label, PeriodUnit, fiscal_year_end


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(write(tmp_path_factory.mktemp("catalogue"), small_catalogue()))


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(0, PeriodUnit.DAYS), date(2026, 3, 1), date(2026, 3, 1)),
        (Period(1, PeriodUnit.DAYS), date(2028, 2, 28), date(2028, 2, 29)),
        (Period(1, PeriodUnit.MONTHS), date(2026, 12, 31), date(2027, 1, 31)),
        (Period(13, PeriodUnit.MONTHS), date(2027, 1, 31), date(2028, 2, 29)),
        (Period(7, PeriodUnit.YEARS), date(2028, 2, 29), date(2035, 2, 28)),
        (Period(4, PeriodUnit.YEARS), date(2028, 2, 29), date(2032, 2, 29)),
    ],
)
def test_r1_a_period_ends_on_the_same_day_or_the_month_end(
    period: Period, start: date, end: date
) -> None:
    assert period.after(start) == end


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    years=st.integers(min_value=0, max_value=20),
)
def test_r1_years_are_twelve_months(start: date, years: int) -> None:
    assert Period(years, PeriodUnit.YEARS).after(start) == Period(
        12 * years, PeriodUnit.MONTHS
    ).after(start)


@pytest.mark.parametrize(
    ("day", "end_month", "end"),
    [
        (date(2027, 3, 1), 2, date(2028, 2, 29)),
        (date(2026, 3, 1), 2, date(2027, 2, 28)),
        (date(2026, 2, 28), 2, date(2026, 2, 28)),
        (date(2026, 4, 30), 4, date(2026, 4, 30)),
        (date(2026, 5, 1), 4, date(2027, 4, 30)),
        (date(2026, 1, 1), 12, date(2026, 12, 31)),
    ],
)
def test_r4_the_fiscal_year_a_day_falls_in_ends_on_the_month_end(
    day: date, end_month: int, end: date
) -> None:
    assert fiscal_year_end(day, end_month) == end


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    end_month=st.integers(min_value=1, max_value=12),
)
def test_r4_a_fiscal_year_is_twelve_whole_months_around_the_day(day: date, end_month: int) -> None:
    end = fiscal_year_end(day, end_month)
    assert day <= end and end.month == end_month
    assert (end.year * 12 + end.month) - (day.year * 12 + day.month) < 12


def test_r1_a_lookup_of_an_unknown_id_names_the_kind_and_the_id(catalog: Catalog) -> None:
    lookups = {
        "category": catalog.category,
        "subject type": catalog.subject,
        "purpose": catalog.purpose,
        "recipient": catalog.recipient,
        "retention rule": catalog.retention_rule,
        "table": catalog.table,
    }
    for kind, lookup in lookups.items():
        with pytest.raises(UnknownCatalogEntry, match=f"unknown {kind} 'nope'") as unknown:
            lookup("nope")
        assert isinstance(unknown.value, LookupError)
        assert (unknown.value.kind, unknown.value.entry_id) == (kind, "nope")


def test_a1_the_catalogue_answers_by_category_consent_and_role(catalog: Catalog) -> None:
    assert [c.column for c in catalog.columns_of_category("sim_identifier")] == ["iccid"]
    with pytest.raises(UnknownCatalogEntry):
        catalog.columns_of_category("health")
    assert [p.id for p in catalog.consent_purposes()] == ["newsletter"]
    assert catalog.recipients_outside_eea() == () and catalog.sub_processors() == ()
    assert [(t, c) for t, c, _ in catalog.personal_columns()] == [
        ("people", "email"),
        ("sims", "iccid"),
    ]
    assert catalog.table("people").columns == ("email", "id", "organisation_id")


def test_r1_a_column_names_its_rule_per_subject(catalog: Catalog) -> None:
    email = catalog.table("people").personal["email"]
    assert email.retention_for("customer_contact") == "post_contract"
    assert email.retention_rules == ("post_contract",)
    with pytest.raises(UnknownCatalogEntry, match="subject of people.email 'end_user'"):
        email.retention_for("end_user")


def test_r1_a_chain_of_otherwise_rules_is_followed_while_packs_are_off(catalog: Catalog) -> None:
    """R1: a rule of a switched-off pack falls back to its otherwise rule, and so on."""
    middle = replace(
        catalog.retention_rule("short_traffic"),
        id="middle",
        pack="other",
        otherwise="post_contract",
    )
    first = replace(catalog.retention_rule("short_traffic"), otherwise="middle")
    rules = {**catalog.retention_rules, "middle": middle, "short_traffic": first}
    both_off = replace(
        catalog,
        retention_rules=MappingProxyType(rules),
        packs=MappingProxyType({"traffic": False, "other": False}),
    )
    assert both_off.effective_retention("short_traffic").id == "post_contract"
    one_on = replace(both_off, packs=MappingProxyType({"traffic": False, "other": True}))
    assert one_on.effective_retention("short_traffic").id == "middle"


def test_a_label_falls_back_to_english_for_another_language() -> None:
    label = Label(sv="E-post", en="E-mail")
    assert (label("sv"), label("en"), label("de")) == ("E-post", "E-mail", "E-mail")
