"""The scanner: identifiers and special categories in one call (promises P4, C3)."""

from __future__ import annotations

from varna.domain.scan.findings import Finding, resolve_overlaps
from varna.domain.scan.identifiers import find_identifiers
from varna.domain.scan.special import SpecialMatcher, default_matcher


def scan(text: str, *, matcher: SpecialMatcher | None = None) -> list[Finding]:
    """Every finding in ``text``, one type per span, sorted by start.

    ``matcher`` replaces the shipped special-category lexicon (for an extended one, see
    :func:`varna.domain.scan.special.load_lexicon`).
    """
    found = find_identifiers(text)
    found.extend((matcher or default_matcher()).find(text))
    return resolve_overlaps(found)
