"""The catalogue: lookups, retention clocks, and checks that refuse a bad declaration with
the path of the bad entry (promises C2, P4, R1, A1, C5, C6, P1, P7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from varna.bootstrap import build
from varna.catalog import (
    Catalog,
    CatalogEntryError,
    LegalBasis,
    Period,
    RecipientKind,
    Role,
    TransferSafeguard,
    UnknownCatalogEntry,
    load_catalog,
    parse_catalog,
)
from varna.catalog.model import PeriodUnit
from varna.config import Settings
from varna.domain.errors import CatalogError

TEST_SECRET = "test-secret-key-not-for-production-0123456789"
Data = dict[str, Any]


def default_data() -> Data:
    """The default catalogue as plain data (JSON round trip: YAML aliases become copies)."""
    text = resources.files("varna.catalog").joinpath("default.yaml").read_text(encoding="utf-8")
    data: Data = json.loads(json.dumps(yaml.safe_load(text)))
    return data


def write(tmp_path: Path, data: Data) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# -- the default catalogue ---------------------------------------------------------------------


def test_default_catalogue_names_the_controller_and_imy(catalog: Catalog) -> None:
    assert catalog.controller.name == "Exempelbolaget IoT AB"
    assert catalog.controller.email.endswith("@example.com")
    assert catalog.supervisory_authority.short_name == "IMY"
    assert catalog.supervisory_authority.name == "Integritetsskyddsmyndigheten"
    assert "104 20 Stockholm" in catalog.supervisory_authority.address


def test_lookups_return_entries_and_refuse_unknown_ids(catalog: Catalog) -> None:
    assert catalog.category("email").label.sv == "E-postadresser"
    assert catalog.category("email").direct_identifier
    assert catalog.purpose("contract").legal_basis is LegalBasis.CONTRACT
    assert catalog.retention_rule("post_contract").period == Period(365, PeriodUnit.DAYS)
    assert catalog.table("people").personal["email"].category == "email"
    assert catalog.subject("device_end_user").role is Role.PROCESSOR
    with pytest.raises(UnknownCatalogEntry, match="unknown category 'contct'") as caught:
        catalog.category("contct")
    assert isinstance(caught.value, CatalogError) and isinstance(caught.value, LookupError)
    with pytest.raises(UnknownCatalogEntry):
        catalog.table("no_such_table")


def test_personal_columns_and_columns_of_category(catalog: Catalog) -> None:
    triples = {(table, column) for table, column, _ in catalog.personal_columns()}
    assert {("people", "email"), ("sims", "iccid"), ("ticket_messages", "body")} <= triples
    emails = {(e.table, e.column) for e in catalog.columns_of_category("email")}
    assert emails == {
        ("people", "email"),
        ("organisations", "privacy_contact_email"),
        ("subject_requests", "email"),
        ("mail_outbox", "recipient"),
    }
    with pytest.raises(UnknownCatalogEntry):
        catalog.columns_of_category("contct")


def test_retention_can_differ_by_subject_type(catalog: Catalog) -> None:
    """R1: a person's e-mail is kept by the rule of each role they have."""
    email = catalog.table("people").personal["email"]
    assert email.retention_for("customer_contact") == "post_contract"
    assert email.retention_for("lead") == "lead_no_order"
    assert email.retention_for("newsletter_subscriber") == "newsletter"
    assert email.retention_for("web_visitor") == "web_visit"
    assert set(email.retention_rules) == {
        "post_contract",
        "lead_no_order",
        "newsletter",
        "web_visit",
    }


def test_consent_purposes_are_those_of_the_policy(catalog: Catalog) -> None:
    """C5: statistics, traffic analysis, direct marketing, surveys and newsletters need consent;
    contract, misuse prevention and bookkeeping rest on their own bases."""
    consent = {p.id for p in catalog.consent_purposes()}
    assert consent == {
        "statistics",
        "traffic_analysis",
        "direct_marketing",
        "customer_surveys",
        "newsletter",
    }
    assert catalog.purpose("fraud_prevention").legal_basis is LegalBasis.LEGITIMATE_INTERESTS
    assert catalog.purpose("fraud_prevention").lia
    assert catalog.purpose("bookkeeping").legal_basis is LegalBasis.LEGAL_OBLIGATION
    iot = catalog.purpose("iot_service")
    assert iot.role is Role.PROCESSOR and "28(3)(a)" in iot.article
    for purpose in catalog.purposes.values():
        assert purpose.label.sv and purpose.label.en and purpose.description.sv


