"""The developer scripts: what a person who runs them would notice."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_c8_browser_install_waits_for_the_package_lock() -> None:
    """C8 (its browser tests need Chromium): `scripts/browser` failed at once when another
    apt process held the dpkg lock; every apt-get call now waits for it, bounded."""
    script = (ROOT / "scripts" / "browser").read_text(encoding="utf-8")
    calls = [line for line in script.splitlines() if re.search(r"\bapt-get\b", line)]
    calls = [line for line in calls if not line.lstrip().startswith("#")]
    assert calls, "scripts/browser installs Chromium with apt-get"
    wait = re.search(r'WAIT=\(-o "DPkg::Lock::Timeout=\$\{APT_LOCK_SECONDS:-(\d+)\}"\)', script)
    assert wait is not None and 0 < int(wait.group(1)) <= 600
    for line in calls:
        assert '"${WAIT[@]}"' in line, line
