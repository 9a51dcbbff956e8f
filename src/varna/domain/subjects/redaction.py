"""Redaction of other people's data in a person's extract (Art. 15(4)).

In the person's free text, e-mail addresses, phone numbers and personnummer that are not the
person's own, and the names of other people linked to the same records (a colleague, the
author of another message), are replaced by :data:`REDACTED`. Erasure writes the same marker
where it removes a person's identifiers from someone else's text, so another person's extract
reads the same before and after.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from varna.domain import identifiers
from varna.domain.errors import InvalidIdentifier

REDACTED = "[redacted]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Digit runs that may be a phone number or a personnummer: +46 70 123 45 67, 070-123 45 67,
# 19850412-1234, 850412-1234.
_NUMBER = re.compile(r"(?<![\w+])\+?\d[\d \-]{7,16}\d(?!\w)")


def _canonical(candidate: str) -> str | None:
    compact = candidate.replace(" ", "")
    for parse in (identifiers.personnummer, identifiers.phone):
        try:
            return parse(compact)
        except InvalidIdentifier:
            continue
    return None


def redact_text(text: str, *, own: Collection[str], other_names: Collection[str]) -> str:
    """``text`` with identifiers not in ``own`` (canonical forms) and ``other_names`` replaced."""

    def email(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).lower() in own else REDACTED

    def number(match: re.Match[str]) -> str:
        canonical = _canonical(match.group(0))
        if canonical is None or canonical in own:
            return match.group(0)
        return REDACTED

    result = _NUMBER.sub(number, _EMAIL.sub(email, text))
    for name in sorted(other_names, key=len, reverse=True):
        if len(name) >= 3 and name != REDACTED:
            result = re.sub(re.escape(name), REDACTED, result, flags=re.IGNORECASE)
    return result
