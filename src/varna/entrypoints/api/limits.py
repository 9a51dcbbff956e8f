"""Request bodies over ``VARNA_MAX_BODY_BYTES`` are refused with 413 before they are read (D1:
the privacy center stays open to everyone; one 50 MB form must not take the server's memory
and time).

* A declared ``Content-Length`` over the limit: the answer comes at once, not one byte of the
  body is read.
* A body without a declared length (chunked): counted as it arrives; the read stops as soon
  as it passes the limit, and the route's read ends in the 413.

The answer is the API's error body on ``/api/`` and a sentence for a person elsewhere, in
the language the browser asks for; it passes through the security headers like any answer
(FastAPI's own limit answers outside every middleware, without them)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from varna.entrypoints.api.errors import error_answer
from varna.entrypoints.people_messages import for_status
from varna.i18n import DEFAULT_LANGUAGE, from_accept_language, translate

TOO_LARGE = "the body is larger than the server accepts"


def declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def too_large(scope: Scope) -> Response:
    request = Request(scope)
    if str(scope.get("path", "")).startswith("/api/"):
        return error_answer(request, 413, TOO_LARGE, words=for_status(413))
    lang = from_accept_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE
    return PlainTextResponse(translate(lang, for_status(413)), status_code=413)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(Headers(scope=scope))
        if length is not None and length > self.max_bytes:
            await too_large(scope)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised into the route's read: the API's error handler answers 413.
                    raise HTTPException(status_code=413, detail=TOO_LARGE)
            return message

        await self.app(scope, counted, send)
