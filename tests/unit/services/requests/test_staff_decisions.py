"""Staff decisions on a request (R-DSR-01/02, Art. 12(3)-(5)): extension, refusal and
completion by hand, each with its timeline event, audit event and mail; a refused decision
changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.requests.helpers import (
    EMAIL,
    complete,
    extend,
    refuse,
    submit,
    verified_request,
)
from varna.domain.errors import InputRefused, VarnaError
from varna.domain.requests.deadlines import ExtensionRefused
from varna.domain.requests.lifecycle import RefusalNeedsDecision, TransitionRefused
from varna.services.requests.decisions import RequestNotFound
from varna.services.requests.messages import COURT, IMY


def _unchanged(uow: FakeUnitOfWork, request_id: int, state: str, audit: int) -> None:
    record = uow.requests.get(request_id)
    assert record is not None and record.state == state
    assert len(uow.audit.entries) == audit


# -- extension -------------------------------------------------------------------------------


def test_an_extension_moves_the_deadline_and_tells_the_person_why(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx)
    decision = extend(ctx, request_id, months=2, reason="  many systems to search ", mailer=mailer)
    assert (decision.state, decision.due_date) == ("extended", "2026-06-02")
    record = uow.requests.get(request_id)
    assert record is not None
    assert record.due_date == date(2026, 6, 2) and record.extension_months == 2
    assert record.extension_reason == "many systems to search"
    assert uow.requests.events(request_id)[-1].note == "many systems to search"
    assert uow.audit.one("request.extended").details == {"months": 2}
    mail = mailer.only()
    assert mail.to == EMAIL
    assert "2 juni 2026" in mail.body and "many systems to search" in mail.body


def test_a_request_is_extended_once_only(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    request_id = verified_request(ctx)
    extend(ctx, request_id, months=1)
    audit = len(uow.audit.entries)
    with pytest.raises(VarnaError, match="cannot become extended|has already been extended"):
        extend(ctx, request_id, months=1)
    _unchanged(uow, request_id, "extended", audit)
    record = uow.requests.get(request_id)
    assert record is not None and record.due_date == date(2026, 5, 2)


def test_an_extension_after_the_first_month_is_refused(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx)
    ctx.clock.advance(days=32)
    audit = len(uow.audit.entries)
    with pytest.raises(ExtensionRefused, match="within the first month"):
        extend(ctx, request_id, mailer=mailer)
    _unchanged(uow, request_id, "verified", audit)
    assert mailer.sent == []


@pytest.mark.parametrize(("months", "reason"), [(3, "too much"), (0, "none"), (1, "   ")])
def test_an_extension_needs_one_or_two_months_and_a_reason(
    ctx: FakeContext, uow: FakeUnitOfWork, months: int, reason: str
) -> None:
    request_id = verified_request(ctx)
    audit = len(uow.audit.entries)
    with pytest.raises(ExtensionRefused):
        extend(ctx, request_id, months=months, reason=reason)
    _unchanged(uow, request_id, "verified", audit)


def test_an_unverified_request_cannot_be_extended(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    with pytest.raises(TransitionRefused, match="received cannot become extended"):
        extend(ctx, receipt.request_id)


def test_a_decision_on_an_unknown_request_names_its_number(ctx: FakeContext) -> None:
    with pytest.raises(RequestNotFound, match="no request 99"):
        extend(ctx, 99)
    with pytest.raises(RequestNotFound, match="no request 99"):
        refuse(ctx, 99)
    with pytest.raises(RequestNotFound, match="no request 99"):
        complete(ctx, 99)


def test_the_reason_staff_write_passes_the_intake_guard_c3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx)
    audit = len(uow.audit.entries)
    with pytest.raises(InputRefused) as refused:
        extend(
            ctx,
            request_id,
            reason="she is in hospital with diabetes",
            policy="refuse",
            mailer=mailer,
        )
    assert refused.value.field == "reason"
    record = uow.requests.get(request_id)
    assert record is not None and record.state == "verified"
    assert uow.audit.actions()[audit:] == ["intake.refused"]  # the refusal only
    assert mailer.sent == []


def test_a_redacted_reason_is_what_the_person_is_told_c3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx)
    extend(ctx, request_id, reason="card 4111 1111 1111 1111 records take time", mailer=mailer)
    assert "4111 1111" not in mailer.only().body
    record = uow.requests.get(request_id)
    assert record is not None and "4111 1111" not in str(record.extension_reason)
    assert [e.record_id for e, _ in uow.text.privacy_events] == [request_id]


# -- refusal ---------------------------------------------------------------------------------


def test_a_refusal_closes_the_request_and_names_imy_and_the_courts_d7(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx)
    decision = refuse(ctx, request_id, ground="excessive", reason="asked daily", mailer=mailer)
    assert decision.state == "refused" and decision.due_date == "2026-04-02"
    record = uow.requests.get(request_id)
    assert record is not None
    assert (record.refusal_ground, record.refusal_reason) == ("excessive", "asked daily")
    assert record.closed_at == ctx.clock.now()
    assert uow.requests.events(request_id)[-1].note == "excessive: asked daily"
    assert uow.audit.one("request.refused").details == {"ground": "excessive"}
    body = mailer.only().body
    assert IMY["sv"] in body and COURT["sv"] in body and "asked daily" in body


@pytest.mark.parametrize(
    ("ground", "reason", "message"),
    [
        (None, "why", "a refusal needs one of the grounds"),
        ("i_do_not_like_it", "why", "a refusal needs one of the grounds"),
        ("excessive", "  ", "a refusal needs the reasons that the person is told"),
        ("excessive", None, "a refusal needs the reasons that the person is told"),
    ],
)
def test_a_refusal_needs_a_recorded_ground_and_reasons(
    ctx: FakeContext, uow: FakeUnitOfWork, ground: str | None, reason: str | None, message: str
) -> None:
    request_id = verified_request(ctx)
    audit = len(uow.audit.entries)
    with pytest.raises(RefusalNeedsDecision, match=message):
        refuse(ctx, request_id, ground=ground, reason=reason)
    _unchanged(uow, request_id, "verified", audit)


def test_a_closed_request_cannot_be_refused(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    request_id = verified_request(ctx)
    complete(ctx, request_id)
    audit = len(uow.audit.entries)
    with pytest.raises(TransitionRefused, match="completed cannot become refused"):
        refuse(ctx, request_id)
    _unchanged(uow, request_id, "completed", audit)


# -- completion by hand ----------------------------------------------------------------------


def test_completing_by_hand_keeps_the_note_and_queues_the_answer(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    request_id = verified_request(ctx, kind="rectification")
    decision = complete(ctx, request_id, note="address corrected in billing")
    assert decision.state == "completed"
    record = uow.requests.get(request_id)
    assert record is not None
    assert record.outcome == {"staff_note": "address corrected in billing"}
    assert record.closed_at == ctx.clock.now()
    assert uow.jobs.jobs[f"result:{request_id}"].task == "send_result"
    assert uow.audit.actions()[-1] == "request.completed"


def test_an_unverified_request_cannot_be_completed(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    with pytest.raises(TransitionRefused):
        complete(ctx, receipt.request_id)
    assert f"result:{receipt.request_id}" not in uow.jobs.jobs


def test_an_extended_request_keeps_its_new_deadline_when_completed(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    request_id = verified_request(ctx)
    extend(ctx, request_id, months=1)
    ctx.clock.advance(timedelta(days=40))
    decision = complete(ctx, request_id)
    assert decision.due_date == "2026-05-02"
    assert uow.requests.states(request_id) == ["received", "verified", "extended", "completed"]
