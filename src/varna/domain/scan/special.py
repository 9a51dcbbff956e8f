"""Special categories of personal data (GDPR Art. 9, and Art. 10 criminal data) in free text.

The curated term lists live in ``data/special_sv.txt`` and ``data/special_en.txt`` (format in
:mod:`varna.domain.scan.lexicon`); a privacy officer extends them without touching code.

Speed: all case-insensitive terms of all categories are compiled into one prefix-factored
pattern that runs over the lower-cased text without the IGNORECASE flag (so the engine can
dispatch on literal characters); case-sensitive terms get a second small pattern over the
original text. Both patterns open with the non-word character *before* a word (the text is
given a leading space), so the engine, skipping in C, tries a match once per word instead of
once per letter. Only for the few hits does Python work out the category (by matching the hit
against the terms that share its first letters), and check decoy phrases ("sjukt bra") and
cue rules ("union" only near "member").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from varna.domain.scan.findings import SPECIAL_CATEGORIES, SPECIAL_PREFIX, Finding
from varna.domain.scan.lexicon import Lexicon, Term, entry_regex, parse_lexicon, trie_regex

DATA_FILES: tuple[str, ...] = ("special_sv.txt", "special_en.txt")
CUE_WINDOW = 60
DECOY_WINDOW = 40

_CONF_TERM = 0.85
_CONF_CUE = 0.8
_KEY = 2  # terms are indexed by their first two characters


class _Compiled:
    __slots__ = ("term", "full", "cue")

    def __init__(self, term: Term) -> None:
        flags = 0 if term.case_sensitive else re.IGNORECASE
        self.term = term
        self.full = re.compile(entry_regex(term.pattern), flags)
        self.cue = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(entry_regex(c) for c in term.cues) + r")(?!\w)",
                re.IGNORECASE,
            )
            if term.cues
            else None
        )


class SpecialMatcher:
    """A compiled lexicon: :meth:`find` returns the special-category findings of a text."""

    def __init__(self, lexicon: Lexicon) -> None:
        for t in lexicon.terms:
            if t.category not in SPECIAL_CATEGORIES:  # pragma: no cover - parser checks
                raise ValueError("unknown category")
        # Case-sensitive terms join the lower-case pattern; their case is checked per hit.
        entries = [t.pattern for t in lexicon.terms]
        self._fast = _start_pattern(entries) if entries else None
        self._slow = (
            re.compile(rf"(?<!\w)(?:{trie_regex(entries)})(?!\w)", re.IGNORECASE)
            if entries
            else None
        )
        self._index: dict[str, list[_Compiled]] = {}
        # Plain terms before cue terms: a plain term needs no cue.
        for term in sorted(lexicon.terms, key=lambda t: bool(t.cues)):
            key = term.pattern[:_KEY].lower()
            self._index.setdefault(key, []).append(_Compiled(term))
        # Decoys indexed by the first two letters of each of their words: a hit is checked only
        # against decoys that contain a word starting like it.
        by_key: dict[str, list[str]] = {}
        for d in lexicon.decoys:
            for word in d.split():
                by_key.setdefault(word[:_KEY].lower(), []).append(d)
        self._decoys: dict[str, re.Pattern[str]] = {
            key: re.compile(
                r"(?<!\w)(?:" + "|".join(entry_regex(d) for d in sorted(set(ds))) + r")(?!\w)",
                re.IGNORECASE,
            )
            for key, ds in by_key.items()
        }
        self._cache: dict[str, list[_Compiled]] = {}

    def find(self, text: str) -> list[Finding]:
        """Special-category findings in ``text``, in text order."""
        if self._fast is None or self._slow is None:
            return []
        # In " " + lowered the separator before a word starting at i sits at i, and a hit
        # ending at e there ends at e - 1 in ``text``.
        lowered = " " + text.lower()
        if len(lowered) == len(text) + 1:
            spans = [(m.start(), m.end() - 1) for m in self._fast.finditer(lowered)]
        else:  # a character changed length when lower-cased: use the slow exact pattern
            spans = [m.span() for m in self._slow.finditer(text)]
        out: list[Finding] = []
        for s, e in spans:
            f = self._judge(text, s, e)
            if f is not None:
                out.append(f)
        return out

    def _judge(self, text: str, s: int, e: int) -> Finding | None:
        hit = text[s:e]
        terms = self._cache.get(hit)
        if terms is None:
            terms = [c for c in self._index.get(hit[:_KEY].lower(), ()) if c.full.fullmatch(hit)]
            if len(self._cache) < 65536:
                self._cache[hit] = terms
        if not terms:
            return None
        decoy = self._decoys.get(hit[:_KEY].lower())
        if decoy is not None and _in_decoy(decoy, text, s, e):
            return None
        n = len(text)
        for c in terms:
            if c.cue is None:
                return Finding(SPECIAL_PREFIX + c.term.category, s, e, _CONF_TERM)
            if c.cue.search(text, max(0, s - CUE_WINDOW), min(n, e + CUE_WINDOW)) is not None:
                return Finding(SPECIAL_PREFIX + c.term.category, s, e, _CONF_CUE)
        return None


def _in_decoy(decoy: re.Pattern[str], text: str, s: int, e: int) -> bool:
    lo, hi = max(0, s - DECOY_WINDOW), min(len(text), e + DECOY_WINDOW)
    return any(d.start() <= s and d.end() >= e for d in decoy.finditer(text, lo, hi))


# The characters that can stand before a word: ASCII white space and punctuation, and the
# Latin-1 and general punctuation blocks (a byte-map class, faster to skip with than \W).
_BEFORE_WORD = r"[\t\n\r\f\v !-/:-@\[-^`{-~\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000]"


def _start_pattern(entries: list[str]) -> re.Pattern[str]:
    """Lower-cased ``entries`` after a non-word character (the match includes it): a pattern
    that opens with a character class lets the engine skip, in C, to the next word start."""
    return re.compile(rf"{_BEFORE_WORD}(?:{trie_regex(entries, lower=True)})(?!\w)")


def load_lexicon(*extra: str) -> Lexicon:
    """The shipped lexicon files, plus any ``extra`` texts in the same format."""
    lex = Lexicon()
    base = resources.files("varna.domain.scan").joinpath("data")
    for name in DATA_FILES:
        lex.extend(parse_lexicon(base.joinpath(name).read_text(encoding="utf-8"), name))
    for i, text in enumerate(extra):
        lex.extend(parse_lexicon(text, f"<extra {i}>"))
    return lex


@lru_cache(maxsize=1)
def default_matcher() -> SpecialMatcher:
    """The matcher for the shipped lexicon files (compiled once per process)."""
    return SpecialMatcher(load_lexicon())


def find_special(text: str) -> list[Finding]:
    """Special-category findings in ``text`` using the shipped lexicon."""
    return default_matcher().find(text)
