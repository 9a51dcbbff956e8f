"""The intake guard: what every free-text intake passes before anything is stored.

Pure function, no I/O: :func:`guard_text` scans the text and

* refuses it when a personnummer, samordningsnummer or labelled birth date shows a person
  under 13 (promise C4, :class:`ChildDataRefused`);
* refuses it, or replaces the words with ``[redacted]``, when it holds special-category
  content (promise C3, :class:`SensitiveContentRefused`);
* masks every payment card number to its last four digits (promise C2, PCI);
* reports privacy events (kind, type, count) for the audit log, never the content.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Literal

from varna.domain.scan.checksums import age_on
from varna.domain.scan.errors import ChildDataRefused, ControlCharacters, SensitiveContentRefused
from varna.domain.scan.findings import Finding
from varna.domain.scan.scanner import scan
from varna.domain.scan.special import SpecialMatcher
from varna.domain.scan.swedish import person_birth_date

SpecialPolicy = Literal["refuse", "redact"]

MIN_AGE = 13
REDACTION = "[redacted]"
MASK = "*"

EVENT_CARD_MASKED = "card_masked"
EVENT_SPECIAL_REDACTED = "special_redacted"
EVENT_DETECTED = "detected"

_BIRTH = re.compile(
    r"(?<!\w)(?:född|födelsedatum|födelsedag|f\.|born(?:\s+on)?|date\s+of\s+birth|birth\s?date"
    r"|dob)\s*:?\s*(?:den\s+|on\s+)?"
    r"(?:(?P<y>(?:19|20)\d{2})-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)"
    r"|(?P<d2>[0-3]?\d)[./](?P<m2>[01]?\d)[./](?P<y2>(?:19|20)\d{2}))(?!\d)",
    re.IGNORECASE,
)
_NOT_DIGIT = str.maketrans("", "", "-+ ")


@dataclass(frozen=True, slots=True)
class PrivacyEvent:
    """Something the guard did or saw: ``kind`` of action, data ``type``, how many times."""

    kind: str
    type: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class GuardResult:
    """The cleaned text, the events to record, and the findings (offsets into ``text``)."""

    text: str
    events: tuple[PrivacyEvent, ...]
    findings: tuple[Finding, ...]


# Characters no person types and no text column should hold (PostgreSQL cannot store a NUL):
# the C0 controls but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def guard_text(
    text: str,
    *,
    special_policy: SpecialPolicy,
    today: date,
    matcher: SpecialMatcher | None = None,
) -> GuardResult:
    """Check, clean and describe ``text`` before it is stored (promises C2, C3, C4, P4).

    Raises :class:`ControlCharacters`, :class:`ChildDataRefused` or
    :class:`SensitiveContentRefused`; their messages name kinds only. Otherwise returns the
    text with cards masked and (with ``redact``) special categories replaced, the findings
    that remain, and the privacy events.
    """
    if special_policy not in ("refuse", "redact"):
        raise ValueError("special_policy must be 'refuse' or 'redact'")
    if _CONTROL.search(text):
        raise ControlCharacters
    findings = scan(text, matcher=matcher)
    _refuse_children(text, findings, today)
    special = [f for f in findings if f.is_special]
    if special and special_policy == "refuse":
        raise SensitiveContentRefused(tuple(sorted({f.type for f in special})))

    counts: Counter[tuple[str, str]] = Counter()
    parts: list[str] = []
    kept: list[Finding] = []
    pos = 0
    shift = 0
    for f in findings:
        parts.append(text[pos : f.start])
        piece = text[f.start : f.end]
        if f.is_special:
            counts[(EVENT_SPECIAL_REDACTED, f.type)] += 1
            parts.append(REDACTION)
            shift += len(REDACTION) - len(piece)
        else:
            if f.type == "card":
                piece = mask_card(piece)
                counts[(EVENT_CARD_MASKED, f.type)] += 1
            else:
                counts[(EVENT_DETECTED, f.type)] += 1
            parts.append(piece)
            kept.append(Finding(f.type, f.start + shift, f.end + shift, f.confidence))
        pos = f.end
    parts.append(text[pos:])
    events = tuple(PrivacyEvent(k, t, n) for (k, t), n in sorted(counts.items()))
    return GuardResult("".join(parts), events, tuple(kept))


def mask_card(piece: str, keep: int = 4) -> str:
    """``4111 1111 1111 1111`` -> ``**** **** **** 1111``: separators stay, digits but the
    last ``keep`` become ``*``."""
    total = sum(ch.isdigit() for ch in piece)
    out: list[str] = []
    seen = 0
    for ch in piece:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else MASK)
        else:
            out.append(ch)
    return "".join(out)


def _refuse_children(text: str, findings: list[Finding], today: date) -> None:
    for f in findings:
        if f.type not in ("personnummer", "samordningsnummer"):
            continue
        raw = text[f.start : f.end]
        born = person_birth_date(raw.translate(_NOT_DIGIT), raw, today)
        if born is not None and _is_child(born, today):
            raise ChildDataRefused(f.type, MIN_AGE)
    for m in _BIRTH.finditer(text):
        y, mo, d = (
            (m.group("y"), m.group("m"), m.group("d"))
            if m.group("y")
            else (m.group("y2"), m.group("m2"), m.group("d2"))
        )
        try:
            born = date(int(y), int(mo), int(d))
        except ValueError:
            continue
        if _is_child(born, today):
            raise ChildDataRefused("birth date", MIN_AGE)


def _is_child(born: date, today: date) -> bool:
    return born <= today and age_on(born, today) < MIN_AGE
