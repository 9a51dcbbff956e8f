"""How big each demo data set is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoSize:
    """The counts of one demo size. ``usage_scale`` multiplies the records per SIM per day of
    the IoT device-class mix (about 25 on average at 1.0)."""

    name: str
    customers: int
    suppliers: int
    partners: int
    sims: int
    usage_days: int
    usage_scale: float
    leads: int
    newsletter_subscribers: int
    web_visitors: int
    web_visits: int
    tickets: int
    invoice_years: int


SIZES: dict[str, DemoSize] = {
    size.name: size
    for size in (
        # For tests: builds in about a second on SQLite.
        DemoSize(
            "small",
            customers=5,
            suppliers=2,
            partners=2,
            sims=50,
            usage_days=3,
            usage_scale=1.0,
            leads=6,
            newsletter_subscribers=8,
            web_visitors=6,
            web_visits=200,
            tickets=8,
            invoice_years=3,
        ),
        # What `varna demo` shows: the full IoT mix over 30 days.
        DemoSize(
            "default",
            customers=60,
            suppliers=6,
            partners=6,
            sims=2_000,
            usage_days=30,
            usage_scale=1.0,
            leads=40,
            newsletter_subscribers=120,
            web_visitors=80,
            web_visits=20_000,
            tickets=150,
            invoice_years=4,
        ),
        # For benchmarks: 100,000 SIMs and more than 10 million usage records.
        DemoSize(
            "large",
            customers=1_500,
            suppliers=25,
            partners=30,
            sims=100_000,
            usage_days=30,
            usage_scale=0.19,
            leads=1_000,
            newsletter_subscribers=3_000,
            web_visitors=2_000,
            web_visits=500_000,
            tickets=4_000,
            invoice_years=4,
        ),
    )
}
