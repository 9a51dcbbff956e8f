"""The notice a person is shown when asked for consent, built from the catalogue: one item
per consent purpose and per non-essential cookie category (C7, C8)."""

from __future__ import annotations

from varna.catalog import Catalog
from varna.domain.consent import Notice, NoticeItem

COOKIE_PREFIX = "cookies."

PREAMBLE = {
    "sv": (
        "{controller} frågar om ditt samtycke för varje ändamål för sig. Inget är förvalt, "
        "att säga nej påverkar inte ditt avtal, och du kan när som helst återkalla ett "
        "samtycke lika enkelt som du gav det. Du måste vara minst 13 år, eller företräda "
        "ett företag, för att samtycka."
    ),
    "en": (
        "{controller} asks for your consent to each purpose separately. Nothing is "
        "preselected, saying no does not affect your contract, and you can withdraw a "
        "consent at any time as easily as you gave it. You must be 13 or older, or act for "
        "a business, to consent."
    ),
}


def cookie_key(category_id: str) -> str:
    return f"{COOKIE_PREFIX}{category_id}"


def build_notice(catalog: Catalog) -> Notice:
    items = [
        NoticeItem(
            key=purpose.id,
            texts={
                lang: f"{purpose.label(lang)}: {purpose.description(lang)}" for lang in ("sv", "en")
            },
        )
        for purpose in catalog.consent_purposes()
    ]
    for category in catalog.cookies.values():
        if category.necessary:
            continue
        texts = {}
        for lang in ("sv", "en"):
            cookies = "; ".join(
                f"{c.name} ({c.storage.value}, {c.set_by}, {c.purpose(lang)}, {c.lifetime(lang)}"
                + (f", {', '.join(c.recipients)}" if c.recipients else "")
                + ")"
                for c in category.cookies
            )
            texts[lang] = f"{category.label(lang)}: {category.description(lang)} [{cookies}]"
        items.append(NoticeItem(key=cookie_key(category.id), texts=texts))
    preamble = {
        lang: text.format(controller=catalog.controller.name) for lang, text in PREAMBLE.items()
    }
    return Notice(items=tuple(items), preamble=preamble)


def keys_granting(catalog: Catalog, purpose: str) -> tuple[str, ...]:
    """The ledger keys whose consent covers ``purpose``: the purpose itself (a person's
    consent) and each cookie category that serves it (a browser's consent)."""
    cookie_keys = tuple(cookie_key(c.id) for c in catalog.cookies.values() if purpose in c.purposes)
    return (purpose, *cookie_keys)