def test_recipients_outside_the_eea_all_have_a_safeguard(catalog: Catalog) -> None:
    """C6, P7, R-TRF-01: every transfer outside the EU/EEA names its transfer tool."""
    outside = catalog.recipients_outside_eea()
    assert {r.id for r in outside} == {"email_delivery", "support_desk"}
    assert all(r.transfer_safeguard is not TransferSafeguard.NONE for r in outside)
    assert catalog.recipient("support_desk").tia


def test_sub_processors_are_registered_with_agreements(catalog: Catalog) -> None:
    """P1: sub-processors with country, agreement and safeguard, serving processor purposes."""
    subs = catalog.sub_processors()
    assert subs
    for sub in subs:
        assert sub.kind is RecipientKind.SUB_PROCESSOR and sub.agreement and sub.country
        assert all(catalog.purpose(p).role is Role.PROCESSOR for p in sub.purposes)
    assert catalog.recipient("skatteverket").kind is RecipientKind.AUTHORITY


def test_bookkeeping_runs_to_the_end_of_the_seventh_year(catalog: Catalog) -> None:
    """R4 (R-RET-03): fiscal year 2025 is kept until 2032-12-31."""
    rule = catalog.retention_rule("bookkeeping")
    assert rule.due(date(2025, 12, 31)) == date(2032, 12, 31)
    assert rule.due(date(2025, 6, 30)) == date(2032, 12, 31)


def test_post_contract_is_one_year(catalog: Catalog) -> None:
    """R2: contract end 2025-01-15 is due 2026-01-15."""
    assert catalog.retention_rule("post_contract").due(date(2025, 1, 15)) == date(2026, 1, 15)


def test_periods_clamp_to_the_last_day_of_a_short_month() -> None:
    assert Period(1, PeriodUnit.MONTHS).after(date(2024, 1, 31)) == date(2024, 2, 29)
    assert Period(13, PeriodUnit.MONTHS).after(date(2024, 1, 31)) == date(2025, 2, 28)
    assert Period(1, PeriodUnit.YEARS).after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert Period(0, PeriodUnit.DAYS).after(date(2024, 2, 29)) == date(2024, 2, 29)


def test_a_pack_switched_off_falls_back_to_its_otherwise_rule(tmp_path: Path) -> None:
    data = default_data()
    assert load_catalog().effective_retention("usage_traffic").id == "usage_traffic"
    data["packs"]["lek_traffic_rules"] = False
    catalog = load_catalog(write(tmp_path, data))
    assert catalog.effective_retention("usage_traffic").id == "processor_contract_end"


# -- refusing a bad declaration ----------------------------------------------------------------


def _set(*keys: str, value: object) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


