"""axe-core inside the Playwright tests: the accessibility engine from the npm registry
(`scripts/axe` installs the version tests/e2e/axe/package-lock.json pins), injected into the
page under test and run against WCAG 2.0/2.1 A and AA and axe's best practices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations on the page as it is now."""
    assert AXE.exists(), f"axe-core is missing: run scripts/axe ({AXE})"
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy allows no inline
    # script, and a test must not need an exception in it.
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node: the rule, its impact and where."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                f"{' '.join(node['target'])}"
            )
    return "\n".join(lines)
