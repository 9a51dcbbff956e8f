"""The catalogue declares every column of every table, and only columns that exist.

Promises C2, P4 (categories), R1 (retention), A1 (roles). No database is needed: the test
inspects ``varna.adapters.db.tables.metadata``.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Column, Table

from varna.adapters.db.tables import metadata
from varna.adapters.db.types import DirectIdentifier
from varna.catalog import Catalog, LinkKind, Role, load_catalog

CATALOG: Catalog = load_catalog()
TABLES = sorted(metadata.tables)

# Name fragments that suggest personal data: such a column must be declared personal.
SUSPICIOUS_TOKENS = frozenset(
    {
        "email",
        "phone",
        "name",
        "address",
        "ip",
        "iccid",
        "imsi",
        "msisdn",
        "imei",
        "personnummer",
        "cookie",
        "user_agent",
        "agent",
        "body",
        "message",
        "cell",
        "card",
    }
)

# DirectIdentifier kinds (the one code path for direct identifiers) and their category.
DIRECT_IDENTIFIER_CATEGORY = {
    "name": "name",
    "email": "email",
    "phone": "phone_number",
    "address": "address",
    "personnummer": "national_id",
}

# The categories each promise lists, as catalogue ids.
POLICY_CATEGORIES = {
    "C2": [
        "name",
        "address",
        "phone_number",
        "email",
        "order_history",
        "payment_history",
        "usage_history",
        "account_card_number",
        "ip_address",
        "location_data",
        "traffic_data",
        "communication_equipment",
    ],
    "P4": [
        "name",
        "address",
        "phone_number",
        "email",
        "communication_equipment",
        "company_data",
        "free_text",
    ],
}


def _table(name: str) -> Table:
    return metadata.tables[name]


def _fk_target(column: Column[object]) -> str | None:
    targets = {fk.column.table.name for fk in column.foreign_keys}
    assert len(targets) <= 1
    return targets.pop() if targets else None


@pytest.mark.parametrize("table_name", TABLES)
def test_every_column_is_declared_personal_or_other(table_name: str) -> None:
    """R1/A1: no column escapes the catalogue; a new column fails here until declared."""
    assert table_name in CATALOG.tables, f"table {table_name} is not in the catalogue"
    declared = set(CATALOG.table(table_name).columns)
    undeclared = [c.name for c in _table(table_name).columns if c.name not in declared]
    assert not undeclared, (
        f"{table_name}: declare {undeclared} under personal or other in catalog/default.yaml"
    )


@pytest.mark.parametrize("table_name", sorted(CATALOG.tables))
def test_catalogue_names_only_tables_and_columns_that_exist(table_name: str) -> None:
    assert table_name in metadata.tables, (
        f"the catalogue declares a table {table_name} that is gone"
    )
    existing = set(_table(table_name).columns.keys())
    unknown = [c for c in CATALOG.table(table_name).columns if c not in existing]
    assert not unknown, f"{table_name}: the catalogue declares columns that do not exist: {unknown}"


def test_columns_whose_names_suggest_personal_data_are_personal() -> None:
    """C2/P4 guard: e-mail, phone, name, address, IP, SIM and device ids, cookies, user agents,
    free text, cells and cards are personal data wherever they appear."""
    misfiled = []
    for table in metadata.tables.values():
        personal = CATALOG.table(table.name).personal
        for column in table.columns:
            tokens = set(column.name.split("_")) | {column.name}
            if tokens & SUSPICIOUS_TOKENS and column.name not in personal:
                misfiled.append(f"{table.name}.{column.name}")
    assert not misfiled, f"declared as other but looks personal: {misfiled}"


def test_direct_identifier_columns_carry_their_direct_identifier_category() -> None:
    """Columns typed DirectIdentifier are personal, with the category of their kind."""
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, DirectIdentifier):
                entry = CATALOG.table(table.name).personal.get(column.name)
                assert entry is not None, f"{table.name}.{column.name} is a direct identifier"
                assert entry.category == DIRECT_IDENTIFIER_CATEGORY[column.type.kind]
                assert CATALOG.category(entry.category).direct_identifier


@pytest.mark.parametrize("promise", sorted(POLICY_CATEGORIES))
def test_every_category_of_the_policy_exists_and_is_stored(promise: str) -> None:
    """C2, P4: every category the policy names is in the catalogue, tagged with the promise,
    and held by at least one column of the data model."""
    for category_id in POLICY_CATEGORIES[promise]:
        category = CATALOG.category(category_id)
        assert promise in category.promises, f"{category_id} does not cite {promise}"
        assert category.label.sv and category.label.en
        assert CATALOG.columns_of_category(category_id), f"no column holds {category_id}"


def test_full_card_numbers_are_never_a_column() -> None:
    """C2 (PCI): payments keep a token and the last four digits only."""
    held = {(e.table, e.column) for e in CATALOG.columns_of_category("account_card_number")}
    assert held == {("payments", "card_token"), ("payments", "card_last4")}
    assert _table("payments").c.card_last4.type.length == 4  # type: ignore[attr-defined]


def test_every_personal_column_has_a_retention_rule() -> None:
    """R1: a retention rule per column and subject type; nothing personal is kept without one."""
    for table, column, entry in CATALOG.personal_columns():
        assert entry.retention, f"{table}.{column} has no retention rule"
        assert {subject for subject, _ in entry.retention} == set(entry.subjects)
        for rule_id in entry.retention_rules:
            rule = CATALOG.effective_retention(rule_id)
            assert rule.legal_source and rule.description.sv and rule.description.en


def test_every_personal_column_knows_its_role_and_purposes() -> None:
    """A1: every personal column is controller or processor data, with purposes of that role."""
    for table, column, entry in CATALOG.personal_columns():
        assert entry.role in (Role.CONTROLLER, Role.PROCESSOR), f"{table}.{column}"
        assert entry.purposes, f"{table}.{column} has no purpose"
        assert all(CATALOG.purpose(p).role is entry.role for p in entry.purposes)
        assert all(CATALOG.subject(s).role is entry.role for s in entry.subjects)


def _controller_table(table_name: str, seen: tuple[str, ...] = ()) -> str:
    """Follow controller_column links until they reach a table; return that table's name."""
    assert table_name not in seen, f"controller links loop through {seen}"
    declared = CATALOG.table(table_name)
    column = declared.controller_column
    assert column is not None, f"{table_name} names no controller column"
    link = next(link for link in declared.subject_link if link.column == column)
    target = link.to
    assert target is not None
    fk = _fk_target(_table(table_name).c[column])
    assert fk in (None, target), f"{table_name}.{column} points to {fk}, not {target}"
    if link.kind is LinkKind.ORGANISATION:
        return target
    return _controller_table(target, (*seen, table_name))


