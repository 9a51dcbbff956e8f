"""D1, D4: the subject engine's plan, built from a catalogue for one dialect without a
database: the order in which the ``via`` targets are read, each table's condition with its
named bind parameters (one statement for every request), and the values a scope binds."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from varna.adapters.db.subjects.build import build_plan
from varna.adapters.db.subjects.plan import (
    FIRMS,
    PERSONS,
    TERMS,
    SubjectPlan,
    bind,
    ids_of,
    values_of,
)
from varna.catalog import load_catalog
from varna.catalog.model import Catalog, IdentifierKind
from varna.domain.subjects.keys import SubjectKey
from varna.services.subjects.ports import SubjectScope

SMALL = (
    "people",
    "organisations",
    "sims",
    "sim_end_users",
    "usage_records",
    "support_tickets",
    "ticket_messages",
    "web_visits",
)


@pytest.fixture(scope="module")
def small() -> Catalog:
    """The built-in catalogue narrowed to a SIM, its usage, a case and its messages."""
    catalog = load_catalog()
    tables = {name: catalog.tables[name] for name in SMALL}
    return replace(catalog, tables=MappingProxyType(tables))


def _sql(plan: SubjectPlan, element: Any) -> str:
    dialect = postgresql.dialect() if plan.postgres else sqlite.dialect()
    return str(element.compile(dialect=dialect))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_d1_the_plan_holds_only_catalogued_tables_with_personal_data(
    small: Catalog, dialect: str
) -> None:
    plan = build_plan(small, dialect)
    assert set(plan.tables) == set(SMALL)
    assert plan.postgres is (dialect == "postgresql")
    assert set(plan.erasures) == set(SMALL)


def test_d1_via_targets_are_read_first_with_the_anchors_of_given_identifiers(
    small: Catalog,
) -> None:
    plan = build_plan(small, "postgresql")
    (layer,) = plan.layers
    assert layer.targets == ("sims", "support_tickets")
    assert layer.owners == ("customer_id", None)  # a SIM's controller comes with the SIM
    assert layer.anchors == ("sims", "sim_end_users")


def test_d1_a_condition_names_every_way_to_the_person_with_bind_parameters(
    small: Catalog,
) -> None:
    plan = build_plan(small, "postgresql")
    usage = _sql(plan, plan.tables["usage_records"].condition)
    assert f"usage_records.sim_id = ANY (%({ids_of('sims')})s" in usage
    sims = _sql(plan, plan.tables["sims"].condition)
    for kind in ("iccid", "imsi", "msisdn", "end_user_ref"):
        assert values_of(kind) in sims
    assert "array((SELECT sim_end_users.sim_id" in sims  # named by the end-user reference
    assert FIRMS not in sims  # processor data: a sole trader's firm does not reach it
    messages = _sql(plan, plan.tables["ticket_messages"].condition)
    assert ids_of("support_tickets") in messages and PERSONS in messages
    # another person's message in the person's case is not theirs
    assert "ticket_messages.author_person_id IS NULL OR" in messages
    tickets = _sql(plan, plan.tables["support_tickets"].condition)
    assert FIRMS in tickets  # a sole trader's case names the firm


def test_d1_the_same_statements_serve_every_request(small: Catalog) -> None:
    plan = build_plan(small, "sqlite")
    again = build_plan(small, "sqlite")
    assert _sql(plan, plan.counts) == _sql(again, again.counts)
    text = _sql(plan, plan.counts_and_mentions)
    assert "json_each" in text and "instr(lower(ticket_messages.body)" in text
    assert "c:usage_records" in text and "m:ticket_messages:body" in text


def test_d1_bind_gives_every_parameter_a_list_even_when_the_scope_has_no_value(
    small: Catalog,
) -> None:
    plan = build_plan(small, "postgresql")
    scope = SubjectScope(
        keys=(SubjectKey(IdentifierKind.ICCID, "89460000000000000001"),),
        person_ids=(),
        anchors={},
        values={IdentifierKind.ICCID: ("89460000000000000001",)},
        names=(),
        mention_terms=("50%_off",),
        targets={"sims": (7, 3)},
    )
    params = bind(plan, scope)
    assert params[PERSONS] == [] and params[FIRMS] == []
    assert params[values_of("iccid")] == ["89460000000000000001"]
    assert params[values_of("email")] == []
    assert params[ids_of("sims")] == [7, 3] and params[ids_of("support_tickets")] == []
    assert params[TERMS] == ["%50\\%\\_off%"]  # LIKE's wildcards escaped
    assert bind(build_plan(small, "sqlite"), scope)[TERMS] == '["50%_off"]'


def test_d4_rows_reached_through_a_sim_come_in_the_order_of_its_index(small: Catalog) -> None:
    plan = build_plan(small, "sqlite")
    order = [c.name for c in plan.tables["usage_records"].order]
    assert order[0] == "sim_id"
    assert [c.name for c in plan.tables["people"].order] == ["id"]
