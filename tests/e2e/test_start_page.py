"""The start page over real HTTP from ``varna serve``."""

from __future__ import annotations

import httpx

from tests.e2e.helpers import running_server
from tests.factories import add_customer_with_sims
from varna.bootstrap import Container


def test_start_page_says_what_varna_is_and_links_the_api_docs(container: Container) -> None:
    add_customer_with_sims(container.engine, 3)
    with running_server(container.settings.database_url) as base:
        page = httpx.get(base + "/")
        docs = httpx.get(base + "/api/docs")
        openapi = httpx.get(base + "/api/openapi.json")
        stats = httpx.get(base + "/api/v1/stats")

    assert page.status_code == 200
    assert "privacy policy" in page.text and "your consents" in page.text
    assert 'href="/api/docs"' in page.text
    assert docs.status_code == 200
    assert openapi.json()["info"]["title"] == "varna"
    assert stats.status_code == 401  # counts are for staff (tests/e2e/test_public_pages.py)
    assert "Set-Cookie" not in page.headers  # C8: no cookie before consent
