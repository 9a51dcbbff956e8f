"""Path-aware reading of parsed YAML: every wrong type names where it is and what it got."""

from __future__ import annotations

import pytest

from varna.catalog.model import Role
from varna.catalog.reader import CatalogEntryError, Node, choices, parse_yaml


def test_a_string_or_a_list_of_strings_reads_as_a_tuple() -> None:
    assert Node("contract", "p").texts() == ("contract",)
    assert Node(["a", "b"], "p").texts() == ("a", "b")
    assert Node([], "p").texts(allow_empty=True) == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["a", 7], "p[1]: expected a string, got int"),
        (["a", " "], "p[1]: must not be empty"),
        ({"a": 1}, "p: expected a string or a list of strings, got a mapping"),
        (None, "p: expected a string or a list of strings, got nothing"),
    ],
)
def test_a_list_of_strings_names_its_bad_item(value: object, message: str) -> None:
    with pytest.raises(CatalogEntryError) as refused:
        Node(value, "p").texts()
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("value", "hint"), [(False, True), (True, True), (12, False), (1.5, False)]
)
def test_a_boolean_where_text_belongs_gets_the_quoting_hint(value: object, hint: bool) -> None:
    """YAML reads an unquoted NO (Norway), yes, on or off as a boolean."""
    with pytest.raises(CatalogEntryError) as refused:
        Node(value, "recipients.x.country").text()
    assert ("quote it" in str(refused.value)) is hint


def test_a_list_of_choices_names_the_bad_member_by_index() -> None:
    assert choices(Node(["controller", "processor"], "r"), Role, "role") == (
        Role.CONTROLLER,
        Role.PROCESSOR,
    )
    with pytest.raises(CatalogEntryError, match=r"^r\[1\]: unknown role 'customer'"):
        choices(Node(["controller", "customer"], "r"), Role, "role")


@pytest.mark.parametrize("value", ["Email", "e-mail", "_email", "email_", "e__mail", "1email"])
def test_an_id_is_snake_case(value: str) -> None:
    with pytest.raises(CatalogEntryError, match="is not a snake_case id"):
        Node(value, "p").identifier()
    assert Node("sim_end_users2", "p").identifier() == "sim_end_users2"


def test_a_list_is_required_where_entries_are_read() -> None:
    with pytest.raises(CatalogEntryError, match="^p: expected a list, got a mapping"):
        list(Node({"kind": "self"}, "p").entries())
    assert [n.path for n in Node([1, 2], "p").entries()] == ["p[0]", "p[1]"]


def test_yaml_is_read_safely_and_anchors_still_work() -> None:
    assert parse_yaml("a: &x {b: 1}\nc: *x\n") == {"a": {"b": 1}, "c": {"b": 1}}
    with pytest.raises(CatalogEntryError, match="YAML error"):
        parse_yaml("a: !!python/name:os.system\n")
