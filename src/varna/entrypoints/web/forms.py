"""Reading an url-encoded form body, shared by the privacy-center and console pages (G3).

A body that is not UTF-8, raw or %-escaped, is refused, never guessed at: a guess (bytes
replaced by U+FFFD) would store a wrong address or mail a link to one."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request


async def read_utf8_form(request: Request) -> dict[str, str] | None:
    """The form as a flat dict (last value wins); None when it is not UTF-8."""
    try:  # the body, and every %-escape in it
        raw = (await request.body()).decode("utf-8")
        fields = parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None
    return {k: v[-1] for k, v in fields.items()}
