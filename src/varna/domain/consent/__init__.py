"""Consent, framework-free: the ledger's events, the fold to current state, notice versions
with their text hashes, and the age rule (promises C4, C5, C7, D6)."""

from __future__ import annotations

from varna.domain.consent.age import MIN_AGE, AgeNotConfirmed, ChildConsentRefused, check_age
from varna.domain.consent.events import (
    Channel,
    ConsentEvent,
    ConsentSubject,
    EventKind,
    InvalidConsentSubject,
)
from varna.domain.consent.fold import ConsentState, Status, current_state, fold
from varna.domain.consent.notice import Notice, NoticeItem, NoticeVersion, sha256_text

__all__ = [
    "MIN_AGE",
    "AgeNotConfirmed",
    "Channel",
    "ChildConsentRefused",
    "ConsentEvent",
    "ConsentState",
    "ConsentSubject",
    "EventKind",
    "InvalidConsentSubject",
    "Notice",
    "NoticeItem",
    "NoticeVersion",
    "Status",
    "check_age",
    "current_state",
    "fold",
    "sha256_text",
]
