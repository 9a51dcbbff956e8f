"""A person's identifiers, normalised into the keys varna looks them up by (D1-D5).

Each identifier is checked and brought to the form varna stores: e-mail lower-cased, phone
numbers and MSISDNs in E.164, personnummer and samordningsnummer as 12 digits. A malformed
identifier raises :class:`InvalidIdentifier` naming which and why, never repeating the value.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from varna.catalog.model import GIVEN_KINDS, PERSONAL_KINDS, SIM_KINDS, IdentifierKind
from varna.domain import identifiers
from varna.domain.errors import InvalidIdentifier


@dataclass(frozen=True, slots=True)
class SubjectKey:
    """One identifier in its canonical form; ``kind`` is one of :data:`GIVEN_KINDS`."""

    kind: IdentifierKind
    value: str


def normalise(kind: str, raw: str, *, today: date | None = None) -> SubjectKey:
    """The canonical key for ``raw``; raises InvalidIdentifier naming the kind and the reason."""
    if kind not in GIVEN_KINDS:
        expected = ", ".join(GIVEN_KINDS)
        raise InvalidIdentifier("identifier", f"unknown kind; expected one of {expected}")
    given = IdentifierKind(kind)
    if given is IdentifierKind.EMAIL:
        return SubjectKey(given, identifiers.email(raw))
    if given is IdentifierKind.PHONE:
        return SubjectKey(given, identifiers.phone(raw))
    if given is IdentifierKind.PERSONNUMMER:
        return SubjectKey(given, identifiers.personnummer(raw, today=today))
    if given is IdentifierKind.ICCID:
        return SubjectKey(given, identifiers.iccid(raw))
    if given is IdentifierKind.IMSI:
        return SubjectKey(given, identifiers.imsi(raw))
    if given is IdentifierKind.MSISDN:
        return SubjectKey(given, identifiers.msisdn(raw))
    if given is IdentifierKind.END_USER_REF:
        value = raw.strip()
        if not value or len(value) > 120:
            raise InvalidIdentifier("end-user reference", "must be 1 to 120 characters")
        return SubjectKey(given, value)
    if not raw.strip().isdigit() or int(raw) < 1:
        raise InvalidIdentifier("person id", "must be a positive whole number")
    return SubjectKey(given, str(int(raw)))


def normalise_all(
    given: Iterable[tuple[str, str]], *, today: date | None = None
) -> list[SubjectKey]:
    """Every (kind, raw) pair normalised; at least one is needed."""
    keys = [normalise(kind, raw, today=today) for kind, raw in given]
    if not keys:
        raise InvalidIdentifier("identifier", f"give at least one of {', '.join(GIVEN_KINDS)}")
    return keys


def text_forms(key: SubjectKey) -> tuple[str, ...]:
    """The ways ``key`` is commonly written in free text, lower-cased, for mention search."""
    value = key.value
    if key.kind == IdentifierKind.EMAIL:
        return (value.lower(),)
    if key.kind in (IdentifierKind.PHONE, IdentifierKind.MSISDN) and value.startswith("+46"):
        national = "0" + value[3:]
        area, rest = national[:3], national[3:]
        groups = {" ".join(rest[i : i + 2] for i in range(0, len(rest), 2))}
        if len(rest) >= 7:  # the Swedish habit: 070-123 45 67
            groups.add(f"{rest[:-4]} {rest[-4:-2]} {rest[-2:]}")
        spaced = sorted(groups)
        return (
            value,
            national,
            f"{area}-{rest}",
            *(f"{area}-{g}" for g in spaced),
            *(f"{area} {g}" for g in spaced),
        )
    if key.kind in (IdentifierKind.PHONE, IdentifierKind.MSISDN):
        return (value,)
    if key.kind == IdentifierKind.PERSONNUMMER:
        short = value[2:]
        return (value, f"{value[:8]}-{value[8:]}", f"{short[:6]}-{short[6:]}", short)
    return ()


def keyed_hash(email_address: str, secret: bytes) -> str:
    """HMAC-SHA256 of a normalised e-mail address under ``secret``: the only thing the
    direct-marketing suppression list keeps (D8)."""
    normal = identifiers.email(email_address)
    return hmac.new(secret, normal.encode("utf-8"), hashlib.sha256).hexdigest()


__all__ = [
    "PERSONAL_KINDS",
    "SIM_KINDS",
    "IdentifierKind",
    "SubjectKey",
    "keyed_hash",
    "normalise",
    "normalise_all",
    "text_forms",
]
