"""The order a sweep runs its targets in (R1): a target whose clock reads a table runs before
the target that deletes that table's rows, so a sweep once a year ends like daily sweeps."""

from __future__ import annotations

from pathlib import Path

from tests.unit.catalog.small import small_catalogue, write
from varna.catalog import load_catalog
from varna.domain.retention.targets import (
    Action,
    Target,
    TargetKind,
    in_dependency_order,
    sweep_targets,
)

RULE = load_catalog().effective_retention("post_contract")


def target(key: str, table: str, reads: tuple[str, ...] = ()) -> Target:
    return Target(key, TargetKind.ROWS, table, RULE, (), Action.DELETE, reads=reads)


def keys(targets: tuple[Target, ...]) -> list[str]:
    return [t.key for t in targets]


def test_r1_a_target_reading_a_table_runs_before_the_one_deleting_its_rows() -> None:
    invoices, usage = target("invoices", "invoices"), target("usage", "usage", ("invoices",))
    assert keys(in_dependency_order([invoices, usage])) == ["usage", "invoices"]
    chain = [target("c", "c"), target("b", "b", ("c",)), target("a", "a", ("b",))]
    assert keys(in_dependency_order(chain)) == ["a", "b", "c"]


def test_r1_without_dependencies_the_given_order_stays() -> None:
    given = [target(k, k) for k in "qwerty"]
    assert keys(in_dependency_order(given)) == list("qwerty")
    assert in_dependency_order([]) == ()


def test_r1_a_target_reading_its_own_table_or_a_cycle_keeps_the_given_order() -> None:
    own = [target("a", "a", ("a",)), target("b", "b")]
    assert keys(in_dependency_order(own)) == ["a", "b"]
    cycle = [target("a", "a", ("b",)), target("b", "b", ("a",)), target("c", "c")]
    ordered = keys(in_dependency_order(cycle))
    assert sorted(ordered) == ["a", "b", "c"]
    assert ordered.index("a") < ordered.index("b")  # the cycle in its given order


def test_r1_the_targets_follow_the_rule_in_force_of_the_catalogue(tmp_path: Path) -> None:
    """R1: people on their role's rule; SIMs on a record clock are no processor target, but
    with the pack off their rule falls back to the contract's end and they become one."""
    data = small_catalogue()
    on = sweep_targets(load_catalog(write(tmp_path, data)))
    assert [(t.key, t.kind, t.roles) for t in on] == [
        ("people", TargetKind.SUBJECTS, ("customer_contact",)),
    ]
    data["packs"]["traffic"] = False
    off = sweep_targets(load_catalog(write(tmp_path, data)))
    assert [(t.key, t.kind, t.rule.id) for t in off] == [
        ("people", TargetKind.SUBJECTS, "post_contract"),
        ("sims", TargetKind.PROCESSOR, "post_contract"),
    ]
