"""Synthetic data for tests: fictional companies, test-range ICCIDs, example.com addresses."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert
from stdnum import luhn

from varna.adapters.db.tables import organisations, sims

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def test_iccid(n: int) -> str:
    """An ICCID in the Swedish test range 8946999..., with its Luhn check digit."""
    body = f"8946999{n:011d}"
    return body + luhn.calc_check_digit(body)


def add_customer_with_sims(
    engine: Engine, count: int, *, name: str = "Testbolaget AB"
) -> list[str]:
    """One customer organisation with ``count`` activated SIMs; returns their ICCIDs."""
    iccids = [test_iccid(n) for n in range(1, count + 1)]
    with engine.begin() as conn:
        customer_id = conn.execute(
            insert(organisations)
            .values(kind="customer", name=name, source="test", created_at=NOW)
            .returning(organisations.c.id)
        ).scalar_one()
        conn.execute(
            insert(sims),
            [
                {
                    "iccid": iccid,
                    "imsi": f"24099{n:010d}",
                    "msisdn": f"+4670174{n:04d}",
                    "status": "activated",
                    "customer_id": customer_id,
                    "created_at": NOW,
                }
                for n, iccid in enumerate(iccids, start=1)
            ],
        )
    return iccids
