"""Notice versions: what a person was shown when asked, with hashes that prove it (C7).

A notice is a set of items (one per consent purpose or cookie category), each with its text
in Swedish and English. The version is derived from the content, so any change of text is a
new version; each item's own hash says whether *that* purpose changed between two versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from varna.domain.consent.events import LANGUAGES


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NoticeItem:
    key: str  # a consent purpose id, or ``cookies.<category>``
    texts: Mapping[str, str]  # language -> the exact text shown for this item

    def __post_init__(self) -> None:
        missing = [lang for lang in LANGUAGES if not self.texts.get(lang)]
        if missing:
            raise ValueError(f"notice item {self.key}: no text in {', '.join(missing)}")

    @property
    def item_hash(self) -> str:
        """The hash of what this item says, in every language."""
        return sha256_text(json.dumps(dict(sorted(self.texts.items())), ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class NoticeVersion:
    """A published version as the ledger keeps it: the item hashes and text hashes."""

    version: str
    item_hashes: Mapping[str, str]
    text_hashes: Mapping[str, str]


@dataclass(frozen=True)
class Notice:
    items: tuple[NoticeItem, ...]
    preamble: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def item_hashes(self) -> Mapping[str, str]:
        return MappingProxyType({item.key: item.item_hash for item in self.items})

    def item(self, key: str) -> NoticeItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def text(self, language: str) -> str:
        """The exact text shown in ``language``: the preamble, then each item."""
        parts = [self.preamble.get(language, "")]
        parts += [f"[{item.key}] {item.texts[language]}" for item in self.items]
        return "\n".join(parts)

    def text_hash(self, language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return sha256_text(self.text(language))

    @cached_property
    def version(self) -> str:
        digest = sha256_text(
            json.dumps(
                {
                    "preamble": dict(sorted(self.preamble.items())),
                    "items": dict(self.item_hashes),
                },
                sort_keys=True,
            )
        )
        return f"n-{digest[:16]}"

    def published(self) -> NoticeVersion:
        return NoticeVersion(
            version=self.version,
            item_hashes=self.item_hashes,
            text_hashes=MappingProxyType({lang: self.text_hash(lang) for lang in LANGUAGES}),
        )

    def still_covers(self, earlier: NoticeVersion, key: str) -> bool:
        """True when ``earlier`` said exactly what this notice says about ``key``."""
        current = self.item_hashes.get(key)
        return current is not None and earlier.item_hashes.get(key) == current
