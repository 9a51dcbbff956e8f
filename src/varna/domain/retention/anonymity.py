"""k-anonymity for usage totals (R-RET-05, P6): a per-customer, per-day, per-country group
is written only when at least ``k`` SIMs are in it; smaller groups are suppressed (their
rows are dropped without a trace). The SQL of the store applies the same rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from varna.domain.errors import VarnaError

K = TypeVar("K")


class InvalidK(VarnaError):
    pass


def check_k(k: int) -> int:
    if k < 2:
        raise InvalidK("k must be at least 2: a group of one SIM identifies it")
    return k


def kept_groups(groups: Iterable[tuple[K, int]], k: int) -> tuple[list[K], int]:
    """(groups with at least ``k`` SIMs, how many were suppressed)."""
    check_k(k)
    kept, suppressed = [], 0
    for key, sims in groups:
        if sims >= k:
            kept.append(key)
        else:
            suppressed += 1
    return kept, suppressed
