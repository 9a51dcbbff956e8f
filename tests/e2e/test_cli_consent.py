"""``varna consent expire`` end to end (promise C7): dry run, the sweep, a second run that adds
nothing, and a clear refusal of a bad date or validity setting."""

from __future__ import annotations

import json
import subprocess

from sqlalchemy import select

from tests.consent_data import NOW, add_people
from tests.e2e.helpers import VARNA, env_for
from tests.integration.test_consent_ledger import allowed, decide
from varna.adapters.db.tables import consent_events
from varna.bootstrap import Container
from varna.domain.consent import ConsentSubject
from varna.domain.consent.expiry import add_months


def ledger(container: Container) -> list[tuple[str, str]]:
    c = consent_events.c
    with container.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(c.event, c.channel).order_by(c.id))]  # type: ignore[misc]


def expire(container: Container, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [VARNA, "consent", "expire", *args],
        env=env_for(container.settings.database_url, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_C7_consent_expire_cli_dry_run_sweep_and_idempotence(container: Container) -> None:
    old, recent = add_people(container.engine, 2)
    decide(container, ConsentSubject.person(old), {"newsletter": True}, at=add_months(NOW, -30))
    decide(container, ConsentSubject.person(recent), {"newsletter": True}, at=add_months(NOW, -2))
    day = NOW.date().isoformat()
    dry = expire(container, "--as-of", day, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["expired_by_purpose"] == {"newsletter": 1}
    assert ledger(container) == [("given", "privacy_center")] * 2  # a dry run writes nothing
    done = expire(container, "--as-of", day, "--json")
    report = json.loads(done.stdout)
    assert report["dry_run"] is False and report["expired"] == 1
    assert report["validity_months"]["newsletter"] == 24
    assert allowed(container, ConsentSubject.person(old), "newsletter") == "expired"
    assert ledger(container)[-1] == ("expired", "expiry")
    again = expire(container, "--as-of", day)
    assert again.returncode == 0 and "0 consents expired" in again.stderr
    shorter = expire(
        container, "--as-of", day, "--json", VARNA_CONSENT_VALIDITY_MONTHS='{"newsletter": 1}'
    )
    assert json.loads(shorter.stdout)["expired_by_purpose"] == {"newsletter": 1}
    bad_date = expire(container, "--as-of", "1 nov")
    bad_setting = expire(container, VARNA_CONSENT_VALIDITY_MONTHS='{"nonsense": 3}')
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr
    assert bad_setting.returncode == 1 and "nonsense" in bad_setting.stderr
