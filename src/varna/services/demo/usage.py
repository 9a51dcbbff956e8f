"""Usage records of the SIMs in use, generated lazily (never a list of millions).

The device-class mix of a typical IoT fleet: meters 1-4 records per SIM per day, trackers 24-150,
payment terminals 2-30, routers 96-240, scaled by the size's ``usage_scale``. Networks are
mostly Swedish (240/01, 240/07, 240/08) with some roaming in Denmark, Finland, Norway and
Germany; location is cell-derived (cell id and TAC), never GPS.

Rows are plain tuples (see :data:`varna.services.ports.UsageRow`, times in seconds since the
Unix epoch, UTC) written by the demo store's bulk path. Each SIM draws from its own
``random.Random`` seeded by (seed, SIM id), so its records do not depend on the order in which
anything else was generated.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from varna.services.demo.business import Sim
from varna.services.ports import UsageRow

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Profile:
    per_day: tuple[int, int]
    seconds: tuple[int, int]
    bytes_up: tuple[int, int]
    bytes_down: tuple[int, int]
    rats: tuple[str, ...]
    cells: int
    roaming_days: float
    sms: float


PROFILES = {
    "meter": Profile((1, 4), (5, 60), (200, 2_000), (100, 800), ("NB-IoT", "LTE-M"), 1, 0.0, 0.0),
    "tracker": Profile(
        (24, 150), (30, 600), (500, 8_000), (200, 3_000), ("LTE-M", "4G"), 40, 0.05, 0.03
    ),
    "terminal": Profile(
        (2, 30), (5, 120), (1_000, 20_000), (2_000, 40_000), ("4G",), 2, 0.01, 0.02
    ),
    "router": Profile(
        (96, 240),
        (600, 900),
        (50_000, 20_000_000),
        (100_000, 80_000_000),
        ("4G", "5G"),
        2,
        0.0,
        0.0,
    ),
}
HOME_NETWORKS = (("240", "01"), ("240", "07"), ("240", "08"))
HOME_WEIGHTS = (0.45, 0.30, 0.25)
ROAMING_NETWORKS = (("238", "01"), ("244", "91"), ("242", "01"), ("262", "01"))
SIM_SEED_STRIDE = 1_000_003


def _cells(rng: random.Random, count: int) -> list[tuple[int, int]]:
    """(E-UTRAN cell id = eNodeB id * 256 + sector, tracking area code)."""
    return [
        (rng.randrange(1, 1 << 20) * 256 + rng.randrange(3), rng.randrange(1, 65_535))
        for _ in range(count)
    ]


def sim_usage(
    sim: Sim, *, seed: int, first_day: date, days: int, scale: float
) -> Iterator[UsageRow]:
    """The usage records of one SIM over ``days`` days from ``first_day``."""
    profile = PROFILES[sim.device_class]
    rng = random.Random(seed * SIM_SEED_STRIDE + sim.id)  # noqa: S311 - synthetic data
    rnd, randint = rng.random, rng.randint
    rate = randint(*profile.per_day) * scale
    home_mcc, home_mnc = rng.choices(HOME_NETWORKS, HOME_WEIGHTS)[0]
    rat = rng.choice(profile.rats)
    home_cells = _cells(rng, profile.cells)
    sec_lo, sec_hi = profile.seconds
    up_lo, up_span = profile.bytes_up[0], profile.bytes_up[1] - profile.bytes_up[0]
    down_lo, down_span = profile.bytes_down[0], profile.bytes_down[1] - profile.bytes_down[0]
    sim_id, sms = sim.id, profile.sms
    epoch_day = (first_day - EPOCH).days
    for offset in range(days):
        count = int(rate * (0.8 + 0.4 * rnd()) + rnd())
        if count == 0:
            continue
        day_start = (epoch_day + offset) * 86_400
        mcc, mnc, cells = home_mcc, home_mnc, home_cells
        if profile.roaming_days and rnd() < profile.roaming_days:
            mcc, mnc = rng.choice(ROAMING_NETWORKS)
            cells = _cells(rng, 5)
        step = 86_400 / count
        for i in range(count):
            started = day_start + int((i + 0.9 * rnd()) * step)
            cell_id, tac = cells[int(rnd() * len(cells))]
            if sms and rnd() < sms:
                yield (sim_id, started, started, 0, 0, mcc, mnc, cell_id, tac, rat, "sms")
            else:
                yield (
                    sim_id,
                    started,
                    started + randint(sec_lo, sec_hi),
                    up_lo + int(rnd() * up_span),
                    down_lo + int(rnd() * down_span),
                    mcc,
                    mnc,
                    cell_id,
                    tac,
                    rat,
                    "data",
                )


def usage_rows(
    sims: Iterable[Sim],
    *,
    seed: int,
    first_day: date,
    days: int,
    scale: float,
    on_sim_done: Callable[[], None] | None = None,
) -> Iterator[UsageRow]:
    """The usage records of every activated SIM, SIM by SIM, day by day."""
    for sim in sims:
        if sim.status == "activated":
            yield from sim_usage(sim, seed=seed, first_day=first_day, days=days, scale=scale)
        if on_sim_done is not None:
            on_sim_done()
