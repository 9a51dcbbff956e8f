"""A NUL or another control character in what a stranger sends: a clear 4xx naming the
field, nothing stored, never a server error (PostgreSQL cannot store a NUL in text, so each of
these was a 500 there) (D1, G3, C7)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import running_server
from varna.adapters.db.tables import privacy_center_link_asks, subject_requests
from varna.bootstrap import Container
from varna.domain import identifiers
from varna.domain.errors import InvalidIdentifier
from varna.domain.scan import ControlCharacters, guard_text

NUL_ADDRESS = "a\x00b@example.com"
REQUEST = {"kind": "access", "email": "ab@example.com"}
SENT: dict[str, tuple[str, dict[str, Any]]] = {
    "api address": ("/api/v1/requests", {"json": {**REQUEST, "email": NUL_ADDRESS}}),
    "api details": ("/api/v1/requests", {"json": {**REQUEST, "details": "x\x00y"}}),
    "form address": ("/privacy/requests", {"data": {**REQUEST, "email": NUL_ADDRESS}}),
    "form details": ("/privacy/requests", {"data": {**REQUEST, "details": "x\x00y"}}),
    "api link": ("/api/v1/consent/link", {"json": {"email": NUL_ADDRESS}}),
    "form link": ("/privacy/consents", {"data": {"email": NUL_ADDRESS}}),
}


def _count(container: Container, table: Any) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_d1_g3_c7_a_nul_in_an_address_or_a_text_is_refused_and_nothing_is_stored(
    container: Container,
) -> None:
    """D1, G3, C7: a NUL in the e-mail address or the details of a request, through the API
    and the form, and in the address of a consent-link ask, through the API and the form."""
    base_url = container.settings.database_url
    with running_server(base_url) as base, httpx.Client(base_url=base, timeout=30) as stranger:
        answers = {name: stranger.post(path, **how) for name, (path, how) in SENT.items()}
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == dict.fromkeys(SENT, 422), statuses
    assert "details" in answers["api details"].text and "NUL" in answers["api details"].text
    assert _count(container, subject_requests) == 0
    assert _count(container, privacy_center_link_asks) == 0


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "del\x7f", "esc\x1b[0m"])
def test_g3_the_guard_refuses_control_characters(text: str) -> None:
    """G3: every free-text intake passes the guard, which refuses a control character."""
    with pytest.raises(ControlCharacters):
        guard_text(text, special_policy="redact", today=date(2026, 12, 7))


def test_g3_the_guard_keeps_tabs_and_line_breaks() -> None:
    """G3: tab, line feed and carriage return are text, not control characters."""
    kept = guard_text("line one\r\n\tline two", special_policy="redact", today=date(2026, 12, 7))
    assert kept.text == "line one\r\n\tline two"


@pytest.mark.parametrize("address", [NUL_ADDRESS, "ab@exa\x01mple.com", "ab\x7f@example.com"])
def test_g3_an_address_with_a_control_character_is_no_address(address: str) -> None:
    """G3: the e-mail rule every intake uses refuses a control character."""
    with pytest.raises(InvalidIdentifier):
        identifiers.email(address)
