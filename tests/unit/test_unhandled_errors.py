"""An unhandled error is logged by class, route and stack, never by its text (A1): the text
of an exception can quote what the code was given (an e-mail address, a personnummer)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from varna.entrypoints.api.errors import UnhandledErrors

EMAIL = "canary.zebra@example.com"


async def lookup(request: Request) -> Response:
    known: dict[str, int] = {}
    return Response(str(known[EMAIL]))  # KeyError('canary.zebra@example.com')


def test_A1_unhandled_error_is_logged_without_its_text(caplog: pytest.LogCaptureFixture) -> None:
    app = Starlette(routes=[Route("/people/{who}", lookup)])
    app.add_middleware(UnhandledErrors)

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://varna") as client:
            return await client.get(f"/people/{EMAIL}")

    with caplog.at_level(logging.DEBUG):
        answer = asyncio.run(call())

    formatter = logging.Formatter()
    logged = "\n".join(
        formatter.format(record) for record in caplog.records if record.name != "httpx"
    )  # the test's own client logs its URLs
    assert answer.status_code == 500 and EMAIL not in answer.text
    assert "unhandled KeyError in GET /people/{who} (lookup)" in logged
    assert "lookup" in logged  # the stack says where
    assert EMAIL not in logged
