"""Invoices per quarter across several fiscal years, their lines and payments. A card
payment keeps only the processor's token and the last four digits, never a card number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from varna.services.demo.business import Organisation
from varna.services.demo.context import DemoContext, Row

MONTHLY_FEE_ORE = 1_900
MB_PRICE_ORE = 10
SIM_SWAP_ORE = 9_900


@dataclass
class BillingRows:
    invoices: list[Row] = field(default_factory=list)
    invoice_lines: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    month = day.month + 3
    return date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def invoices(ctx: DemoContext, customers: list[Organisation]) -> BillingRows:
    rows = BillingRows()
    earliest = _quarter_start(ctx.day(365 * ctx.size.invoice_years))
    for org in customers:
        assert org.start is not None
        quarter = max(_quarter_start(org.start), earliest)
        last = org.terminated_on or ctx.as_of
        while quarter <= last:
            issued = _next_quarter(quarter)
            if issued > ctx.as_of:
                break
            _invoice(ctx, rows, org, quarter, issued)
            quarter = issued
    return rows


def _line(
    ctx: DemoContext,
    rows: BillingRows,
    invoice_id: int,
    description: str,
    quantity: int,
    unit_price: int,
    sim_id: int | None = None,
) -> int:
    amount = quantity * unit_price
    rows.invoice_lines.append(
        {
            "id": ctx.new_id("invoice_lines"),
            "invoice_id": invoice_id,
            "sim_id": sim_id,
            "description": description,
            "quantity": quantity,
            "unit_price_ore": unit_price,
            "amount_ore": amount,
        }
    )
    return amount


def _invoice(
    ctx: DemoContext, rows: BillingRows, org: Organisation, quarter: date, issued: date
) -> None:
    invoice_id = ctx.new_id("invoices")
    sims = len(org.sims)
    period = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
    total = _line(
        ctx,
        rows,
        invoice_id,
        f"IoT-anslutning {period}, {sims} SIM x 3 mån",
        sims * 3,
        MONTHLY_FEE_ORE,
    )
    total += _line(
        ctx,
        rows,
        invoice_id,
        f"Datatrafik {period} (MB)",
        sims * ctx.rng.randint(5, 400),
        MB_PRICE_ORE,
    )
    if org.sims and ctx.chance(0.15):
        sim = ctx.rng.choice(org.sims)
        total += _line(ctx, rows, invoice_id, "Byte av SIM-kort", 1, SIM_SWAP_ORE, sim.id)
    due = issued + timedelta(days=30)
    paid_on = None
    if due < ctx.as_of - timedelta(days=5) and ctx.chance(0.96):
        paid_on = min(issued + timedelta(days=ctx.rng.randint(5, 40)), ctx.day(1))
    rows.invoices.append(
        {
            "id": invoice_id,
            "organisation_id": org.id,
            "contact_person_id": org.contacts[0].id,
            "number": f"F{issued.year}-{invoice_id:07d}",
            "issued_on": issued,
            "due_on": due,
            "fiscal_year": issued.year,
            "billing_address": org.address,
            "total_ore": total,
            "currency": "SEK",
            "paid_on": paid_on,
            "disputed": ctx.chance(0.02),
        }
    )
    if paid_on is not None:
        card = ctx.chance(0.25)
        rows.payments.append(
            {
                "id": ctx.new_id("payments"),
                "invoice_id": invoice_id,
                "paid_at": ctx.moment(paid_on),
                "amount_ore": total,
                "method": "card" if card else "bank_transfer",
                "card_token": f"tok_{ctx.rng.getrandbits(96):024x}" if card else None,
                "card_last4": f"{ctx.rng.randrange(10_000):04d}" if card else None,
            }
        )
