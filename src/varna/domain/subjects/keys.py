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

from varna.domain import identifiers
from varna.domain.errors import InvalidIdentifier

PERSON_ID = "person_id"
KINDS = (
    "email",
    "phone",
    "personnummer",
    "iccid",
    "imsi",
    "msisdn",
    "end_user_ref",
    PERSON_ID,
)
# Identifiers a person carries themselves; the others name a SIM (processor data, A3).
PERSONAL_KINDS = frozenset({"email", "phone", "personnummer", PERSON_ID})
# The identifiers of a SIM: they route a request to the SIM's controller (A3).
SIM_KINDS = frozenset({"iccid", "imsi", "msisdn"})


@dataclass(frozen=True, slots=True)
class SubjectKey:
    """One identifier in its canonical form; ``kind`` is one of :data:`KINDS`."""

    kind: str
    value: str


def normalise(kind: str, raw: str, *, today: date | None = None) -> SubjectKey:
    """The canonical key for ``raw``; raises InvalidIdentifier naming the kind and the reason."""
    if kind == "email":
        return SubjectKey(kind, identifiers.email(raw))
    if kind == "phone":
        return SubjectKey(kind, identifiers.phone(raw))
    if kind == "personnummer":
        return SubjectKey(kind, identifiers.personnummer(raw, today=today))
    if kind == "iccid":
        return SubjectKey(kind, identifiers.iccid(raw))
    if kind == "imsi":
        return SubjectKey(kind, identifiers.imsi(raw))
    if kind == "msisdn":
        return SubjectKey(kind, identifiers.msisdn(raw))
    if kind == "end_user_ref":
        value = raw.strip()
        if not value or len(value) > 120:
            raise InvalidIdentifier("end-user reference", "must be 1 to 120 characters")
        return SubjectKey(kind, value)
    if kind == PERSON_ID:
        if not raw.strip().isdigit() or int(raw) < 1:
            raise InvalidIdentifier("person id", "must be a positive whole number")
        return SubjectKey(kind, str(int(raw)))
    raise InvalidIdentifier("identifier", f"unknown kind; expected one of {', '.join(KINDS)}")


def normalise_all(
    given: Iterable[tuple[str, str]], *, today: date | None = None
) -> list[SubjectKey]:
    """Every (kind, raw) pair normalised; at least one is needed."""
    keys = [normalise(kind, raw, today=today) for kind, raw in given]
    if not keys:
        raise InvalidIdentifier("identifier", f"give at least one of {', '.join(KINDS)}")
    return keys


def text_forms(key: SubjectKey) -> tuple[str, ...]:
    """The ways ``key`` is commonly written in free text, lower-cased, for mention search."""
    value = key.value
    if key.kind == "email":
        return (value.lower(),)
    if key.kind in ("phone", "msisdn") and value.startswith("+46"):
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
    if key.kind in ("phone", "msisdn"):
        return (value,)
    if key.kind == "personnummer":
        short = value[2:]
        return (value, f"{value[:8]}-{value[8:]}", f"{short[:6]}-{short[6:]}", short)
    return ()


def keyed_hash(email_address: str, secret: bytes) -> str:
    """HMAC-SHA256 of a normalised e-mail address under ``secret``: the only thing the
    direct-marketing suppression list keeps (D8)."""
    normal = identifiers.email(email_address)
    return hmac.new(secret, normal.encode("utf-8"), hashlib.sha256).hexdigest()
