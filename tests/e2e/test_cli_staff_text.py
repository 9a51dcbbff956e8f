"""The staff texts of ``varna subject`` and ``varna retention`` through the real CLI pass the
intake guard (C2, C3), under the operator's ``VARNA_SCAN_SPECIAL_POLICY``; SQLite and
PostgreSQL."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import VARNA, env_for, varna
from tests.subject_factories import build_world
from varna.adapters.db.tables import legitimate_interest_decisions, rectifications, restrictions
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
TEXT = "Card 4111 1111 1111 1111 was charged twice; she has diabetes."


def test_c2_c3_cli_staff_texts_are_guarded_and_the_refuse_policy_holds(
    container: Container,
) -> None:
    """C2, C3: ``subject rectify --statement`` and ``retention decide-interest --reason``
    store the card as its last four digits and the health word redacted; with the refuse
    policy ``subject restrict --reason`` exits 1 naming the field, not the text, and stores
    nothing."""
    url = container.settings.database_url
    build_world(container)
    fixed = varna(
        url,
        "subject",
        "rectify",
        "--email",
        "anna.berg@example.com",
        "--field",
        "phone",
        "--value",
        "070-999 88 77",
        "--statement",
        TEXT,
        "--json",
    )
    assert fixed.returncode == 0, fixed.stderr
    decided = varna(
        url,
        "retention",
        "decide-interest",
        "--category",
        "ip_address",
        "--reason",
        "Security: " + TEXT,
        "--end-date",
        "2027-06-30",
    )
    assert decided.returncode == 0, decided.stderr
    refused = subprocess.run(  # noqa: S603
        [VARNA, "subject", "restrict", "--email", "anna.berg@example.com", "--reason", TEXT],
        env=env_for(url, VARNA_SCAN_SPECIAL_POLICY="refuse"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert refused.returncode == 1
    assert "reason" in refused.stderr and "diabetes" not in refused.stderr + refused.stdout
    with container.engine.connect() as conn:
        statement = conn.execute(select(rectifications.c.statement)).scalar_one()
        reason = conn.execute(select(legitimate_interest_decisions.c.reason)).scalar_one()
        restricted = conn.execute(select(func.count()).select_from(restrictions)).scalar_one()
    for stored in (statement, reason):
        assert "4111 1111 1111 1111" not in stored and stored.count("1111") == 1
        assert "diabetes" not in stored and "charged twice" in stored
    assert restricted == 0
