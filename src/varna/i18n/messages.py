"""Every text varna shows a person, found in its code and templates with Babel's extractors:
what a translator works from, and what the tests hold the Swedish catalogue to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir

import varna

# How the code marks a text: translate(lang, text), translate_plural(lang, one, many, n),
# N_(text); templates use _(text), gettext and ngettext as Jinja2's i18n extension defines.
KEYWORDS = {
    "translate": (2,),
    "translate_plural": (2, 3),
    "N_": None,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
}
METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
    ("**.py", "python"),
]
OPTIONS = {"**/templates/**.html": {"trimmed": "true"}, "**/templates/**.txt": {"trimmed": "true"}}


@dataclass(frozen=True, slots=True)
class Message:
    id: str | tuple[str, ...]
    where: str  # file:line, relative to the package

    @property
    def key(self) -> str:
        return self.id if isinstance(self.id, str) else self.id[0]


def source_messages(root: Path | None = None) -> Iterator[Message]:
    """Every marked text under the varna package, with where it is."""
    base = root or Path(varna.__file__).parent
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(base), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        yield Message(message, f"{filename}:{lineno}")
