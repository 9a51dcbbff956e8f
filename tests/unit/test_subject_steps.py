"""D4: what an erasure does to each table's rows, as data (varna.domain.subjects.steps): the
columns emptied and with what, the links anonymising cuts, and the order of the steps. The
catalogue is the built-in one; the schema facts are given here, as the adapter gives them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from varna.catalog import load_catalog
from varna.catalog.model import Catalog
from varna.domain.subjects.erasure import ENDED, TableAction, TablePlan
from varna.domain.subjects.steps import (
    ERASED_MARKER,
    ColumnShape,
    TableErasure,
    erasure_order,
    erasure_steps,
    table_erasures,
)

NULLABLE = ColumnShape(nullable=True, text=True)
REQUIRED_TEXT = ColumnShape(nullable=False, text=True)
REQUIRED_NUMBER = ColumnShape(nullable=False, text=False)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _schema(catalog: Catalog, **shapes: ColumnShape) -> dict[str, dict[str, ColumnShape]]:
    """Every column of every table with personal data nullable text, except ``shapes``
    (``table__column``)."""
    schema: dict[str, dict[str, ColumnShape]] = {}
    for name, entry in catalog.tables.items():
        if not entry.personal:
            continue
        links = [link.column for link in entry.subject_link if link.column]
        columns = dict.fromkeys((*entry.columns, *links), NULLABLE)
        schema[name] = columns
    for key, shape in shapes.items():
        table, column = key.split("__")
        schema[table][column] = shape
    return schema


def _plan(table: str, action: TableAction, clear: tuple[str, ...] = (), **kw: object) -> TablePlan:
    return replace(TablePlan(table, action, clear, ()), **kw)  # type: ignore[arg-type]


def test_d4_children_go_before_what_they_hang_on_and_people_last(catalog: Catalog) -> None:
    order = erasure_order(catalog, ["people", "sims", "usage_records", "invoices", "payments"])
    assert order.index("usage_records") < order.index("sims")
    assert order.index("payments") < order.index("invoices")
    assert order[-1] == "people"


def test_d4_steps_follow_the_order_whatever_the_order_of_the_plans(catalog: Catalog) -> None:
    tables = table_erasures(catalog, _schema(catalog))
    plans = [
        _plan("people", TableAction.ANONYMISE, ("full_name",)),
        _plan("sims", TableAction.ANONYMISE),
        _plan("usage_records", TableAction.DELETE),
        _plan("support_tickets", TableAction.ANONYMISE, ("subject",)),
        _plan("ticket_messages", TableAction.DELETE),
    ]
    steps = erasure_steps(plans, tables, sole_trader=False)
    names = [s.table for s in steps]
    assert names.index("usage_records") < names.index("people")
    assert names.index("ticket_messages") < names.index("support_tickets")
    assert names[-1] == "people"
    # a SIM anonymised has no person link and nothing to clear: no statement at all
    assert "sims" not in names


def test_d4_anonymising_cuts_the_person_links_and_empties_the_clear_columns(
    catalog: Catalog,
) -> None:
    tables = table_erasures(catalog, _schema(catalog, people__full_name=REQUIRED_TEXT))
    (people,) = erasure_steps(
        [_plan("people", TableAction.ANONYMISE, ("full_name", "email"))], tables, sole_trader=False
    )
    assert not people.delete
    assert dict(people.values) == {"full_name": ERASED_MARKER, "email": None}
    (ticket,) = erasure_steps(
        [_plan("support_tickets", TableAction.ANONYMISE, ("subject",))], tables, sole_trader=False
    )
    assert dict(ticket.values) == {"subject": None, "person_id": None}
    assert ticket.firm_links == ()


def test_d4_a_firm_link_is_cut_only_for_a_sole_trader_and_only_where_it_may_be_empty(
    catalog: Catalog,
) -> None:
    schema = _schema(catalog, invoices__organisation_id=REQUIRED_NUMBER)
    tables = table_erasures(catalog, schema)
    plans = [
        _plan("support_tickets", TableAction.ANONYMISE),
        _plan("invoices", TableAction.ANONYMISE),
    ]
    steps = {s.table: s for s in erasure_steps(plans, tables, sole_trader=True)}
    assert steps["support_tickets"].firm_links == ("organisation_id",)
    assert "organisation_id" not in dict(steps["support_tickets"].values)
    assert steps["invoices"].firm_links == ()  # required: the invoice keeps its customer
    without = {s.table: s for s in erasure_steps(plans, tables, sole_trader=False)}
    assert without["support_tickets"].firm_links == ()


def test_d4_clear_empties_only_the_named_columns_and_cuts_no_link(catalog: Catalog) -> None:
    tables = table_erasures(catalog, _schema(catalog))
    plan = _plan(
        "invoices", TableAction.CLEAR, ("billing_address",), rows=ENDED, cutoff=date(2019, 12, 31)
    )
    (step,) = erasure_steps([plan], tables, sole_trader=True)
    assert dict(step.values) == {"billing_address": None}
    assert step.firm_links == ()
    assert (step.rows, step.cutoff) == (ENDED, date(2019, 12, 31))


def test_d4_kept_rows_get_no_step_and_deleted_rows_carry_no_values(catalog: Catalog) -> None:
    tables = table_erasures(catalog, _schema(catalog))
    plans = [_plan("invoices", TableAction.NONE), _plan("web_visits", TableAction.DELETE)]
    (step,) = erasure_steps(plans, tables, sole_trader=False)
    assert (step.table, step.delete, step.values) == ("web_visits", True, ())


def test_d4_a_required_column_that_is_not_text_cannot_be_cleared(catalog: Catalog) -> None:
    tables = table_erasures(catalog, _schema(catalog, payments__card_token=REQUIRED_NUMBER))
    assert "card_token" not in tables["payments"].empty
    with pytest.raises(ValueError, match=r"payments\.card_token is required and not text"):
        erasure_steps(
            [_plan("payments", TableAction.CLEAR, ("card_token",))], tables, sole_trader=False
        )


def test_d4_what_each_table_can_change_is_fixed_by_catalogue_and_schema(catalog: Catalog) -> None:
    tables = table_erasures(catalog, _schema(catalog))
    rank = tables["ticket_messages"].rank
    assert tables["ticket_messages"] == TableErasure(
        "ticket_messages", rank, {}, ("author_person_id",), ()
    )
    assert tables["orders"].person_links == ("contact_person_id",)
    assert tables["orders"].firm_links == ("organisation_id",)
