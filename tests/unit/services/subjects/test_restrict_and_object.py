"""Restriction (D3) and objection (D5, D8) as the subject services decide them, with the
records of rights in use faked; the identifiers resolve through the directory."""

from __future__ import annotations

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.errors import InputRefused
from varna.domain.subjects.keys import SubjectKey, keyed_hash
from varna.services.subjects.common import SubjectRefused
from varna.services.subjects.objection import (
    ObjectionResult,
    may_send_marketing,
    object_to,
    purpose_stopped,
    record_overriding_reason,
)
from varna.services.subjects.restrict import (
    RestrictionResult,
    is_restricted,
    restrict,
    unrestrict,
)

EMAIL = "anna@example.com"
KEYS = (SubjectKey("email", EMAIL),)


def do_restrict(
    ctx: FakeContext, reason: str = "the person contests the address"
) -> RestrictionResult:
    return restrict(ctx, KEYS, reason=reason, actor="staff:1")


def do_lift(ctx: FakeContext, reason: str = "address checked") -> RestrictionResult:
    return unrestrict(ctx, KEYS, reason=reason, actor="staff:1")


def do_object(ctx: FakeContext, purpose: str, reason: str | None = None) -> ObjectionResult:
    return object_to(
        ctx,
        KEYS,
        purpose=purpose,
        overriding_reason=reason,
        actor="staff:1",
    )


def test_a_restriction_stops_processing_and_tells_recipients_d3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    with uow:
        uow.rights.record_disclosure("credit_bureau", person, ["contact"], ctx.clock.now())
        uow.commit()
    result = do_restrict(ctx)
    assert result.person_ids == (person,) and result.notices == 1
    assert is_restricted(uow, person) and purpose_stopped(uow, person, "statistics")
    assert uow.notices.kinds() == ["art19_restriction"]
    assert any(job.task == "deliver_notices" for job in uow.jobs.jobs.values())
    event = uow.audit.one("subject.restrict")
    assert event.target == f"person:{person}" and EMAIL not in str(event)


def test_lifting_a_restriction_tells_the_person_d3(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    person = uow.directory.add_person(email=EMAIL)
    restricted = do_restrict(ctx)
    lifted = do_lift(ctx)
    assert lifted.restriction_ids == restricted.restriction_ids and lifted.notices == 1
    assert not is_restricted(uow, person)
    assert uow.notices.kinds() == ["restriction_lifted"]
    assert uow.audit.actions()[-1] == "subject.unrestrict"
    again = do_lift(ctx)  # nothing left to lift: no second notice
    assert again.restriction_ids == () and uow.notices.kinds() == ["restriction_lifted"]


def test_nobody_matching_is_refused_and_nothing_is_recorded(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    with pytest.raises(SubjectRefused, match="no person matches the identifiers given"):
        do_restrict(ctx)
    assert uow.rights.restricted_people() == set() and uow.audit.entries == []


def test_a_restriction_reason_the_guard_refuses_records_only_the_refusal_c3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    with pytest.raises(InputRefused) as refused:
        restrict(
            ctx,
            KEYS,
            reason="he is in hospital with diabetes",
            actor="staff:1",
            special_policy="refuse",
        )
    assert refused.value.field == "reason"
    assert not is_restricted(uow, person) and uow.audit.actions() == ["intake.refused"]


def test_an_objection_to_direct_marketing_is_absolute_and_suppresses_the_address_d8(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    result = do_object(ctx, "direct_marketing")
    assert result.person_ids == (person,) and result.suppressed == 1 and result.stopped
    assert uow.rights.is_suppressed(keyed_hash(EMAIL, ctx.secret))
    assert not may_send_marketing(uow, EMAIL, secret=ctx.secret, person_id=person)
    assert purpose_stopped(uow, person, "direct_marketing")
    with pytest.raises(SubjectRefused, match="absolute"):
        do_object(ctx, "direct_marketing", reason="we need the sales")
    (objection,) = uow.rights.objections(person)
    with pytest.raises(SubjectRefused, match="cannot be overridden"):
        record_overriding_reason(
            ctx,
            objection.id,
            person_id=person,
            reason="compelling grounds",
            actor="staff:1",
        )


def test_an_objection_to_legitimate_interests_stops_the_purpose_until_overridden_d5(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    result = do_object(ctx, "fraud_prevention")
    assert result.suppressed == 0 and purpose_stopped(uow, person, "fraud_prevention")
    assert not purpose_stopped(uow, person, "support")
    record_overriding_reason(
        ctx,
        result.objection_ids[0],
        person_id=person,
        reason="an ongoing fraud case",
        actor="staff:1",
    )
    assert not purpose_stopped(uow, person, "fraud_prevention")
    assert uow.audit.actions()[-1] == "subject.objection.overridden"


def test_an_objection_to_a_purpose_on_another_basis_is_refused_with_the_way_out_d6(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.directory.add_person(email=EMAIL)
    with pytest.raises(SubjectRefused, match="withdraw a consent instead"):
        do_object(ctx, "statistics")
    with pytest.raises(SubjectRefused, match="rests on contract"):
        do_object(ctx, "contract")
    assert uow.audit.entries == []


def test_an_overriding_reason_names_an_objection_of_that_person(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    person = uow.directory.add_person(email=EMAIL)
    with pytest.raises(SubjectRefused, match=f"objection 5 is not one of person {person}"):
        record_overriding_reason(ctx, 5, person_id=person, reason="grounds", actor="staff:1")
