"""Free text from staff passes the same intake guard as a ticket's text before it is stored
(C2, C3): a supplementary statement, a restriction's reason and the reason it is lifted, an
overriding reason (with the objection or afterwards) and a legitimate-interest reason. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.contexts import by
from tests.integration.test_subjects import SECRET, FixedClock, key
from tests.subject_factories import World, build_world, subject_context
from varna.adapters.db.tables import (
    legitimate_interest_decisions,
    objections,
    privacy_events,
    rectifications,
    restrictions,
)
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.services.retention.interest import decide_legitimate_interest
from varna.services.subjects.objection import object_to, record_overriding_reason
from varna.services.subjects.rectify import RectifyCommand, rectify
from varna.services.subjects.restrict import restrict, unrestrict

ANNA = "anna.berg@example.com"
TEXT = "Card 4111 1111 1111 1111 was charged twice; she has diabetes."


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def _guarded(stored: str | None) -> None:
    assert stored is not None
    assert "4111 1111 1111 1111" not in stored and "1111" in stored  # the last four stay
    assert "diabetes" not in stored and "charged twice" in stored


def _events(container: Container, table: str) -> set[tuple[str, str]]:
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(privacy_events.c.kind, privacy_events.c.finding_type).where(
                privacy_events.c.source_table == table
            )
        ).all()
    return {(r.kind, r.finding_type) for r in rows}


def test_c2_c3_staff_texts_on_a_person_are_masked_and_redacted_before_storage(
    container: Container, world: World
) -> None:
    """C2, C3: a card number in a statement or a reason is kept as its last four digits and
    a health word is redacted, in every text staff give about a person; the guard's events
    are recorded, without the text."""
    anna = (key("email", ANNA),)
    rectify(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        RectifyCommand(anna, "phone", "070-999 88 77", statement=TEXT),
        actor="staff",
    )
    restrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        anna,
        reason=TEXT,
        actor="staff",
    )
    unrestrict(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        anna,
        reason=TEXT,
        actor="staff",
    )
    objected = object_to(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        anna,
        purpose="support",
        overriding_reason=TEXT,
        actor="staff",
    )
    later = object_to(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("person_id", str(world.bo_id)),),
        purpose="support",
        actor="staff",
    )
    record_overriding_reason(
        subject_context(container, clock=FixedClock()),
        later.objection_ids[0],
        person_id=world.bo_id,
        reason=TEXT,
        actor="staff",
    )
    with container.engine.connect() as conn:
        statement = conn.execute(select(rectifications.c.statement)).scalar_one()
        restricted = conn.execute(select(restrictions.c.reason, restrictions.c.lift_reason)).one()
        reasons = conn.execute(select(objections.c.overriding_reason)).scalars().all()
    for stored in (statement, *restricted, *reasons):
        _guarded(stored)
    assert len(reasons) == 2 and objected.objection_ids
    for table in ("rectifications", "restrictions", "objections"):
        found = _events(container, table)
        assert {("card_masked", "card"), ("special_redacted", "special:health")} <= found, table


def test_c2_c3_a_legitimate_interest_reason_is_guarded_too(container: Container) -> None:
    """C2, C3: the reason of a legitimate-interest decision (retention) is guarded."""
    decide_legitimate_interest(
        by(container, FixedClock()),
        category="ip_address",
        reason="Security: fraud with card 4111 1111 1111 1111 charged twice; she has diabetes.",
        end_date=date(2027, 6, 30),
        actor="staff",
    )
    with container.engine.connect() as conn:
        stored = conn.execute(select(legitimate_interest_decisions.c.reason)).scalar_one()
    _guarded(stored)
    assert ("card_masked", "card") in _events(container, "legitimate_interest_decisions")


def test_c3_with_the_refuse_policy_a_health_word_refuses_the_text_and_nothing_is_stored(
    container: Container, world: World
) -> None:
    """C3: with ``VARNA_SCAN_SPECIAL_POLICY=refuse`` a reason with a health word is refused,
    naming the field and not the text; no restriction is stored, the refusal is recorded."""
    with pytest.raises(InputRefused, match="field 'reason'") as refused:
        restrict(
            subject_context(container, clock=FixedClock(), secret=SECRET),
            (key("email", ANNA),),
            reason=TEXT,
            actor="staff",
            special_policy="refuse",
        )
    assert "diabetes" not in str(refused.value)
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(restrictions)).scalar_one() == 0
    assert any(kind == "special_refused" for kind, _ in _events(container, "restrictions"))
