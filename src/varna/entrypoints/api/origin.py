"""State-changing requests from a browser come from varna's own pages (A1, R6).

A page on another site can make a visitor's browser post a form to varna: record "accept all"
cookies for that browser, ask for a consent link, sign the visitor in to someone else's
console account. The console's forms and JSON calls carry a CSRF token besides; the public
forms carry no session and nothing to check a token against. So every POST, PUT, PATCH and
DELETE is refused with 403 when the browser says it comes from elsewhere:

* ``Sec-Fetch-Site`` (sent by current browsers) other than ``same-origin`` or ``none`` (typed
  or bookmarked by the person);
* without it, an ``Origin`` header naming another site than the one asked (``null``, which a
  browser sends for a page with ``Referrer-Policy: no-referrer``, as varna's own, passes).

Programs (curl, the API's clients) send neither header and pass. Exempt, as cross-site by
design: the two calls the cookie banner makes from other sites' pages (CORS), and the one-click
unsubscribe that a mail program posts from wherever it runs (``List-Unsubscribe-Post``; the
secret token in its address is what protects it)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from varna.entrypoints.api.errors import error_answer
from varna.i18n import DEFAULT_LANGUAGE, N_, from_accept_language, translate

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_BY_DESIGN = frozenset({"/api/v1/consent/banner", "/api/v1/consent/notice"})
ONE_CLICK_UNSUBSCRIBE = "/unsubscribe/"
SAME_ORIGIN = frozenset({"same-origin", "none"})
REFUSED = N_(
    "This form was sent from another website and was not accepted. "
    "Open the page here and send it again."
)


def from_elsewhere(headers: Headers, scheme: str) -> bool:
    """Whether the browser says the request comes from another site than the one asked."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in SAME_ORIGIN
    origin = headers.get("origin")
    if origin is None or origin.strip() == "null":
        return False
    parts = urlsplit(origin.strip())
    host = headers.get("host", "")
    return parts.netloc.lower() != host.lower() or parts.scheme not in (scheme, "https")


class SameOriginWrites:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in UNSAFE
            and scope["path"] not in CROSS_SITE_BY_DESIGN
            and not scope["path"].startswith(ONE_CLICK_UNSUBSCRIBE)
            and from_elsewhere(Headers(scope=scope), scope.get("scheme", "http"))
        ):
            request = Request(scope)
            answer: Response
            if scope["path"].startswith("/api/"):
                answer = error_answer(request, 403, "cross-site request refused", words=REFUSED)
            else:
                lang = from_accept_language(request.headers.get("accept-language"))
                answer = PlainTextResponse(translate(lang or DEFAULT_LANGUAGE, REFUSED), 403)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)
