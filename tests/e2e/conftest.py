"""Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright
(`scripts/browser` installs it; Playwright's own browser download cannot run here)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _reset_postgres
from varna.adapters.db.engine import make_engine

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed: run scripts/browser")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def empty(database_url: str) -> str:
    """An empty database of each kind (no schema at all), for the commands that must find
    out for themselves that the schema is missing."""
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        _reset_postgres(engine)
        engine.dispose()
    return database_url
