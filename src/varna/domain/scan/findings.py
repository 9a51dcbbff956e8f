"""What the scanner reports: one :class:`Finding` per span of sensitive data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

IDENTIFIER_TYPES: tuple[str, ...] = (
    "personnummer",
    "samordningsnummer",
    "orgnr",
    "iccid",
    "imsi",
    "imei",
    "imeisv",
    "phone",
    "email",
    "ipv4",
    "ipv6",
    "mac",
    "iban",
    "bankgiro",
    "plusgiro",
    "card",
    "gps",
    "cell_id",
)

SPECIAL_CATEGORIES: tuple[str, ...] = (
    "health",
    "religion",
    "political",
    "trade_union",
    "ethnic_origin",
    "sex_life",
    "genetic",
    "biometric",
    "criminal",
)

SPECIAL_PREFIX = "special:"

ALL_TYPES: tuple[str, ...] = IDENTIFIER_TYPES + tuple(
    SPECIAL_PREFIX + c for c in SPECIAL_CATEGORIES
)


@dataclass(frozen=True, slots=True)
class Finding:
    """A span ``text[start:end]`` (end exclusive) that holds data of ``type``.

    ``confidence`` is in (0, 1]: checksum-confirmed identifiers with a matching context word
    score highest, structure-only matches lower. A finding never carries the matched text.
    """

    type: str
    start: int
    end: int
    confidence: float

    @property
    def is_special(self) -> bool:
        """True for GDPR Art. 9 (and Art. 10 criminal) categories."""
        return self.type.startswith(SPECIAL_PREFIX)

    @property
    def category(self) -> str:
        """The special category without prefix (``health``), or the type itself."""
        return self.type[len(SPECIAL_PREFIX) :] if self.is_special else self.type

    def as_dict(self) -> dict[str, object]:
        """The JSON shape the CLI prints: type, start, end, confidence."""
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 3),
        }


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep one type per span: where findings overlap, the most confident wins.

    Ties go to the longer span, then to the earlier one. The result is sorted by start.
    Runs in O(n log n): only clusters of mutually overlapping findings are ranked.
    """
    items = sorted(findings, key=lambda f: (f.start, f.end))
    out: list[Finding] = []
    cluster: list[Finding] = []
    cluster_end = -1
    for f in items:
        if cluster and f.start >= cluster_end:
            out.extend(_pick(cluster))
            cluster = []
        cluster.append(f)
        cluster_end = f.end if len(cluster) == 1 else max(cluster_end, f.end)
    if cluster:
        out.extend(_pick(cluster))
    return out


def _pick(cluster: list[Finding]) -> list[Finding]:
    if len(cluster) == 1:
        return cluster
    ranked = sorted(cluster, key=lambda f: (-f.confidence, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept
