"""The state shared by the demo generators: seeded randomness, the anchor date, fresh ids."""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker import Faker

from varna.services.demo.sizes import DemoSize

Row = dict[str, Any]


@dataclass
class DemoContext:
    """One build's randomness and bookkeeping. No global random state is touched."""

    size: DemoSize
    seed: int
    as_of: date
    rng: random.Random = field(init=False)
    fake: Faker = field(init=False)
    _next_ids: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - synthetic data, not secrets
        self.fake = Faker("sv_SE")
        self.fake.seed_instance(self.seed)

    def new_id(self, table: str) -> int:
        self._next_ids[table] += 1
        return self._next_ids[table]

    def day(self, days_ago: int) -> date:
        return self.as_of - timedelta(days=days_ago)

    def moment(self, on: date, *, business_hours: bool = True) -> datetime:
        """A UTC timestamp on ``on``, during office hours unless told otherwise."""
        first, last = (7 * 3600, 17 * 3600) if business_hours else (0, 86_400)
        seconds = self.rng.randrange(first, last)
        return datetime.combine(on, time(), tzinfo=UTC) + timedelta(seconds=seconds)

    def past_moment(self, max_days_ago: int, *, min_days_ago: int = 1) -> datetime:
        return self.moment(self.day(self.rng.randint(min_days_ago, max_days_ago)))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


def slug(text: str) -> str:
    """ASCII lower-case words joined by ``sep`` (å -> a, ö -> o, & and punctuation dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)
