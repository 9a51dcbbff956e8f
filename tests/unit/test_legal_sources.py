"""The product cites only what a user has: legal facts live in docs/legal.md.

A reader of the code, the docs or the tests must be able to follow every legal citation: each
rule id (``R-DSR-01``, ...) named anywhere is defined in docs/legal.md, and nothing names a file
that only the developers had."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r"\bR-[A-Z]{2,5}-\d{2}\b")
DEFINED = re.compile(r"^- \*\*(R-[A-Z]{2,5}-\d{2})\*\*", re.MULTILINE)
FOREIGN = re.compile(r"\b(?:LEGAL|PROMISES|IOT)\.md\b|\.\./shared\b")


def _texts() -> dict[Path, str]:
    paths = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    for folder in ("src", "tests", "bench", "scripts"):
        paths += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.suffix in {".py", ".md", ".yaml", ".html", ".txt", ""} and p.is_file()
        ]
    return {
        p: p.read_text(encoding="utf-8", errors="replace")
        for p in paths
        if "__pycache__" not in p.parts
    }


def test_every_cited_legal_rule_is_defined_in_docs_legal() -> None:
    defined = set(DEFINED.findall((ROOT / "docs" / "legal.md").read_text(encoding="utf-8")))
    cited = {
        (rule, str(path.relative_to(ROOT)))
        for path, text in _texts().items()
        for rule in RULE_ID.findall(text)
    }
    missing = sorted(pair for pair in cited if pair[0] not in defined)
    assert not missing, f"rule ids cited but not defined in docs/legal.md: {missing}"


def test_nothing_cites_a_file_a_user_does_not_have() -> None:
    me = Path(__file__).resolve()
    found = sorted(
        str(path.relative_to(ROOT))
        for path, text in _texts().items()
        if path.resolve() != me and FOREIGN.search(text)
    )
    assert not found, f"these files cite files a user does not have: {found}"
