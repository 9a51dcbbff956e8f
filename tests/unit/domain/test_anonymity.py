"""k-anonymity of usage totals (P6, R-RET-05): a group is written only with at least k SIMs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from varna.domain.retention.anonymity import InvalidK, check_k, kept_groups

GROUPS = st.lists(
    st.tuples(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=20)),
    max_size=20,
)


def test_p6_a_group_of_exactly_k_sims_is_kept_and_one_fewer_is_suppressed() -> None:
    kept, suppressed = kept_groups([("a", 2), ("b", 1), ("c", 0)], 2)
    assert (kept, suppressed) == (["a"], 2)


@pytest.mark.parametrize("k", [1, 0, -5])
def test_p6_k_below_two_is_refused_because_one_sim_identifies_itself(k: int) -> None:
    with pytest.raises(InvalidK, match="at least 2"):
        check_k(k)
    with pytest.raises(InvalidK):
        kept_groups([("a", 100)], k)


@given(groups=GROUPS, k=st.integers(min_value=2, max_value=10))
def test_p6_every_group_is_kept_or_counted_as_suppressed(
    groups: list[tuple[str, int]], k: int
) -> None:
    """P6: kept groups keep their order; no group below k slips through, none is lost."""
    kept, suppressed = kept_groups(groups, k)
    assert kept == [key for key, sims in groups if sims >= k]
    assert suppressed == len(groups) - len(kept)
