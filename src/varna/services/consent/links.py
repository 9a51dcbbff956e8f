"""Signed links to a person's privacy center: sent by e-mail and in every message, they let
the person see and change their consents without an account (C7, D6).

A link carries the person id and an expiry, signed with HMAC-SHA256 under the secret key;
nothing is stored, and a forged or expired link is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from varna.services.consent.decisions import InvalidLink

LINK_LIFETIME = timedelta(days=30)


class AccessLinks:
    def __init__(self, secret: bytes, *, lifetime: timedelta = LINK_LIFETIME) -> None:
        self._key = hashlib.sha256(b"varna.privacy-center\0" + secret).digest()
        self.lifetime = lifetime

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode("ascii")

    def issue(self, person_id: int, *, at: datetime) -> str:
        payload = f"{person_id}.{int((at + self.lifetime).timestamp())}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, token: str, *, at: datetime) -> int:
        """The person id of a valid link; InvalidLink otherwise."""
        try:
            person, expires, signature = token.split(".")
            payload = f"{int(person)}.{int(expires)}"
        except ValueError:
            raise InvalidLink from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidLink
        if int(expires) < at.timestamp():
            raise InvalidLink
        return int(person)
