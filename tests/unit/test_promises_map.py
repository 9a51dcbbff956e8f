"""docs/promises.md stays the map of every promise id, and of every id the tests name."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROMISE_ID = re.compile(r"\b[ACDGPR][1-9]\b")
ROW = re.compile(r"^\| ([ACDGPR][1-9]) \|", re.MULTILINE)
EVERY_ID = {
    *(f"A{n}" for n in range(1, 4)),
    *(f"C{n}" for n in range(1, 9)),
    *(f"P{n}" for n in range(1, 8)),
    *(f"R{n}" for n in range(1, 7)),
    *(f"D{n}" for n in range(1, 9)),
    *(f"G{n}" for n in range(1, 4)),
}


def mapped_ids() -> set[str]:
    return set(ROW.findall((ROOT / "docs" / "promises.md").read_text(encoding="utf-8")))


def test_every_promise_of_the_policy_has_a_row() -> None:
    assert mapped_ids() == EVERY_ID


def test_every_promise_id_named_by_a_test_is_in_the_map() -> None:
    mapped = mapped_ids()
    unknown = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        named = set(PROMISE_ID.findall(path.read_text(encoding="utf-8"))) - mapped
        if named:
            unknown[str(path.relative_to(ROOT))] = sorted(named)
    assert not unknown, f"promise ids missing from docs/promises.md: {unknown}"


def test_rows_name_tests_that_exist() -> None:
    text = (ROOT / "docs" / "promises.md").read_text(encoding="utf-8")
    missing = [p for p in re.findall(r"`(tests/[\w/]+\.py)`", text) if not (ROOT / p).exists()]
    assert not missing, f"docs/promises.md names tests that do not exist: {missing}"
