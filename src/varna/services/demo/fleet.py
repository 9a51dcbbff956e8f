"""SIMs per customer and the devices they sit in."""

from __future__ import annotations

from datetime import timedelta

from varna.services.demo import identifiers as ids
from varna.services.demo.business import (
    DEVICE_CLASSES,
    DEVICE_NAMES,
    TAC_MODELS,
    BusinessRows,
    Organisation,
    Sim,
)
from varna.services.demo.context import DemoContext, slug

_CLASSES = tuple(DEVICE_CLASSES)
_WEIGHTS = tuple(DEVICE_CLASSES.values())


def _running_status(ctx: DemoContext) -> str:
    roll = ctx.rng.random()
    if roll < 0.90:
        return "activated"
    if roll < 0.94:
        return "suspended"
    return "issued" if roll < 0.98 else "terminated"


def sims_and_devices(
    ctx: DemoContext, customers: list[Organisation], counts: list[int], rows: BusinessRows
) -> list[Sim]:
    """The SIMs of every customer (most of one device class per customer), a device for
    each SIM in use, and an end-user reference on the SIMs of consumer-facing customers."""
    iccid_base = ctx.rng.randrange(10**9, 10**10)
    imsi_base = ctx.rng.randrange(10**8, 10**9)
    msisdn_base = ctx.rng.randrange(0, ids.MSISDN_CAPACITY // 2)
    serial = 0
    made: list[Sim] = []
    for org, count in zip(customers, counts, strict=True):
        assert org.start is not None
        primary = ctx.rng.choices(_CLASSES, _WEIGHTS)[0]
        # a quarter of the customers name their SIMs' end users; the first with SIMs always
        # does, so that every demo holds end-user references
        consumer_facing = ctx.chance(0.25) or not made
        for _ in range(count):
            serial += 1
            device_class = primary if ctx.chance(0.85) else ctx.rng.choices(_CLASSES, _WEIGHTS)[0]
            status = _running_status(ctx) if org.running else "terminated"
            created = ctx.moment(org.start + timedelta(days=ctx.rng.randint(0, 30)))
            sim = Sim(
                ctx.new_id("sims"),
                ids.iccid(iccid_base + serial),
                ids.msisdn(msisdn_base + serial),
                org.id,
                status,
                device_class,
            )
            end_user_ref = None
            if consumer_facing and ctx.chance(0.7):
                end_user_ref = f"slutkund-{ctx.rng.randrange(10**6):06d}"
                if ctx.chance(0.1):
                    name = f"{ctx.fake.first_name()}.{ctx.fake.last_name()}"
                    end_user_ref = f"{slug(name).replace('-', '')}@example.net"
            rows.sims.append(
                {
                    "id": sim.id,
                    "iccid": sim.iccid,
                    "imsi": ids.imsi(imsi_base + serial),
                    "msisdn": sim.msisdn,
                    "status": status,
                    "customer_id": org.id,
                    "contract_id": org.contract_id,
                    "activated_at": None
                    if status == "issued"
                    else created + timedelta(days=ctx.rng.randint(1, 20)),
                    "created_at": created,
                }
            )
            if end_user_ref is not None:
                rows.sim_end_users.append(
                    {
                        "id": ctx.new_id("sim_end_users"),
                        "sim_id": sim.id,
                        "end_user_ref": end_user_ref,
                    }
                )
            if status != "issued":
                rows.devices.append(_device(ctx, sim, serial))
            org.sims.append(sim)
            made.append(sim)
    return made


def _device(ctx: DemoContext, sim: Sim, serial: int) -> dict[str, object]:
    name = f"{DEVICE_NAMES[sim.device_class]} {serial:05d}"
    if sim.device_class == "router" and ctx.chance(0.3):
        name = f"{ctx.fake.first_name()}s router"
    return {
        "id": ctx.new_id("devices"),
        "sim_id": sim.id,
        "customer_id": sim.customer_id,
        "imei": ids.imei(TAC_MODELS[sim.device_class], serial),
        "name": name,
        "ip_address": f"10.{(serial >> 16) & 255}.{(serial >> 8) & 255}.{serial & 255}",
    }
