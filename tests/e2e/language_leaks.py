"""Does a page speak one language? :func:`assert_one_language` fails for a Swedish page that
shows an English text the catalogue translates, and for an English page that shows a
Swedish translation from the catalogue: a text that was left out of ``_()``, or a
language picked wrongly.

Only what a person reads counts: the text outside ``<script>`` and ``<style>``, the title,
and the ``alt``, ``title``, ``aria-label`` and ``placeholder`` attributes; an element that
says it is in another language (``lang="en"`` on the link to the English page) is skipped.
A text counts when it has at least 2 words or 12 characters (each part of it between
``%(name)s`` placeholders on its own), is not the same in both languages, and is not part
of a text of the page's own language (so "Cookies" inside "Cookies in %(category)s" is not
a leak on an English page)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from varna.i18n import merged_catalogue

READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
SKIPPED = ("script", "style", "template")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


class _Reader(HTMLParser):
    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own = values.get("lang")
        skipped = (
            (bool(self.stack) and self.stack[-1])
            or tag in SKIPPED
            or (own is not None and tag != "html" and own.split("-")[0] != self.lang)
        )
        if not skipped:
            self.parts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)
        if tag not in VOID:
            self.stack.append(skipped)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def readable_text(html: str, lang: str) -> str:
    """What a person reads on the page, one space between words."""
    reader = _Reader(lang)
    reader.feed(html)
    reader.close()
    return _squeeze(" ".join(reader.parts))


def _counts(fragment: str) -> bool:
    return len(fragment.split()) >= 2 or len(fragment) >= 12


@cache
def _texts() -> tuple[tuple[str, str], ...]:
    """(English, Swedish) of every message whose two texts differ."""
    pairs = []
    for message in merged_catalogue("sv"):
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        swedish = message.string if isinstance(message.string, str) else message.string[0]
        if _squeeze(english) != _squeeze(swedish):
            pairs.append((_squeeze(english), _squeeze(swedish)))
    return tuple(pairs)


@cache
def _fragments(lang: str) -> tuple[tuple[str, str], ...]:
    """(fragment, its whole text) of the texts of the language that is not ``lang``."""
    pairs = _texts()
    foreign = [sv if lang == "en" else en for en, sv in pairs]
    own = "\n".join(en if lang == "en" else sv for en, sv in pairs)
    found = []
    for text in foreign:
        for part in PLACEHOLDER.split(text):
            fragment = part.strip(" :,.;()")
            if _counts(fragment) and fragment not in own:
                found.append((fragment, text))
    return tuple(found)


def language_leaks(html: str, lang: str) -> list[str]:
    """The texts of the other language that the page shows (empty: one language)."""
    text = readable_text(html, lang)
    leaks = []
    for fragment, whole in _fragments(lang):
        if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
            leaks.append(whole)
    return sorted(set(leaks))


def assert_one_language(html: str, lang: str) -> None:
    """Fail when the page (in ``lang``, "sv" or "en") shows a text of the other language."""
    assert lang in ("sv", "en"), lang
    leaks = language_leaks(html, lang)
    other = "English" if lang == "sv" else "Swedish"
    assert not leaks, f"a {lang} page shows {other} texts: {leaks}"
