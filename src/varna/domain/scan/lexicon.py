"""The special-category lexicon: the data-file format, its parser and its compiled pattern.

File format (also documented at the top of every ``data/special_*.txt``)::

    # comment                    lines starting with # and blank lines are ignored
    [health]                     starts a section; the category of the entries below it
    diabetes                     a word, any case, matched as a whole word
    sjukskriv*                   a stem followed by any letters (sjukskriven, sjukskrivning)
    gravid{,a,itet,iteten}       a stem followed by one of the endings (empty = the bare stem)
    psykisk* ohälsa              a phrase: words in order, any white space between them
    =AIDS                        case-sensitive (for acronyms that are ordinary words in lower case)
    union @ member*|strike*      counts only when a cue word appears within 60 characters
    !sjukt bra                   a decoy: a hit lying inside this phrase is dropped

Categories: health, religion, political, trade_union, ethnic_origin, sex_life, genetic,
biometric, criminal. Every line is checked when the file is loaded; a mistake raises
:class:`LexiconError` naming the file and line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from varna.domain.errors import VarnaError
from varna.domain.scan.findings import SPECIAL_CATEGORIES

_SECTION = re.compile(r"^\[([a-z_]+)\]$")
_ENTRY_CHARS = re.compile(r"^[\w\-' *{},.]+$")
_LITERAL = re.compile(r"^[\w\-' .]*")


class LexiconError(VarnaError):
    """A special-category data file has a line that cannot be read."""


@dataclass(frozen=True)
class Term:
    """One entry: the pattern text as written, its category and its options."""

    category: str
    pattern: str
    case_sensitive: bool = False
    cues: tuple[str, ...] = ()


@dataclass
class Lexicon:
    """All entries and decoys of one or more data files."""

    terms: list[Term] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)

    def extend(self, other: Lexicon) -> None:
        self.terms.extend(other.terms)
        self.decoys.extend(other.decoys)


def parse_lexicon(text: str, source: str = "<lexicon>") -> Lexicon:
    """Read the data-file format described in the module docstring."""
    lex = Lexicon()
    category: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        sec = _SECTION.match(line)
        if sec:
            if sec.group(1) not in SPECIAL_CATEGORIES:
                raise LexiconError(f"{source}:{lineno}: unknown category {sec.group(1)!r}")
            category = sec.group(1)
            continue
        if line.startswith("!"):
            _check(line[1:].strip(), source, lineno)
            lex.decoys.append(line[1:].strip())
            continue
        if category is None:
            raise LexiconError(f"{source}:{lineno}: entry before the first [category]")
        cues: tuple[str, ...] = ()
        if "@" in line:
            line, cue_text = (part.strip() for part in line.split("@", 1))
            cues = tuple(c.strip() for c in cue_text.split("|") if c.strip())
            for c in cues:
                _check(c, source, lineno)
        case_sensitive = line.startswith("=")
        if case_sensitive:
            line = line[1:].strip()
        _check(line, source, lineno)
        lex.terms.append(Term(category, line, case_sensitive, cues))
    return lex


def _check(entry: str, source: str, lineno: int) -> None:
    if not entry or not _ENTRY_CHARS.match(entry):
        raise LexiconError(f"{source}:{lineno}: cannot read entry")
    if entry.count("{") != entry.count("}"):
        raise LexiconError(f"{source}:{lineno}: unbalanced braces")


def entry_regex(entry: str) -> str:
    """The regular expression for one entry (without word boundaries)."""
    words = entry.split()
    return r"\s+".join(_word_regex(w) for w in words)


def _word_regex(word: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "*":
            out.append(r"\w*")
        elif ch == "{":
            j = word.index("}", i)
            alts = word[i + 1 : j].split(",")
            alts.sort(key=len, reverse=True)
            out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
            i = j
        elif ch == "-":
            out.append(r"[-\s]?")  # "dna-test", "dna test" and "dnatest"
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def split_literal(entry: str, *, lower: bool = True) -> tuple[str, str]:
    """(literal head, regex tail): the head goes into the trie, the tail is attached to it."""
    head = _LITERAL.match(entry)
    lit = head.group() if head else ""
    lit = lit.split("-", 1)[0]  # a dash is not literal in the regex
    return (lit.lower() if lower else lit), entry[len(lit) :]


class _Node:
    __slots__ = ("children", "tails")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.tails: set[str] = set()


def trie_regex(entries: list[str], *, lower: bool = True, word_start: bool = False) -> str:
    """One alternation for ``entries`` with shared prefixes factored out (fast to match).

    With ``word_start`` every alternative opens with its literal first character followed by
    a look-behind that no word character precedes it: a pattern that starts like this lets
    the engine skip, in C, every character no entry begins with.
    """
    root = _Node()
    for entry in entries:
        head, tail = split_literal(entry, lower=lower)
        node = root
        for ch in head:
            node = node.children.setdefault(ch, _Node())
        tail_rx = entry_regex(tail) if tail.strip() else ""
        if tail.startswith(" "):
            tail_rx = r"\s+" + tail_rx
        node.tails.add(tail_rx)
    return _emit(root, r"(?<!\w.)" if word_start else "")


def _emit(node: _Node, after_first: str = "") -> str:
    alts: list[str] = []
    for ch in sorted(node.children):
        child = _emit(node.children[ch])
        alts.append((r"\s+" if ch == " " else re.escape(ch)) + after_first + child)
    alts.extend(sorted((t for t in node.tails if t), key=len, reverse=True))
    optional = "" in node.tails
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 and not optional else "(?:" + "|".join(alts) + ")"
    if optional:
        body += "?"
    return body