def test_processor_tables_name_their_controller_column() -> None:
    """A1, A3, P1: processor data reaches the customer (an organisation) that is its controller."""
    processor_tables = [
        name
        for name, table in CATALOG.tables.items()
        if table.role is Role.PROCESSOR
        or any(e.role is Role.PROCESSOR for e in table.personal.values())
    ]
    assert {"sims", "devices", "usage_records"} <= set(processor_tables)
    for name in processor_tables:
        assert _controller_table(name) == "organisations"
    assert CATALOG.table("sims").controller_column == "customer_id"


def test_subject_links_follow_the_foreign_keys() -> None:
    """A1: each link column points where the catalogue says (people, organisations, a table)."""
    for name, table in CATALOG.tables.items():
        if table.personal:
            assert table.subject_link, f"{name} holds personal data but reaches no person"
        for link in table.subject_link:
            if link.column is None or link.kind is LinkKind.PSEUDONYM:
                continue
            fk = _fk_target(_table(name).c[link.column])
            # usage_records.sim_id has no foreign key (partitioned table); all others do.
            assert fk in (link.to, None), f"{name}.{link.column} points to {fk}, not {link.to}"
            if name != "usage_records":
                assert fk == link.to, f"{name}.{link.column} has no foreign key to {link.to}"


@pytest.mark.parametrize("pattern", [r"health", r"religio", r"politic", r"ethnic", r"union"])
def test_no_column_is_named_for_a_special_category(pattern: str) -> None:
    """C3 guard (R-SC-01): no schema field holds an Art. 9 category."""
    for table in metadata.tables.values():
        for column in table.columns:
            assert not re.search(pattern, column.name), f"{table.name}.{column.name}"
