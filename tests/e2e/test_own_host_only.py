"""No page of varna makes a visitor's browser talk to any host but varna's own (C6, C8).

A script, stylesheet, font or image from a CDN hands every visitor's address to a third party
that is in no recipient registry, before any cookie choice; the API docs page did (Swagger UI
from a CDN). The test walks the app's route table: every GET route without parameters,
anonymously and as the privacy officer, then every same-site link those pages give (which
reaches the pages with parameters: a request, an outbox message, a consent link), and fails on
any ``src``, ``href``, ``action``, CSS ``url()`` or ``@import`` that names another host. The
templates and static files on disk are checked too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from tests.consent_data import add_people
from tests.e2e.helpers import running_server, sign_in
from tests.e2e.test_public_pages import PASSWORD, add_staff
from varna.bootstrap import Container
from varna.entrypoints.api.app import create_app

ATTRIBUTE = re.compile(
    r"""\b(?:src|href|action|formaction|srcset|poster|data|background|content)\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)""", re.IGNORECASE)
ANY_URL = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\[[0-9a-f:]+\]|[0-9.]+)""")
# Names reserved for documentation (RFC 2606, RFC 6761): never a third party's server.
RESERVED = (
    ".example",
    ".test",
    ".invalid",
    ".localhost",
    "example.com",
    "example.org",
    "example.net",
)
ON_DISK = [
    files("varna.entrypoints.web") / "templates",
    files("varna.entrypoints.web") / "static",
    files("varna.adapters.extract") / "templates",
]


def foreign(reference: str, own_host: str) -> bool:
    """A reference that makes the browser fetch from, or go to, another host."""
    parts = urlsplit(reference.strip())
    if parts.scheme not in ("", "http", "https") or not reference.strip().startswith(
        ("http:", "https:", "//")
    ):
        return False  # relative, #anchor, mailto:, data:
    host = parts.hostname or ""
    return host != own_host and not reserved(host)


def reserved(host: str) -> bool:
    return host.endswith(RESERVED) or host in ("localhost", "127.0.0.1")


def references(text: str) -> Iterator[str]:
    for match in ATTRIBUTE.finditer(text):
        yield match.group(1)
    for match in CSS_URL.finditer(text):
        yield match.group(1) or match.group(2)
    for match in re.finditer(r"url=([^\"'\s>;]+)", text, re.IGNORECASE):  # meta refresh
        yield match.group(1)


def get_routes(app: Any) -> Iterator[str]:
    """Paths of the GET routes in the app's route table (included routers walked)."""

    def walk(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # an included router (FastAPI >= 0.16x)
                yield from walk(route.effective_candidates())
            elif hasattr(route, "routes") and not hasattr(route, "methods"):
                yield from walk(route.routes)
            else:
                yield route

    for route in walk(app.routes):
        if "GET" in (getattr(route, "methods", None) or ()):
            yield route.path


def crawl(
    client: httpx.Client, start: list[str], own_host: str
) -> tuple[dict[str, list[str]], set[str]]:
    """GET ``start`` and every same-site link found; returns the foreign references per page
    and the pages seen."""
    seen: set[str] = set()
    queue = list(start)
    found: dict[str, list[str]] = {}
    while queue and len(seen) < 300:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        text = answer.text
        bad = [ref for ref in references(text) if foreign(ref, own_host)]
        if bad:
            found[path] = bad
        if "html" not in answer.headers.get("content-type", ""):
            continue
        for ref in references(text):
            target = urlsplit(urljoin(str(answer.url), ref))
            if target.hostname == own_host and target.path not in seen:
                link = target.path + (f"?{target.query}" if target.query else "")
                if "logout" not in link:
                    queue.append(link)
    return found, seen


def test_C6_C8_no_page_references_another_host(container: Container) -> None:
    add_staff(container, "dpo@example.com", "privacy_officer")
    person = add_people(container.engine, 1)[0]
    link = container.access_links.issue(person, at=container.clock.now())
    app = create_app(container.settings, container=container)
    plain = [path for path in get_routes(app) if "{" not in path]
    assert "/api/docs" in plain and "/" in plain
    with running_server(container.settings.database_url) as base:
        own = urlsplit(base).hostname or ""
        with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as stranger:
            sent = stranger.post(
                "/privacy/requests",
                data={"lang": "en", "kind": "access", "email": "eva@example.com"},
            )
            assert sent.status_code == 200, sent.text
            public, _ = crawl(
                stranger,
                [*plain, f"/privacy/consents/{link}", "/no-such-page", "/unsubscribe/not-a-token"],
                own,
            )
        with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as staff:
            sign_in(staff, "dpo@example.com", PASSWORD)
            signed_in, seen = crawl(staff, plain, own)
    assert public == {} and signed_in == {}, (public, signed_in)
    for with_parameter in ("/admin/requests/", "/admin/outbox/"):  # reached by the links
        assert any(path.startswith(with_parameter) for path in seen), with_parameter


def test_C6_C8_templates_and_static_files_name_no_other_host() -> None:
    offending = []
    for folder in ON_DISK:
        for path in Path(str(folder)).rglob("*"):
            if not path.is_file():
                continue
            for match in ANY_URL.finditer(path.read_text(encoding="utf-8")):
                host = match.group(1).lower()
                if not reserved(host):
                    offending.append(f"{path.name}: {match.group(0)}")
    assert offending == []
