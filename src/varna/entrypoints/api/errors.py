"""Unhandled errors are logged without their message (A1).

An exception's text can hold what the code was given: a ``KeyError`` of an e-mail address, a
``ValueError`` quoting a personnummer. Starlette would log the whole traceback, text included,
and uvicorn print it to the server's output. This middleware logs the error's class, the
route and the stack (file, line and function of each frame) instead, and answers a plain 500.
HTTP errors (a 413 of the body limit, a 404) pass through to their own handlers."""

from __future__ import annotations

import logging
import traceback

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("varna.errors")
STACK = 12  # innermost frames logged


class UnhandledErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except (HTTPException, BaseExceptionGroup):
            raise  # the body limit's 413 (also inside a group) and other HTTP answers
        except Exception as exc:  # noqa: BLE001 - every other error is logged, and answered
            # The route's pattern (relative to its router), never the path with its values.
            route = getattr(scope.get("route"), "path", "-")
            endpoint = getattr(scope.get("endpoint"), "__qualname__", "-")
            frames = " <- ".join(
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
                for frame in reversed(traceback.extract_tb(exc.__traceback__)[-STACK:])
            )
            log.error(
                "unhandled %s in %s %s (%s); at %s",
                type(exc).__name__,
                scope.get("method"),
                route,
                endpoint,
                frames,
            )
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(
                    scope, receive, send
                )
