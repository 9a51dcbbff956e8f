"""Reading a run of digits: which identifier is it, if any?

The master pattern hands over a *chunk*: digits joined by single spaces, dashes or plus signs
(``070-174 06 05``, ``4111 1111 1111 1111``, ``19121212-1212``). :func:`classify` lists every
reading that passes its structure and checksum test, weighs them by how the number is grouped
and by the nearest label, and returns the best. :func:`split_chunk` handles lists such as
``352099001761481 352099001761499`` whose whole does not read as one identifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from varna.domain.scan.cards import card_grouping, is_card
from varna.domain.scan.checksums import luhn_ok
from varna.domain.scan.phone import is_phone
from varna.domain.scan.swedish import is_bankgiro, is_orgnr, is_plusgiro, person_kind
from varna.domain.scan.telecom import COMMON_RBI, imsi_strength, is_iccid, is_imei, is_imeisv

_DEL_SEPS = str.maketrans("", "", " -+")
_DEL_DIGITS = str.maketrans("", "", "0123456789")
_RUN = re.compile(r"\d+")

# Which label kinds (see context.py) support which type.
_SUPPORT: dict[str, tuple[str, ...]] = {
    "personnummer": ("pnr", "samnr"),
    "samordningsnummer": ("samnr", "pnr"),
    "orgnr": ("orgnr",),
    "iccid": ("iccid",),
    "imsi": ("imsi",),
    "imei": ("imei", "imeisv"),
    "imeisv": ("imeisv", "imei"),
    "card": ("card",),
    "phone": ("phone",),
    "bankgiro": ("bg",),
    "plusgiro": ("pg",),
}
# Under an order/invoice/reference label only readings that must never be stored in clear
# (cards: PCI) or that cannot be confused with a reference (ICCID, +CC phone) survive.
_SURVIVE_ORDER = frozenset({"card", "iccid"})
_BOOST = 0.2

Reading = tuple[str, float]


class _Label:
    """The nearest label, looked up only when a decision needs it (most chunks never do)."""

    __slots__ = ("_fn", "_done", "_value")

    def __init__(self, fn: Callable[[], str | None]) -> None:
        self._fn = fn
        self._done = False
        self._value: str | None = None

    def get(self) -> str | None:
        if not self._done:
            self._value = self._fn()
            self._done = True
        return self._value


def classify(chunk: str, label_fn: Callable[[], str | None]) -> Reading | None:
    """The best (type, confidence) reading of ``chunk``, or None.

    ``label_fn`` returns the nearest label kind (see :mod:`context`); it is called at most
    once, and only when the chunk has a valid reading or a reading that needs a label.
    """
    plus = chunk[0] == "+"
    body = chunk[1:] if plus else chunk
    digits = body.translate(_DEL_SEPS)
    n = len(digits)
    if n < 5:
        return None
    label = _Label(label_fn)
    seps = body.translate(_DEL_DIGITS)
    groups = tuple(len(g) for g in _RUN.findall(body)) if seps else (n,)
    if plus:
        if is_phone(digits, plus=True, labelled=False):
            return ("phone", 0.99 if label.get() == "phone" else 0.92)
        return None

    cands: list[Reading] = []
    if n in (10, 12):
        kind = person_kind(digits, groups, seps)
        if kind is not None:
            if seps:
                conf = 0.92
            elif n == 10 and digits[0] == "0":
                conf = 0.7  # also a Swedish phone number shape: a pnr label must say so
            else:
                conf = 0.82
            cands.append((kind, conf))
        elif is_orgnr(digits, groups, seps):
            cands.append(("orgnr", 0.9 if seps or n == 12 else 0.8))
    if n <= 8 and (seps or luhn_ok(digits)):
        if n >= 7 and is_bankgiro(digits, groups, seps, labelled=not seps and label.get() == "bg"):
            cands.append(("bankgiro", 0.85))
        if is_plusgiro(digits, groups, seps, labelled=not seps and label.get() == "pg"):
            cands.append(("plusgiro", 0.8))
    if n == 15:
        if is_imei(digits):
            cands.append(("imei", 0.93 if groups in ((15,), (2, 6, 6, 1), (8, 6, 1)) else 0.85))
        elif digits[0] in "234567":
            s = imsi_strength(digits, labelled=label.get() == "imsi")
            if s:
                cands.append(("imsi", s))
    elif n == 16 and is_imeisv(digits):
        if groups in ((2, 6, 6, 2), (8, 6, 2)):
            cands.append(("imeisv", 0.9))
        elif groups == (16,):
            lab = label.get()
            if lab in ("imeisv", "imei"):
                cands.append(("imeisv", 0.9))
            elif digits[:2] in COMMON_RBI and lab != "card":
                cands.append(("imeisv", 0.72))
    elif 18 <= n <= 20 and is_iccid(digits):
        cands.append(("iccid", 0.96))
    if 13 <= n <= 19 and card_grouping(groups) and is_card(digits):
        cands.append(("card", 0.91 if len(groups) > 1 else 0.88))
    if 7 <= n <= 15:
        if digits[0] == "0":
            if is_phone(digits, plus=False, labelled=False):
                conf = 0.85 if groups[0] <= 5 or len(groups) == 1 else 0.5
                cands.append(("phone", conf))
        elif (
            not cands
            and n >= 10
            and label.get() == "phone"
            and is_phone(digits, plus=False, labelled=True)
        ):
            cands.append(("phone", 0.8))
    if not cands:
        return None
    lab = label.get()
    if lab == "order":
        cands = [c for c in cands if c[0] in _SURVIVE_ORDER]
        if not cands:
            return None
    best: Reading | None = None
    for kind, conf in cands:
        if lab is not None and lab in _SUPPORT.get(kind, ()):
            conf = min(0.99, conf + _BOOST)
        if best is None or conf > best[1]:
            best = (kind, conf)
    return best


def split_chunk(
    text: str, start: int, end: int, label_at: Callable[[int], str | None]
) -> list[tuple[str, float, int, int]]:
    """Readings of the pieces of a chunk that does not read as a whole.

    Greedy from the left: at each digit group, the longest run of up to six groups that
    reads as an identifier wins; otherwise move one group on.
    """
    spans = [(m.start(), m.end()) for m in _RUN.finditer(text, start, end)]
    if len(spans) >= 3 and all(e - s == 4 for s, e in spans[:-1]):
        return []  # printed like a card: a mistyped card number, not a list of numbers
    if text[start] == "+" and spans:
        spans[0] = (start, spans[0][1])
    out: list[tuple[str, float, int, int]] = []
    i, k = 0, len(spans)
    while i < k:
        hit = False
        for j in range(min(k, i + 6), i, -1):
            if i == 0 and j == k:
                continue  # the whole chunk was already tried
            s, e = spans[i][0], spans[j - 1][1]
            if e - s < 5:
                break
            reading = classify(text[s:e], partial(label_at, s))
            if reading is not None:
                out.append((reading[0], reading[1], s, e))
                i = j
                hit = True
                break
        if not hit:
            i += 1
    return out