def _delete(*keys: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return mutate


BAD = {
    "unknown category": (
        _set("tables", "people", "personal", "email", "category", value="contct"),
        "tables.people.personal.email.category: unknown category 'contct'",
    ),
    "unknown retention rule": (
        _set("tables", "sims", "personal", "iccid", "retention", value="forever"),
        "tables.sims.personal.iccid.retention: unknown retention rule 'forever'",
    ),
    "retention mapping misses a subject": (
        _delete("tables", "people", "personal", "email", "retention", "lead"),
        "tables.people.personal.email.retention.lead: is required",
    ),
    "non-EEA recipient without safeguard": (
        _set("recipients", "support_desk", "transfer_safeguard", value="none"),
        "recipients.support_desk.transfer_safeguard: US is outside the EU/EEA",
    ),
    "adequacy where there is none": (
        _set("recipients", "email_delivery", "transfer_safeguard", value="adequacy"),
        "recipients.email_delivery.transfer_safeguard: there is no adequacy decision for US",
    ),
    "SCCs without a transfer impact assessment": (
        _delete("recipients", "support_desk", "tia"),
        "recipients.support_desk.transfer_safeguard: standard contractual clauses need",
    ),
    "missing sv label": (
        _delete("categories", "email", "sv"),
        "categories.email.sv: is required",
    ),
    "missing en label": (
        _delete("purposes", "newsletter", "en"),
        "purposes.newsletter.en: is required",
    ),
    "empty label": (
        _set("subjects", "lead", "sv", value=" "),
        "subjects.lead.sv: must not be empty",
    ),
    "misspelt key": (
        _set("categories", "email", "direct_identifer", value=True),
        "categories.email.direct_identifer: unknown key",
    ),
    "consent purpose without the consent flag": (
        _set("purposes", "newsletter", "consent_required", value=False),
        "purposes.newsletter.consent_required: must be true exactly when",
    ),
    "article that does not match the basis": (
        _set("purposes", "contract", "article", value="GDPR Art. 6(1)(f)"),
        "purposes.contract.article: the legal basis contract is Art. 6(1)(b)",
    ),
    "legitimate interests without a balancing test": (
        _delete("purposes", "support", "lia"),
        "purposes.support.lia: legitimate interests need a recorded balancing test",
    ),
    "processor table without its controller column": (
        _delete("tables", "sims", "controller_column"),
        "tables.sims.controller_column: processor data must name the column",
    ),
    "controller purpose on processor data": (
        _set("tables", "sims", "personal", "iccid", "purposes", value=["contract"]),
        "tables.sims.personal.iccid.purposes: 'contract' is a controller purpose",
    ),
    "column both personal and other": (
        _set("tables", "people", "other", value=["id", "source", "created_at", "email"]),
        "tables.people.personal.email: is listed under both personal and other",
    ),
    "link to an undeclared column": (
        _set("tables", "web_visits", "subject_link", value=[{"kind": "person", "column": "pid"}]),
        "tables.web_visits.subject_link[0].column: 'pid' is not a column of web_visits",
    ),
    "via link to an unknown table": (
        _set(
            "tables",
            "devices",
            "subject_link",
            0,
            value={
                "kind": "via",
                "column": "sim_id",
                "to": "sim_cards",
            },
        ),
        "tables.devices.subject_link[0]: leads to 'sim_cards'",
    ),
    "named_by link that names a column": (
        _set(
            "tables",
            "sims",
            "subject_link",
            1,
            value={
                "kind": "named_by",
                "column": "id",
                "to": "sim_end_users",
            },
        ),
        "tables.sims.subject_link[1].column: a named_by link names no column",
    ),
    "named_by link without its table": (
        _set("tables", "sims", "subject_link", 1, value={"kind": "named_by"}),
        "tables.sims.subject_link[1].to: a named_by link names the table",
    ),
    "named_by a table that does not point back": (
        _set("tables", "sims", "subject_link", 1, value={"kind": "named_by", "to": "invoices"}),
        "tables.sims.subject_link[1]: invoices has no via link to sims",
    ),
    "named_by a table without a lookup column": (
        _set("tables", "sims", "subject_link", 1, value={"kind": "named_by", "to": "devices"}),
        "tables.sims.subject_link[1]: devices has no lookup column",
    ),
    "unknown pack": (
        _set("retention_rules", "usage_traffic", "pack", value="lek"),
        "retention_rules.usage_traffic.pack: unknown pack 'lek'",
    ),
    "bad period": (
        _set("retention_rules", "web_visit", "period", value="13 moons"),
        "retention_rules.web_visit.period: expected a period such as",
    ),
    "unknown source": (
        _set("tables", "people", "personal", "personnummer", "source", value="guessed"),
        "tables.people.personal.personnummer.source: unknown source 'guessed'",
    ),
    "wrong version": (_set("version", value=2), "version: this varna reads catalogue version 1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_entry_is_refused_with_its_path(case: str, tmp_path: Path) -> None:
    mutate, message = BAD[case]
    data = default_data()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value).startswith(message), str(caught.value)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, CatalogEntryError)


def test_an_unquoted_norway_is_refused_with_a_hint() -> None:
    text = yaml.safe_dump(default_data(), allow_unicode=True).replace("country: SE", "country: NO")
    with pytest.raises(
        CatalogEntryError, match=r"country: expected a string, got a boolean \(quote"
    ):
        parse_catalog(text)


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(CatalogEntryError, match=r"line 3: YAML error"):
        parse_catalog("version: 1\ncategories:\n  email: sv: E-post\n")


def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(CatalogEntryError, match="key 'email' appears twice"):
        parse_catalog("categories:\n  email: {}\n  email: {}\n")


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    with pytest.raises(CatalogError, match="cannot read the catalogue") as caught:
        load_catalog(missing)
    assert str(missing) in str(caught.value)


# -- start-up through the settings -------------------------------------------------------------


def test_settings_catalog_path_selects_the_catalogue(tmp_path: Path) -> None:
    data = default_data()
    data["controller"]["name"] = "Provbolaget AB"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'varna.db'}",
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        catalog_path=write(tmp_path, data),
    )
    container = build(settings)
    try:
        assert container.catalog.controller.name == "Provbolaget AB"
    finally:
        container.close()


def test_start_up_stops_on_a_bad_catalogue(tmp_path: Path) -> None:
    data = default_data()
    data["tables"]["people"]["personal"]["email"]["category"] = "contct"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'varna.db'}",
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        catalog_path=write(tmp_path, data),
    )
    with pytest.raises(CatalogError, match="tables.people.personal.email.category"):
        build(settings)
