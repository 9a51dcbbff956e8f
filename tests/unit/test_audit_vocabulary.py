"""The audit vocabulary: every action documented, the stored strings as they always were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from varna.domain.audit import Actor, AuditAction, SystemActor
from varna.domain.requests.kinds import FINAL_STATES
from varna.domain.retention.targets import Action
from varna.services.ports import AuditEvent

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def documented_actions() -> set[str]:
    return set(re.findall(r"^\| `([a-z_.]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_action_is_documented_and_every_documented_action_exists() -> None:
    documented = documented_actions()
    assert documented == {action.value for action in AuditAction}


def test_every_final_request_state_and_retention_action_has_its_audit_action() -> None:
    assert {AuditAction.closing(state) for state in FINAL_STATES} == {
        AuditAction.REQUEST_COMPLETED,
        AuditAction.REQUEST_REFUSED,
        AuditAction.REQUEST_FORWARDED,
    }
    for action in (Action.DELETE, Action.ANONYMISE, Action.CLEAR, Action.MOVE):
        assert AuditAction.retention(action) == f"retention.{action.value}"


def test_actors_render_as_the_stored_names() -> None:
    assert Actor.staff(7) == "staff:7"
    assert Actor.request(12) == "request:12"
    assert Actor.person(3) == "person:3"
    assert SystemActor.RETENTION_SCHEDULER == "scheduler:retention"
    assert str(SystemActor.CLI) == "cli"


def test_an_event_keeps_the_action_and_refuses_one_outside_the_vocabulary() -> None:
    event = AuditEvent(SystemActor.CLI, "subject.erase", None, {})
    assert event.action is AuditAction.SUBJECT_ERASE
    assert event.action == "subject.erase"
    with pytest.raises(ValueError):
        AuditEvent(SystemActor.CLI, "subject.erased", None, {})
