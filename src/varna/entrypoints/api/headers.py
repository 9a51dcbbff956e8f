"""Headers every answer carries, so a browser keeps varna's links and pages to itself.

* ``Referrer-Policy: no-referrer``: a page whose address holds a secret (a consent-center
  link, an unsubscribe token) never hands that address to the next site in a Referer header.
* ``X-Frame-Options: DENY``: no other site can frame the admin console or a privacy-center
  form and trick a click (the cookie banner is embedded as a script, never as a frame).
* ``X-Content-Type-Options: nosniff``: a download is what its media type says."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
