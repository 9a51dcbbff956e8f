"""Headers every answer carries, so a browser keeps varna's links and pages to itself.

* ``Referrer-Policy: no-referrer``: a page whose address holds a secret (a consent-center
  link, an unsubscribe token) never hands that address to the next site in a Referer header.
* ``X-Frame-Options: DENY``: no other site can frame the admin console or a privacy-center
  form and trick a click (the cookie banner is embedded as a script, never as a frame).
* ``X-Content-Type-Options: nosniff``: a download is what its media type says.
* ``Content-Security-Policy``: scripts, styles, images, frames, forms and plug-ins of varna's
  own origin only, and no inline script or style: text that slipped into a page as markup
  (a person's name, a request's details) cannot run as a script or load from elsewhere.
  A route may send a tighter policy of its own (the logo: no script at all).
* ``Permissions-Policy``: no page of varna uses the camera, microphone, location, payment or
  the like; a script that slipped in cannot ask for them either.
* ``Cross-Origin-Opener-Policy: same-origin``: a page another site opened in a new window
  cannot reach back into varna's page through ``window.opener`` (and the other way round).
* ``Strict-Transport-Security`` outside demo mode: once a browser has reached varna over
  HTTPS it never uses plain HTTP for it again (a session cookie or a secret link cannot be
  read on the way). The demo runs on a laptop over plain HTTP and sends none: a browser would
  then refuse plain HTTP to that host for a year."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from varna.config import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    )
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, demo: bool = False) -> None:
        self.app = app
        self.headers = dict(HEADERS)
        if not demo:
            self.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def secure_cookies(settings: Settings) -> bool:
    """Whether the cookies varna sets carry ``Secure`` (sent over HTTPS only): always when
    varna's public address is HTTPS, and outside demo mode unless that address is plain HTTP
    on the machine itself (a developer's own computer, where no cookie crosses a network and a
    browser would keep no session otherwise)."""
    public = urlsplit(settings.public_url)
    if public.scheme == "https":
        return True
    return not settings.demo and not _loopback(public.hostname or "")
