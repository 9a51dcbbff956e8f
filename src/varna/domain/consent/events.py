"""The events of the consent ledger: append-only, one per decision (C7, D6, R-LB-02)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from varna.domain.audit import Actor, SystemActor
from varna.domain.errors import VarnaError

BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\Z")  # \Z: "$" would let a final newline in
LANGUAGES = ("sv", "en")


class InvalidConsentSubject(VarnaError):
    """A consent names neither a person nor a well-formed anonymous browser id."""


class EventKind(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Channel(StrEnum):
    """Where the decision was made."""

    BANNER = "banner"
    PRIVACY_CENTER = "privacy_center"
    API = "api"
    IMPORT = "import"
    GPC = "gpc"  # the browser's Global Privacy Control signal (Sec-GPC: 1)
    UNSUBSCRIBE = "unsubscribe"  # the one-click link in a message
    EXPIRY = "expiry"  # not a decision: the consent outlived its validity (expiry.py)


@dataclass(frozen=True, slots=True)
class ConsentSubject:
    """Whose consent: a person (people.id) or an anonymous browser (a random id it keeps)."""

    person_id: int | None = None
    browser_id: str | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.browser_id is None):
            raise InvalidConsentSubject("a consent belongs to one person or one browser id")
        if self.browser_id is not None and not BROWSER_ID.match(self.browser_id):
            raise InvalidConsentSubject("browser id: 16-64 letters, digits, - or _")

    @classmethod
    def person(cls, person_id: int) -> ConsentSubject:
        return cls(person_id=person_id)

    @classmethod
    def browser(cls, browser_id: str) -> ConsentSubject:
        return cls(browser_id=browser_id)

    @property
    def reference(self) -> str:
        """How the audit log names the subject: an id, never personal data."""
        if self.person_id is None:
            return SystemActor.BROWSER
        return Actor.person(self.person_id)


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One decision about one purpose (or cookie category), as it was shown and made.

    ``text_hash`` is the SHA-256 of the exact notice text shown, in ``language``; the raw IP
    address is never part of an event."""

    subject: ConsentSubject
    purpose: str
    kind: EventKind
    notice_version: str
    text_hash: str
    channel: Channel
    language: str
    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("consent events carry timezone-aware times")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
