"""Reading a url-encoded form (G3): UTF-8 only, raw or %-escaped; never a guess."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request
from starlette.types import Message

from varna.entrypoints.web.forms import read_utf8_form


def form(body: bytes) -> dict[str, str] | None:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "headers": [], "path": "/", "query_string": b""}
    return asyncio.run(read_utf8_form(Request(scope, receive)))


def test_g3_a_form_is_read_with_blanks_kept_and_the_last_value_winning() -> None:
    assert form(b"email=anna%40example.com&name=&lang=sv&lang=en") == {
        "email": "anna@example.com",
        "name": "",
        "lang": "en",
    }
    assert form("namn=Åsa+Öberg".encode()) == {"namn": "Åsa Öberg"}
    assert form(b"namn=%C3%85sa") == {"namn": "Åsa"}
    assert form(b"") == {}


@pytest.mark.parametrize(
    "body",
    [b"namn=\xc5sa", b"namn=%C5sa", b"n%E4mn=x", b"email=a%FF%40example.com"],
)
def test_g3_a_form_that_is_not_utf8_is_refused_not_guessed(body: bytes) -> None:
    """G3: Latin-1 bytes, raw or %-escaped, in a value or a name: refused as a whole."""
    assert form(body) is None
