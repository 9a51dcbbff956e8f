"""Intake and verification of a request (D1-D8, G3): what is stored, mailed and audited,
the limits, and that a refused intake leaves nothing behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from stdnum import luhn

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.requests.helpers import (
    EMAIL,
    VERIFY_URL,
    code_of,
    submit,
    verify,
)
from varna.domain.errors import InputRefused, InvalidIdentifier
from varna.services.requests.intake import (
    CodeRejected,
    IntakeLimits,
    RateLimited,
    TooManyTries,
    Verified,
)

OTHER_CLIENT = "203.0.113.9"


def _pnr(yymmdd: str, serial: str = "123") -> str:
    return f"{yymmdd}-{serial}{luhn.calc_check_digit(yymmdd + serial)}"


# -- intake ----------------------------------------------------------------------------------


def test_a_request_is_received_with_its_deadline_and_a_code_mailed_d1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer, kind="erasure", email="  Anna.Andersson@Example.COM ")
    record = uow.requests.get(receipt.request_id)
    assert record is not None
    assert (record.state, record.kind, record.email) == ("received", "erasure", EMAIL)
    assert record.reference == receipt.reference and record.due_date == receipt.due_date
    assert receipt.due_date == date(2026, 4, 2)  # received 2 March (Stockholm): one month
    assert uow.requests.states(receipt.request_id) == ["received"]
    received = uow.audit.one("request.received")
    assert received.target == f"request:{receipt.request_id}"
    assert received.details == {"kind": "erasure", "due_date": "2026-04-02"}
    mail = mailer.only()
    assert mail.to == EMAIL
    assert f"{VERIFY_URL}?request={receipt.reference}" in mail.body
    assert code_of(mailer) not in str(uow.requests.codes)  # only the code's keyed hash is kept


def test_no_reason_is_asked_and_none_is_needed_d1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer, details="   ")
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.details is None


def test_a_request_in_english_gets_its_code_mail_in_english(
    ctx: FakeContext, mailer: CapturingMailer
) -> None:
    submit(ctx, mailer, language="en")
    assert mailer.only().subject.startswith("Your code for request")


def test_an_unknown_language_falls_back_to_swedish(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer, language="de")
    assert mailer.only().subject.startswith("Din kod för begäran")
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.language == "sv"


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"kind": "complaint"}, "kind", "unknown kind; expected one of access, portability"),
        ({"identifiers": {"passport": "X123"}}, "passport", "unknown identifier; expected phone"),
    ],
)
def test_an_unknown_kind_or_identifier_is_refused_and_nothing_is_stored(
    ctx: FakeContext,
    uow: FakeUnitOfWork,
    mailer: CapturingMailer,
    given: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(InputRefused, match=message) as refused:
        submit(ctx, mailer, **given)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert uow.requests.records == {} and uow.audit.entries == [] and mailer.sent == []
    assert uow.requests.intake_log == []  # refused before the limits counted it


def test_a_malformed_address_is_refused_without_repeating_it(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        submit(ctx, mailer, email="anna-at-example")
    assert "anna-at-example" not in str(refused.value)
    assert uow.requests.records == {} and mailer.sent == []


def test_typed_identifiers_are_kept_in_their_canonical_form(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer, identifiers={"phone": "070-174 00 01", "personnummer": " "})
    record = uow.requests.get(receipt.request_id)
    assert record is not None
    assert record.identifiers == {"phone": "+46701740001"}  # blank ones are dropped


def test_a_card_number_in_the_details_is_masked_and_the_event_recorded_c2(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer, details="I paid with 4111 1111 1111 1111, erase it all")
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.details is not None
    assert "4111 1111" not in record.details and "1111" in record.details
    assert uow.text.kinds() == [("card_masked", "card")]
    event = uow.text.privacy_events[0][0]
    assert (event.source_table, event.record_id) == ("subject_requests", receipt.request_id)
    assert uow.audit.one("request.received").details["privacy_events"]


def test_a_child_personnummer_in_the_details_refuses_the_request_and_records_why_c4(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    child = _pnr("160302")  # ten years old on the clock's day
    with pytest.raises(InputRefused) as refused:
        submit(ctx, mailer, details=f"My son {child} wants his data")
    assert refused.value.field == "details"
    assert child not in str(refused.value)
    assert uow.requests.records == {} and mailer.sent == []
    assert uow.audit.actions() == ["intake.refused"]
    assert "160302" not in str(uow.audit.entries) and uow.text.kinds()[0][0] == "child_refused"


def test_special_categories_are_refused_under_the_refuse_policy_c3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    with pytest.raises(InputRefused):
        submit(ctx, mailer, details="I have diabetes", policy="refuse")
    assert uow.requests.records == {}
    assert uow.audit.one("intake.refused").details["field"] == "details"


# -- limits ----------------------------------------------------------------------------------


def test_one_client_is_limited_per_window_and_others_are_not(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    limits = IntakeLimits(per_key=2)
    for n in range(2):
        submit(ctx, mailer, email=f"person{n}@example.com", limits=limits)
    with pytest.raises(RateLimited, match="try again in an hour"):
        submit(ctx, mailer, email="person9@example.com", limits=limits)
    assert len(uow.requests.records) == 2
    submit(ctx, mailer, email="person9@example.com", client=OTHER_CLIENT, limits=limits)
    ctx.clock.advance(hours=1, seconds=1)
    submit(ctx, mailer, email="person8@example.com", limits=limits)  # the window has passed
    assert len(uow.requests.records) == 4


def test_typing_someone_elses_address_does_not_use_up_their_quota(
    ctx: FakeContext, mailer: CapturingMailer
) -> None:
    limits = IntakeLimits(per_key=2)
    for n in range(4):  # a stranger from many clients, unverified
        submit(ctx, mailer, client=f"192.0.2.{n}", limits=limits)
    submit(ctx, mailer, client=OTHER_CLIENT, limits=limits)  # the owner still gets through


def test_verified_requests_of_one_address_are_limited(
    ctx: FakeContext, mailer: CapturingMailer
) -> None:
    limits = IntakeLimits(per_key=2)
    for n in range(2):
        receipt = submit(ctx, mailer, client=f"192.0.2.{n}", limits=limits)
        verify(ctx, receipt.reference, code_of(mailer), client=f"192.0.2.{n}", limits=limits)
    with pytest.raises(RateLimited):
        submit(ctx, mailer, client=OTHER_CLIENT, limits=limits)


def test_old_rate_limit_notes_are_forgotten(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    submit(ctx, mailer)
    ctx.clock.advance(days=1, seconds=1)
    submit(ctx, mailer)
    assert [at for _, at in uow.requests.intake_log] == [ctx.clock.now()]


# -- verification ------------------------------------------------------------------------------


def test_the_right_code_verifies_and_enqueues_the_job_in_one_transaction(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    commits = uow.commits
    assert verify(ctx, receipt.reference, code_of(mailer)) is Verified.VERIFIED
    assert uow.commits == commits + 1
    record = uow.requests.get(receipt.request_id)
    assert record is not None
    assert record.state == "verified" and record.verified_at == ctx.clock.now()
    assert uow.requests.states(receipt.request_id) == ["received", "verified"]
    job = uow.jobs.jobs[f"execute:{receipt.request_id}"]
    assert (job.task, job.request_id) == ("execute_request", receipt.request_id)
    assert uow.audit.actions()[-1] == "request.verified"


def test_the_code_again_says_already_verified_and_queues_nothing_more(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    code = code_of(mailer)
    verify(ctx, receipt.reference, code)
    assert verify(ctx, receipt.reference, code) is Verified.ALREADY
    assert len(uow.jobs.jobs) == 1 and uow.audit.actions().count("request.verified") == 1


def test_a_wrong_code_is_rejected_with_the_tries_left_and_counted(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    wrong = "000000" if code_of(mailer) != "000000" else "111111"
    with pytest.raises(CodeRejected, match="the code is wrong") as rejected:
        verify(ctx, receipt.reference, wrong)
    assert rejected.value.tries_left == IntakeLimits().code_tries - 1
    latest = uow.requests.latest_code(receipt.request_id)
    assert latest is not None and latest[1].attempts == 1
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.state == "received" and uow.jobs.jobs == {}


def test_an_unknown_reference_gets_the_same_answer_as_a_wrong_code(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    with pytest.raises(CodeRejected) as unknown:
        verify(ctx, "not-a-reference", code_of(mailer))
    with pytest.raises(CodeRejected) as wrong:
        verify(ctx, receipt.reference, "12")
    assert str(unknown.value) == str(wrong.value).replace(
        f" ({wrong.value.tries_left} tries left)", f" ({unknown.value.tries_left} tries left)"
    )
    assert unknown.value.check == wrong.value.check == "wrong"


def test_an_expired_code_is_rejected_and_the_request_stays_received(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    receipt = submit(ctx, mailer)
    ctx.clock.advance(IntakeLimits().code_lifetime + timedelta(seconds=1))
    with pytest.raises(CodeRejected, match="expired") as rejected:
        verify(ctx, receipt.reference, code_of(mailer))
    assert rejected.value.check == "expired"
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.state == "received"


def test_a_client_that_guessed_too_often_waits_but_the_owner_can_still_verify(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    limits = IntakeLimits(code_tries=2)
    receipt = submit(ctx, mailer)
    code = code_of(mailer)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(CodeRejected):
            verify(ctx, receipt.reference, wrong, client=OTHER_CLIENT, limits=limits)
    with pytest.raises(TooManyTries, match="wait an hour"):
        verify(ctx, receipt.reference, code, client=OTHER_CLIENT, limits=limits)
    assert verify(ctx, receipt.reference, code, limits=limits) is Verified.VERIFIED


def test_many_clients_guessing_together_lock_the_code(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    limits = IntakeLimits(request_tries=3)
    receipt = submit(ctx, mailer)
    code = code_of(mailer)
    wrong = "000000" if code != "000000" else "111111"
    for n in range(3):
        with pytest.raises(CodeRejected):
            verify(ctx, receipt.reference, wrong, client=f"192.0.2.{n}", limits=limits)
    with pytest.raises(CodeRejected, match="make the request again") as locked:
        verify(ctx, receipt.reference, code, limits=limits)
    assert locked.value.check == "locked"
    record = uow.requests.get(receipt.request_id)
    assert record is not None and record.state == "received"
