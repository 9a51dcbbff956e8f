"""The request job's decisions (D1, D3, D8, A3, G3): whom a verified request acts on, when it
waits for staff, routing a SIM's request to its controller, and the answer it sends. The
subject engine's own work (extract, erasure) is tested on real databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from stdnum import luhn

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.requests.helpers import (
    EMAIL,
    job_context,
    refuse,
    submit,
    verified_request,
)
from varna.domain.requests.identity import NEEDS_CHECKING_REASON
from varna.domain.subjects.keys import SubjectKey
from varna.services.requests.execute import (
    delete_copy,
    download,
    execute_request,
    open_answer,
    send_identity_notice,
    send_result,
)
from varna.services.requests.extracts import drop_lapsed_extracts
from varna.services.requests.identity import (
    EmailCodeProof,
    IdentityNotWaiting,
    check_identity,
    run_for_proven_person,
)
from varna.services.requests.messages import IMY

ICCID = "8946999" + "00000000001"
ICCID += luhn.calc_check_digit(ICCID)  # the Swedish test range
PHONE = "+46701740001"


def run_job(ctx: FakeContext, request_id: int, mailer: CapturingMailer | None = None) -> None:
    execute_request(job_context(ctx, mailer), request_id)


def answer(ctx: FakeContext, request_id: int, mailer: CapturingMailer) -> None:
    send_result(job_context(ctx, mailer), request_id)


def confirm_identity(ctx: FakeContext, request_id: int) -> str:
    return run_for_proven_person(ctx, request_id, actor="staff:1")


def _record(uow: FakeUnitOfWork, request_id: int) -> Any:
    record = uow.requests.get(request_id)
    assert record is not None
    return record


# -- the identity check -------------------------------------------------------------------------


def test_the_confirmed_address_proves_its_person_and_nothing_else_d1(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    anna = uow.directory.add_person(email=EMAIL, phone=PHONE)
    request_id = verified_request(ctx, identifiers={"phone": PHONE})
    with uow:
        check = check_identity(uow, _record(uow, request_id), EmailCodeProof(), secret=ctx.secret)
    assert check.decision.people == frozenset({anna}) and not check.decision.narrowed
    assert check.keys == (SubjectKey("email", EMAIL),)


def test_an_unverified_request_proves_nobody(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    uow.directory.add_person(email=EMAIL)
    request_id = verified_request(ctx)
    record = _record(uow, request_id)
    assert EmailCodeProof().proven_keys(replace(record, verified_at=None)) == ()


def test_typed_identifiers_narrow_the_proven_people_to_one_g3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.directory.add_person(email=EMAIL, phone="+46701740002")
    second = uow.directory.add_person(email=EMAIL, phone=PHONE)  # one address, two people
    request_id = verified_request(ctx, identifiers={"phone": PHONE})
    with uow:
        check = check_identity(uow, _record(uow, request_id), EmailCodeProof(), secret=ctx.secret)
    assert check.decision.narrowed
    assert check.keys == (SubjectKey("person_id", str(second)),)


def test_someone_elses_identifier_makes_the_request_wait_for_staff_g3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    uow.directory.add_person(email=EMAIL)
    uow.directory.add_person(email="bertil@example.com", phone=PHONE)  # a stranger's phone
    request_id = verified_request(ctx, kind="restriction", identifiers={"phone": PHONE})
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "in_progress"
    assert record.outcome["identity"]["status"] == "needs_checking"
    assert uow.requests.events(request_id)[-1].note == (
        f"identity needs checking: {NEEDS_CHECKING_REASON}"
    )
    assert uow.jobs.jobs[f"identity:{request_id}"].task == "send_identity_notice"
    assert uow.audit.actions()[-1] == "request.identity_needs_checking"
    assert uow.rights.restricted_people() == set()  # nobody was restricted
    run_job(ctx, request_id)  # the job again: it waits, and queues nothing more
    assert uow.audit.actions().count("request.identity_needs_checking") == 1
    send_identity_notice(job_context(ctx, mailer), request_id)
    assert mailer.only().to == EMAIL and PHONE not in mailer.only().body


def test_an_identifier_that_matches_nobody_also_waits_in_the_same_words_g3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    uow.directory.add_person(email=EMAIL)
    request_id = verified_request(ctx, kind="restriction", identifiers={"phone": PHONE})
    run_job(ctx, request_id)
    assert _record(uow, request_id).outcome["identity"]["status"] == "needs_checking"
    send_identity_notice(job_context(ctx, mailer), request_id)
    stranger = mailer.only().body
    assert "Bertil" not in stranger and PHONE not in stranger


def test_staff_run_a_waiting_request_for_the_proven_person_only_g3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    anna = uow.directory.add_person(email=EMAIL)
    bertil = uow.directory.add_person(email="bertil@example.com", phone=PHONE)
    request_id = verified_request(ctx, kind="restriction", identifiers={"phone": PHONE})
    run_job(ctx, request_id)
    assert confirm_identity(ctx, request_id) == "in_progress"
    assert uow.jobs.jobs[f"execute:{request_id}:identity-checked"].request_id == request_id
    assert uow.audit.actions()[-1] == "request.identity_checked"
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "completed"
    assert record.outcome["identity"] == {"status": "confirmed_by_staff", "by": "staff:1"}
    assert uow.rights.restricted_people() == {anna} and bertil not in uow.rights.restricted_people()


def test_only_a_waiting_request_can_be_run_by_staff(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    request_id = verified_request(ctx)
    audit = len(uow.audit.entries)
    with pytest.raises(IdentityNotWaiting, match=f"request {request_id} is not waiting"):
        confirm_identity(ctx, request_id)
    with pytest.raises(IdentityNotWaiting):
        confirm_identity(ctx, 99)
    assert len(uow.audit.entries) == audit and len(uow.jobs.jobs) == 1


# -- the job --------------------------------------------------------------------------------------


def test_the_job_ignores_requests_that_are_not_verified_or_are_closed(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    received = submit(ctx, mailer).request_id
    refused = verified_request(ctx)
    refuse(ctx, refused)
    audit = len(uow.audit.entries)
    for request_id in (received, refused, 99, None):
        execute_request(job_context(ctx, None), request_id)
    assert len(uow.audit.entries) == audit
    assert _record(uow, received).state == "received" and _record(uow, refused).state == "refused"


def test_a_restriction_request_restricts_the_proven_person_d3(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    anna = uow.directory.add_person(email=EMAIL)
    request_id = verified_request(ctx, kind="restriction", details="my address is wrong")
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "completed" and record.outcome == {"restriction": {"people": 1}}
    assert uow.requests.states(request_id)[-2:] == ["in_progress", "completed"]
    assert uow.rights.active_restriction(anna) is not None
    assert uow.jobs.jobs[f"result:{request_id}"].task == "send_result"
    assert "request.completed" in uow.audit.actions()
    assert uow.audit.one("subject.restrict").actor == f"request:{request_id}"


def test_a_marketing_objection_suppresses_the_address_even_of_nobody_known_d8(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    request_id = verified_request(ctx, kind="marketing_objection")
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "completed"
    assert record.outcome == {"marketing_objection": {"objections": 0, "suppressed": 1}}
    assert len(uow.rights.suppressed_hashes()) == 1
    assert EMAIL not in str(uow.rights.suppressed_hashes())  # a keyed hash, not the address


@pytest.mark.parametrize("kind", ["rectification", "objection", "consent_withdrawal"])
def test_kinds_staff_decide_wait_in_progress_for_them(
    ctx: FakeContext, uow: FakeUnitOfWork, kind: str
) -> None:
    uow.directory.add_person(email=EMAIL)
    request_id = verified_request(ctx, kind=kind)
    run_job(ctx, request_id)
    assert _record(uow, request_id).state == "in_progress"
    assert f"result:{request_id}" not in uow.jobs.jobs


def test_a_job_that_runs_twice_completes_the_request_once(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    uow.directory.add_person(email=EMAIL)
    request_id = verified_request(ctx, kind="restriction")
    run_job(ctx, request_id)
    run_job(ctx, request_id)
    assert uow.audit.actions().count("request.completed") == 1
    assert uow.requests.states(request_id).count("completed") == 1


# -- SIMs: routed to their controller (A3) -----------------------------------------------------


def test_a_request_naming_a_sim_is_forwarded_to_its_controller_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    customer = uow.directory.add_customer(
        "Testbolaget AB", privacy_contact="dpo@testbolaget.example"
    )
    sim = uow.directory.add_sim(
        customer, iccid=ICCID, imsi="240990000000001", msisdn="+46701740099"
    )
    request_id = verified_request(ctx, kind="erasure", identifiers={"iccid": ICCID})
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "forwarded" and record.controller_id == customer
    assert record.outcome["forwarded_to"][0]["sim_ids"] == [sim]
    routed = uow.rights.controller_requests
    assert [(r.organisation_id, r.kind, r.sim_ids, r.status) for r in routed] == [
        (customer, "erasure", (sim,), "routed")
    ]
    assert routed[0].instruction_ref == f"request:{request_id}"
    assert uow.audit.actions()[-1] == "request.forwarded"
    answer(ctx, request_id, mailer)
    to_person, to_controller = mailer.sent
    assert to_person.to == EMAIL and "Testbolaget" not in to_person.body
    assert IMY["sv"] in to_person.body
    assert to_controller.to == "dpo@testbolaget.example"


def test_an_unknown_sim_gets_the_same_answer_and_nobody_is_told_a3(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = verified_request(ctx, kind="erasure", identifiers={"iccid": ICCID})
    run_job(ctx, request_id)
    record = _record(uow, request_id)
    assert record.state == "forwarded" and record.outcome == {"forwarded_to": []}
    assert record.controller_id is None and uow.rights.controller_requests == []
    answer(ctx, request_id, mailer)
    assert [m.to for m in mailer.sent] == [EMAIL]


# -- the answer and its download link (D1, R1) ----------------------------------------------------

EXTRACT = {"schema": "varna.extract/v1", "data": {"contact": [{"rows": [{"email": EMAIL}]}]}}


def _completed_access(ctx: FakeContext, uow: FakeUnitOfWork) -> int:
    """An access request whose extract the job has made (the engine's part is not faked)."""
    request_id = verified_request(ctx)
    with uow:
        uow.requests.change_state(
            request_id,
            from_states=["verified"],
            to_state="completed",
            actor="worker",
            at=ctx.clock.now(),
            fields={"outcome": {"extract": EXTRACT}},
        )
        uow.commit()
    return request_id


def _link(mailer: CapturingMailer) -> str:
    body = mailer.only().body
    start = body.index("/privacy/requests/download/") + len("/privacy/requests/download/")
    return body[start:].split()[0].split("?")[0]


def test_the_answer_carries_a_single_use_download_link_d1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = _completed_access(ctx, uow)
    answer(ctx, request_id, mailer)
    assert IMY["sv"] in mailer.only().body
    token = _link(mailer)
    assert download(job_context(ctx, None), token) == EXTRACT
    assert download(job_context(ctx, None), token) is None  # once
    outcome = _record(uow, request_id).outcome
    assert "extract" not in outcome  # the copy goes with the download (R1)
    assert outcome["extract_summary"]["rows"] == {"contact": 1}
    assert outcome["extract_summary"]["released"] == "downloaded"
    assert uow.audit.actions()[-1] == "request.download"


def test_the_answer_page_opens_until_the_link_expires_and_each_opening_is_audited_d1_r1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    """D1, R1: the answer page opens and downloads as often as the person likes while the
    link works, each time an audit entry; the copy stays until the link expires."""
    request_id = _completed_access(ctx, uow)
    answer(ctx, request_id, mailer)
    token, rctx = _link(mailer), job_context(ctx, None)
    for _ in range(2):
        opened = open_answer(rctx, token)
        assert opened is not None and opened.extract == EXTRACT
    assert open_answer(rctx, token, download_format="pdf") is not None
    assert uow.audit.actions()[-3:] == [
        "request.answer_opened",
        "request.answer_opened",
        "request.download",
    ]
    assert uow.audit.entries[-1].event.details == {"format": "pdf"}
    assert "extract" in _record(uow, request_id).outcome
    ctx.clock.advance(timedelta(days=7, seconds=1))
    assert open_answer(rctx, token) is None


def test_delete_my_copy_now_drops_the_copy_and_ends_the_link_r1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = _completed_access(ctx, uow)
    answer(ctx, request_id, mailer)
    token, rctx = _link(mailer), job_context(ctx, None)
    assert delete_copy(rctx, token) is True
    outcome = _record(uow, request_id).outcome
    assert "extract" not in outcome
    assert outcome["extract_summary"]["released"] == "deleted_by_person"
    assert uow.audit.one("request.extract_dropped").details == {"reason": "deleted_by_person"}
    assert open_answer(rctx, token) is None and delete_copy(rctx, token) is False
    assert download(rctx, token) is None


def test_an_expired_link_gives_nothing_and_the_sweep_drops_the_copy_r1(
    ctx: FakeContext, uow: FakeUnitOfWork, mailer: CapturingMailer
) -> None:
    request_id = _completed_access(ctx, uow)
    answer(ctx, request_id, mailer)
    ctx.clock.advance(timedelta(days=7, seconds=1))
    assert download(job_context(ctx, None), _link(mailer)) is None
    with uow:
        dropped = drop_lapsed_extracts(uow, actor="scheduler:retention", at=ctx.clock.now())
        uow.commit()
    assert dropped == 1
    outcome = _record(uow, request_id).outcome
    assert "extract" not in outcome and outcome["extract_summary"]["released"] == "link_expired"
    assert uow.audit.one("request.extract_dropped").details == {"reason": "link_expired"}
    with uow:
        assert drop_lapsed_extracts(uow, actor="scheduler:retention", at=ctx.clock.now()) == 0


def test_an_unknown_link_gives_nothing_and_records_nothing(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    audit = len(uow.audit.entries)
    assert download(job_context(ctx, None), "no-such-token") is None
    assert len(uow.audit.entries) == audit


def test_without_a_mailer_the_answer_still_makes_its_link(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    request_id = _completed_access(ctx, uow)
    send_result(job_context(ctx, None), request_id)
    assert [t.request_id for t in uow.requests.tokens] == [request_id]
