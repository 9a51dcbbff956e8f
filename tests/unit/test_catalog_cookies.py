"""The catalogue's cookie section: every cookie declared with who sets it, purpose, lifetime
and recipients; bad declarations are refused with their path (promise C8, R-CK-01)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
import yaml

from varna.catalog import CatalogEntryError, load_catalog, parse_catalog


def default_data() -> dict[str, Any]:
    text = resources.files("varna.catalog").joinpath("default.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(text)))
    return data


def test_c8_the_default_catalogue_declares_the_four_categories() -> None:
    cookies = load_catalog().cookies
    assert list(cookies) == ["necessary", "preferences", "statistics", "marketing"]
    assert cookies["necessary"].necessary and not cookies["necessary"].purposes
    assert cookies["statistics"].purposes == ("statistics", "traffic_analysis")
    assert cookies["marketing"].purposes == ("direct_marketing",)
    names = {c.name for category in cookies.values() for c in category.cookies}
    assert {"varna_consent", "varna_stats_id", "varna_stats_views"} <= names
    for category in cookies.values():
        for cookie in category.cookies:
            assert cookie.set_by and cookie.purpose.sv and cookie.lifetime.en


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["cookies"].pop("marketing"), "cookies: the cookie categories are exactly"),
        (
            lambda d: d["cookies"]["statistics"].__setitem__("purposes", ["contract"]),
            "cookies.statistics.purposes: 'contract' is not a consent purpose",
        ),
        (
            lambda d: d["cookies"]["necessary"].__setitem__("purposes", ["statistics"]),
            "cookies.necessary.purposes: strictly necessary cookies rest on no consent",
        ),
        (
            lambda d: d["cookies"]["marketing"]["cookies"][0].__setitem__("recipients", ["x"]),
            "cookies.marketing.cookies[0].recipients[0]: unknown recipient 'x'",
        ),
        (
            lambda d: d["cookies"]["marketing"]["cookies"][0].pop("lifetime"),
            "cookies.marketing.cookies[0].lifetime: is required",
        ),
        (
            lambda d: d["cookies"]["marketing"]["cookies"][0].__setitem__("name", "varna_consent"),
            "cookies.marketing.cookies[0].name: 'varna_consent' is declared twice",
        ),
    ],
)
def test_c8_a_bad_cookie_declaration_is_refused_with_its_path(change: Any, message: str) -> None:
    data = default_data()
    change(data)
    with pytest.raises(CatalogEntryError) as refused:
        parse_catalog(yaml.safe_dump(data, allow_unicode=True))
    assert message in str(refused.value)
