"""Payment card numbers (PAN): issuer ranges (BIN/IIN) by brand, length and Luhn."""

from __future__ import annotations

from varna.domain.scan.checksums import luhn_ok

# (low prefix, high prefix, allowed lengths, brand); prefixes compared on equal length.
_RANGES: tuple[tuple[int, int, tuple[int, ...], str], ...] = (
    (4, 4, (13, 16, 19), "visa"),
    (51, 55, (16,), "mastercard"),
    (2221, 2720, (16,), "mastercard"),
    (34, 34, (15,), "amex"),
    (37, 37, (15,), "amex"),
    (6011, 6011, (16, 17, 18, 19), "discover"),
    (644, 649, (16, 17, 18, 19), "discover"),
    (65, 65, (16, 17, 18, 19), "discover"),
    (622126, 622925, (16, 17, 18, 19), "discover"),
    (62, 62, (16, 17, 18, 19), "unionpay"),
    (3528, 3589, (16, 17, 18, 19), "jcb"),
    (300, 305, (14, 15, 16, 17, 18, 19), "diners"),
    (3095, 3095, (14, 15, 16, 17, 18, 19), "diners"),
    (36, 36, (14, 15, 16, 17, 18, 19), "diners"),
    (38, 39, (14, 15, 16, 17, 18, 19), "diners"),
    (2200, 2204, (16, 17, 18, 19), "mir"),
    (50, 50, (12, 13, 14, 15, 16, 17, 18, 19), "maestro"),
    (56, 69, (12, 13, 14, 15, 16, 17, 18, 19), "maestro"),
)


def _index() -> dict[str, tuple[tuple[int, ...], str]]:
    table: dict[str, tuple[tuple[int, ...], str]] = {}
    for low, high, lengths, brand in reversed(_RANGES):  # earlier rows win
        width = len(str(low))
        for p in range(low, high + 1):
            table[str(p).zfill(width)] = (lengths, brand)
    return table


_BY_PREFIX = _index()
_WIDTHS = sorted({len(k) for k in _BY_PREFIX}, reverse=True)


def card_brand(digits: str) -> str | None:
    """The brand whose range and length fit ``digits`` (Luhn not checked), or None."""
    n = len(digits)
    if not 13 <= n <= 19:
        return None
    for w in _WIDTHS:
        hit = _BY_PREFIX.get(digits[:w])
        if hit is not None and n in hit[0]:
            return hit[1]
    return None


def is_card(digits: str) -> bool:
    """A plausible payment card number: 13-19 digits, a known issuer range and Luhn."""
    return card_brand(digits) is not None and luhn_ok(digits)


def card_grouping(groups: tuple[int, ...]) -> bool:
    """True for the ways cards are printed: 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-1."""
    if len(groups) == 1:
        return True
    if groups in ((4, 6, 5), (4, 6, 4)):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4
