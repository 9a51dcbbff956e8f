"""Unhandled errors are logged without their message (A1).

An exception's text can hold what the code was given: a ``KeyError`` of an e-mail address, a
``ValueError`` quoting a personnummer. Starlette would log the whole traceback, text included,
and uvicorn print it to the server's output. This middleware logs the error's class, the
route and the stack (file, line and function of each frame) instead, and answers a plain 500.
HTTP errors (a 413 of the body limit, a 404) pass through to their own handlers.

Every error answer of the API has one body (:class:`ErrorBody`): ``detail`` as before, for
programs, and ``message``, the same for a person, from the catalogue in the language the
client asks for (G3). :func:`error_responses` declares them in the OpenAPI document."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from varna.domain.errors import InputRefused, InvalidIdentifier, VarnaError
from varna.entrypoints.people_messages import for_error, for_status
from varna.i18n import DEFAULT_LANGUAGE, from_accept_language, language, translate
from varna.services.consent.decisions import InvalidLink, UnknownSubject

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
                answer: Response = PlainTextResponse("Internal Server Error", status_code=500)
                if str(scope.get("path", "")).startswith("/api/"):
                    answer = error_answer(
                        Request(scope), 500, "Internal Server Error", words=for_status(500)
                    )
                await answer(scope, receive, send)


# -- the error body: ``detail`` for programs, ``message`` for people -------------------------


class ErrorBody(BaseModel):
    """Every error answer of the API (as JSON)."""

    detail: str | list[dict[str, Any]] = Field(
        description="What went wrong, for a program: a sentence in English (a 429 for a "
        "consent link: in the asked language), or for 422 one entry per refused field with "
        "its location and the reason (never the value sent)."
    )
    message: str = Field(
        description="What went wrong, for a person, in the language of the Accept-Language "
        "header (Swedish or English; Swedish when it names neither)."
    )


ERRORS: dict[int, str] = {
    400: "The request could not be used (for example a wrong code).",
    401: "Not signed in to the privacy console.",
    403: "Signed in, but not allowed (role, or a missing or wrong CSRF token).",
    404: "Unknown, expired or someone else's: the same answer for each.",
    409: "Not possible in the current state (for example the notice changed meanwhile).",
    410: "The link has expired or was used.",
    413: "The body is larger than the server accepts.",
    415: "The body is not application/json.",
    422: "A field is missing or not valid; nothing was stored.",
    429: "Too many requests; try again later.",
    500: "Something failed on the server; the error is logged without its values.",
}


# FastAPI's detail for a body it could not decode (not UTF-8 where JSON was declared).
UNREADABLE_BODY = "There was an error parsing the body"
NOT_JSON = [{"type": "json_invalid", "loc": ["body"], "msg": "the body is not JSON in UTF-8"}]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each code with its meaning and the error body (and 500,
    which any route may answer)."""
    return {code: {"model": ErrorBody, "description": ERRORS[code]} for code in (*codes, 500)}


class ApiError(HTTPException):
    """An HTTP error with the words a person reads (an English msgid of the catalogue)."""

    def __init__(
        self, status_code: int, detail: str, *, words: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.words = words


def asked_language(request: Request, fallback: str | None = None) -> str:
    """The language a client asks for: Accept-Language, else ``fallback``, else Swedish."""
    asked = from_accept_language(request.headers.get("accept-language"))
    return asked or language(fallback or DEFAULT_LANGUAGE)


def error_answer(
    request: Request,
    status: int,
    detail: Any,
    *,
    words: str,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The JSON error body, with ``message`` in the asked language."""
    lang = asked_language(request)
    answer = JSONResponse(
        {"detail": detail, "message": translate(lang, words)},
        status_code=status,
        headers=dict(headers or {}),
    )
    answer.headers["Content-Language"] = lang
    return answer


def install_error_answers(app: FastAPI) -> None:
    """Every error answer of ``app`` as :class:`ErrorBody` (the pages answer their own)."""

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (204, 304) or exc.status_code < 200:
            return Response(status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 400 and exc.detail == UNREADABLE_BODY:
            # Bytes that are not UTF-8 where JSON was declared: FastAPI answers 400, where a
            # JSON syntax error gets 422. One answer for both, as every operation declares.
            return error_answer(request, 422, NOT_JSON, words=for_status(422))
        words = getattr(exc, "words", None) or for_status(exc.status_code)
        return error_answer(request, exc.status_code, exc.detail, words=words, headers=exc.headers)

    @app.exception_handler(VarnaError)
    async def _domain_error(request: Request, exc: VarnaError) -> JSONResponse:
        status = 422 if isinstance(exc, InputRefused | InvalidIdentifier) else 409
        if isinstance(exc, InvalidLink | UnknownSubject):
            status = 404
        return error_answer(request, status, str(exc), words=for_error(exc, status))

    @app.exception_handler(RequestValidationError)
    async def _invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's answer would echo each refused value ("input"): an e-mail, a personnummer.
        errors = [{k: v for k, v in error.items() if k != "input"} for error in exc.errors()]
        return error_answer(request, 422, jsonable_encoder(errors), words=for_status(422))
