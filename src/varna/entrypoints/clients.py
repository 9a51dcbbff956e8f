"""Who sent an HTTP request, for the limits that count per client (requests, consent links,
staff sign-in)."""

from __future__ import annotations

from starlette.requests import Request


def client_of(request: Request) -> str:
    """The network address a request came from (the proxy's forwarded address when the server
    trusts it; see ``FORWARDED_ALLOW_IPS`` in docs/requests.md)."""
    return request.client.host if request.client else "unknown"
