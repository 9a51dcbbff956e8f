"""Sensitive-data scanner: identifiers, special categories, and the intake guard.

Framework-free (stdlib, phonenumbers). Public API::

    scan(text) -> list[Finding]                      # promise P4: tickets are scanned
    guard_text(text, special_policy=..., today=...)  # promises C2, C3, C4
    find_special(text), SpecialMatcher(load_lexicon(extra_text))
"""

from __future__ import annotations

from varna.domain.scan.errors import ChildDataRefused, ControlCharacters, SensitiveContentRefused
from varna.domain.scan.findings import (
    ALL_TYPES,
    IDENTIFIER_TYPES,
    SPECIAL_CATEGORIES,
    Finding,
    resolve_overlaps,
)
from varna.domain.scan.guard import GuardResult, PrivacyEvent, SpecialPolicy, guard_text, mask_card
from varna.domain.scan.lexicon import Lexicon, LexiconError, parse_lexicon
from varna.domain.scan.scanner import scan
from varna.domain.scan.special import SpecialMatcher, find_special, load_lexicon

__all__ = [
    "ALL_TYPES",
    "IDENTIFIER_TYPES",
    "SPECIAL_CATEGORIES",
    "ChildDataRefused",
    "ControlCharacters",
    "Finding",
    "GuardResult",
    "Lexicon",
    "LexiconError",
    "PrivacyEvent",
    "SensitiveContentRefused",
    "SpecialMatcher",
    "SpecialPolicy",
    "find_special",
    "guard_text",
    "load_lexicon",
    "mask_card",
    "parse_lexicon",
    "resolve_overlaps",
    "scan",
]
