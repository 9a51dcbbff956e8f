"""Context words: the label written just before a candidate decides between look-alikes.

Only the last few words before a candidate, within :data:`WINDOW` characters and the same
sentence, are read, nearest first; the first that is a known label wins. So in
"IMEI 35..., ICCID 89..." each number reads its own label. Context never creates a finding
from a number that fails its structure or checksum test; it only picks among valid readings,
raises confidence, and for a few weak formats (IMSI with a rare country code, bankgiro
written without a dash) supplies the missing evidence. An order, invoice or reference label
suppresses readings that a reference number could fake.
"""

from __future__ import annotations

import re

WINDOW = 40
MAX_WORDS = 4

_WORD = re.compile(r"[^\W\d_]+(?:[.\-][^\W\d_]+)*\.?")
_SENTENCE_END = re.compile(r".*(?:[.!?]\s+(?=[A-ZÅÄÖ])|\n)", re.DOTALL)

# kind -> (exact words, word prefixes); words are matched lower-case.
_LABELS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "imeisv": (frozenset({"imeisv", "imei-sv", "svn"}), ("imeisv",)),
    "imei": (frozenset({"imei", "serienr", "serial", "serienummer", "tac"}), ("imei",)),
    "iccid": (
        frozenset({"iccid", "sim", "simkort", "simkortet", "sim-kort", "sim-kortet", "sim-card"}),
        ("iccid", "sim-kort", "simkort"),
    ),
    "imsi": (frozenset({"imsi"}), ("imsi",)),
    "samnr": (frozenset({"samnr"}), ("samordningsn", "coordination")),
    "pnr": (
        frozenset(
            {
                "pnr",
                "p-nr",
                "pers.nr",
                "pers.",
                "ssn",
                "född",
                "born",
                "id-nummer",
                "identity",
                "personal",
            }
        ),
        ("personnum", "personnr", "personal"),
    ),
    "orgnr": (
        frozenset(
            {
                "org.",
                "org",
                "org.nr",
                "org-nr",
                "orgnr",
                "org.no",
                "registration",
                "corporate",
                "vat",
                "momsreg.nr",
            }
        ),
        ("organisationsn", "organisationsnr", "orgnr", "org.nr", "organization", "organisation"),
    ),
    "card": (
        frozenset(
            {
                "kort",
                "kortet",
                "kortnr",
                "card",
                "visa",
                "mastercard",
                "amex",
                "maestro",
                "pan",
                "jcb",
                "discover",
            }
        ),
        ("kortnum", "kreditkort", "betalkort", "bankkort", "card"),
    ),
    "phone": (
        frozenset(
            {
                "tel",
                "tel.",
                "telefon",
                "phone",
                "mobil",
                "mobile",
                "mob",
                "ring",
                "call",
                "sms",
                "msisdn",
                "fax",
                "växel",
                "cell",
                "reach",
                "nå",
                "whatsapp",
            }
        ),
        ("telefon", "mobilnum", "mobilnr", "phone", "msisdn"),
    ),
    "bg": (frozenset({"bg", "bankgiro", "bg-nr"}), ("bankgiro",)),
    "pg": (frozenset({"pg", "plusgiro", "postgiro", "pg-nr"}), ("plusgiro", "postgiro")),
    "iban": (frozenset({"iban"}), ("iban",)),
    "version": (
        frozenset(
            {
                "version",
                "ver",
                "ver.",
                "v",
                "v.",
                "firmware",
                "fw",
                "build",
                "release",
                "mjukvara",
                "programvara",
                "mjukvaran",
                "versionen",
            }
        ),
        ("firmware", "version"),
    ),
    "order": (
        frozenset(
            {
                "order",
                "ordernr",
                "ärende",
                "case",
                "ticket",
                "ref",
                "ref.",
                "referens",
                "invoice",
                "customer",
                "avtal",
                "contract",
                "ocr",
                "sku",
                "tracking",
                "kolli",
                "batch",
                "lot",
                "art.nr",
                "booking",
                "bokning",
                "kvitto",
                "receipt",
            }
        ),
        (
            "order",
            "ärende",
            "faktura",
            "invoice",
            "kundn",
            "avtal",
            "artikel",
            "spårning",
            "tracking",
            "beställning",
            "referens",
            "ocr",
        ),
    ),
}
_EXACT: dict[str, str] = {}
for _kind, (_words, _) in _LABELS.items():
    for _w in _words:
        _EXACT.setdefault(_w, _kind)
# One alternative per kind, in the order above: the first kind with a matching prefix wins.
_PREFIX = re.compile(
    "|".join(
        f"(?P<{kind}>{'|'.join(re.escape(p) for p in prefixes)})"
        for kind, (_, prefixes) in _LABELS.items()
    )
)


def label_of(word: str) -> str | None:
    """The label kind of one lower-case word, or None."""
    kind = _EXACT.get(word)
    if kind is not None:
        return kind
    m = _PREFIX.match(word)
    return None if m is None else m.lastgroup


def nearest_label(text: str, start: int) -> str | None:
    """The kind of the label nearest before ``start`` (same sentence, few words), or None."""
    window = text[max(0, start - WINDOW) : start]
    if "\n" in window or "." in window or "!" in window or "?" in window:
        cut = _SENTENCE_END.match(window)
        if cut is not None:
            window = window[cut.end() :]
    words = _WORD.findall(window.lower())
    for word in reversed(words[-MAX_WORDS:]):
        kind = label_of(word)
        if kind is not None:
            return kind
    return None
