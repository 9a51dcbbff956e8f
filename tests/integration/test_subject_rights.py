"""Rectification with history, restriction as one central check, objection and the
direct-marketing suppression list (D3, D5, D8), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.test_subjects import SECRET, FixedClock, key
from tests.subject_factories import World, build_world, subject_context
from varna.adapters.db.tables import marketing_suppressions, outbox, people, rectifications
from varna.bootstrap import Container
from varna.domain.subjects.keys import keyed_hash
from varna.services.subjects.common import SubjectRefused
from varna.services.subjects.objection import may_send_marketing, object_to, purpose_stopped
from varna.services.subjects.rectify import RectifyCommand, rectify
from varna.services.subjects.restrict import is_restricted, restrict, unrestrict

ANNA = "anna.berg@example.com"


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def test_d3_rectification_keeps_the_old_value_in_history(
    container: Container, world: World
) -> None:
    command = RectifyCommand((key("email", ANNA),), "phone", "070-999 88 77")
    result = rectify(
        subject_context(container, clock=FixedClock(), secret=SECRET), command, actor="test"
    )
    with container.engine.connect() as conn:
        assert (
            conn.execute(select(people.c.phone).where(people.c.id == world.anna_id)).scalar()
            == "+46709998877"
        )
        history = conn.execute(select(rectifications)).one()
        assert history.id == result.history_id and history.old_value == "+46701234567"


def test_d3_rectification_refuses_a_malformed_value_and_others_records(
    container: Container, world: World
) -> None:
    bad = RectifyCommand((key("email", ANNA),), "phone", "not a number")
    with pytest.raises(SubjectRefused, match="phone number"):
        rectify(subject_context(container, clock=FixedClock(), secret=SECRET), bad, actor="t")
    other = RectifyCommand((key("email", ANNA),), "full_name", "X", record_id=world.bo_id)
    with pytest.raises(SubjectRefused, match="not one of"):
        rectify(subject_context(container, clock=FixedClock(), secret=SECRET), other, actor="t")


def test_d3_restriction_is_one_central_check_and_lifting_tells_the_person(
    container: Container, world: World
) -> None:
    restrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("email", ANNA),),
        reason="accuracy contested",
        actor="t",
    )
    with container.uow() as uow:
        assert is_restricted(uow, world.anna_id) and not is_restricted(uow, world.bo_id)
        assert purpose_stopped(uow, world.anna_id, "support")
        assert not may_send_marketing(uow, ANNA, secret=SECRET, person_id=world.anna_id)
    lifted = unrestrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("email", ANNA),),
        reason="corrected",
        actor="t",
    )
    assert lifted.notices == 1
    with container.uow() as uow:
        assert not is_restricted(uow, world.anna_id)
    with container.engine.connect() as conn:
        notice = conn.execute(select(outbox).where(outbox.c.kind == "restriction_lifted")).one()
        assert notice.person_id == world.anna_id


def test_d5_objection_stops_a_legitimate_interest_purpose_unless_overridden(
    container: Container, world: World
) -> None:
    object_to(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("email", ANNA),),
        purpose="support",
        actor="t",
    )
    object_to(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("person_id", str(world.bo_id)),),
        purpose="support",
        overriding_reason="pågående tvist",
        actor="t",
    )
    with container.uow() as uow:
        assert purpose_stopped(uow, world.anna_id, "support")
        assert not purpose_stopped(uow, world.bo_id, "support")
        assert not purpose_stopped(uow, world.anna_id, "fraud_prevention")
    with pytest.raises(SubjectRefused, match="consent"):
        object_to(
            subject_context(container, clock=FixedClock(), secret=SECRET),
            (key("email", ANNA),),
            purpose="statistics",
            actor="t",
        )


def test_d8_direct_marketing_objection_keeps_only_a_keyed_hash(
    container: Container, world: World
) -> None:
    object_to(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("email", ANNA),),
        purpose="direct_marketing",
        actor="t",
    )
    with container.engine.connect() as conn:
        rows = conn.execute(select(marketing_suppressions)).all()
    assert [r.email_hmac for r in rows] == [keyed_hash(ANNA, SECRET)]
    assert set(marketing_suppressions.c.keys()) == {"id", "email_hmac"}
    with container.uow() as uow:
        assert not may_send_marketing(uow, "Anna.Berg@Example.com", secret=SECRET)
        assert may_send_marketing(uow, "bo.ek@example.com", secret=SECRET)
    with pytest.raises(SubjectRefused, match="absolute"):
        object_to(
            subject_context(container, clock=FixedClock(), secret=SECRET),
            (key("email", ANNA),),
            purpose="direct_marketing",
            overriding_reason="x",
            actor="t",
        )
