"""The start page and the API reference over real HTTP from ``varna serve``."""

from __future__ import annotations

import httpx

from tests.e2e.helpers import running_server
from tests.factories import add_customer_with_sims
from varna.bootstrap import Container


def test_start_page_says_what_varna_is_and_links_the_api_docs(container: Container) -> None:
    add_customer_with_sims(container.engine, 3)
    with running_server(container.settings.database_url) as base:
        page = httpx.get(base + "/?lang=en")
        swedish = httpx.get(base + "/")
        openapi = httpx.get(base + "/api/openapi.json")
        stats = httpx.get(base + "/api/v1/stats")
        fastapi_pages = [httpx.get(base + path) for path in ("/docs/oauth2-redirect", "/redoc")]

    assert page.status_code == 200
    assert "privacy policy" in page.text and "your consents" in page.text
    assert "integritetspolicy" in swedish.text and "dina samtycken" in swedish.text
    assert 'href="/api/docs"' in page.text
    assert openapi.json()["info"]["title"] == "varna"
    assert stats.status_code == 401  # counts are for staff (tests/e2e/test_public_pages.py)
    assert "Set-Cookie" not in page.headers  # C8: no cookie before consent
    assert [answer.status_code for answer in fastapi_pages] == [404, 404]


def test_C6_C8_api_docs_are_rendered_here_from_the_openapi_document(container: Container) -> None:
    """The reference lists every endpoint with its parameters and schemas, without a script
    from a CDN (tests/e2e/test_own_host_only.py checks the hosts)."""
    with running_server(container.settings.database_url) as base:
        docs = httpx.get(base + "/api/docs")
        document = httpx.get(base + "/api/openapi.json").json()

    assert docs.status_code == 200 and "<script" not in docs.text.split("</head>")[1]
    assert 'href="/api/openapi.json"' in docs.text
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in docs.text, (method, path)
    for schema in document["components"]["schemas"]:
        assert f'id="schema-{schema}"' in docs.text, schema
    verify = docs.text.split('id="POST--api-v1-requests-request_id-verify"')[1].split("</section>")[
        0
    ]
    assert "<code>request_id</code>" in verify and 'href="#schema-VerifyCode"' in verify
