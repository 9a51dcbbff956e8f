"""A request acts only on the person its verified e-mail address proves (D1, D4, G3; GDPR
Art. 12(6)), and a SIM identifier only routes it to the SIM's controller without naming the
controller to the requester (A3). On SQLite and PostgreSQL, through the request use cases and
the job handlers (the mail at the port; the real SMTP path is in tests/e2e)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from tests import factories
from tests.integration.test_request_jobs import CapturingMailer
from tests.subject_factories import ANNA_PNR, BO_PNR, NOW, World, build_world, personnummer
from varna.adapters.db.tables import jobs, organisations, people, subject_requests, support_tickets
from varna.adapters.jobs import JobWorker
from varna.bootstrap import Container
from varna.bootstrap.notices import notice_jobs
from varna.bootstrap.requests import request_context
from varna.domain.requests.identity import NEEDS_CHECKING_REASON
from varna.services.requests.decisions import refuse_request
from varna.services.requests.execute import RequestContext, handlers
from varna.services.requests.identity import IdentityNotWaiting, run_for_proven_person
from varna.services.requests.intake import (
    IntakeCommand,
    IntakeLimits,
    submit_request,
    verify_request,
)

ANNA = "anna.berg@example.com"
MALLORY = "mallory@example.com"
VERIFY_URL = "http://127.0.0.1/privacy/requests/verify"
PRIVACY_CONTACT = "dataskydd@testbolaget.example.com"


def run_request(
    container: Container,
    kind: str,
    email: str,
    identifiers: dict[str, str] | None = None,
    *,
    language: str = "en",
) -> tuple[int, CapturingMailer, RequestContext]:
    """Submit, verify with the code mailed to ``email``, run the job and send the answer."""
    mailer = CapturingMailer()
    receipt = submit_request(
        container,
        IntakeCommand(kind, email, identifiers or {}, None, language),
        actor="test",
        client="192.0.2.1",
        mailer=mailer,
        verify_url=VERIFY_URL,
        special_policy="redact",
        limits=IntakeLimits(per_key=1000),
    )
    match = re.search(r"^\s+(\d{6})\s*$", mailer.sent[-1].body, re.MULTILINE)
    assert match
    verify_request(container, receipt.reference, match.group(1), client="192.0.2.1")
    ctx = dataclasses.replace(request_context(container), mailer=mailer)
    drain(container, ctx)
    with container.engine.connect() as conn:
        ours = select(jobs.c.state).where(jobs.c.request_id == receipt.request_id)
        assert set(conn.execute(ours).scalars()) == {"done"}  # no job of the request failed
    return receipt.request_id, mailer, ctx


def drain(container: Container, ctx: RequestContext) -> None:
    """Run every queued job (execution, answers, notices) with ``ctx``."""
    tasks = {**handlers(ctx), **notice_jobs(container)}
    worker = JobWorker(
        container.engine, tasks, name="test", now=container.clock.now, lease=timedelta(minutes=5)
    )
    while worker.run_once():
        pass


def request_row(container: Container, request_id: int) -> dict[str, Any]:
    with container.engine.connect() as conn:
        row = conn.execute(
            select(subject_requests.c.state, subject_requests.c.outcome).where(
                subject_requests.c.id == request_id
            )
        ).one()
    return {"state": row.state, "outcome": row.outcome or {}}


def seen_by_requester(
    container: Container, request_id: int, mailer: CapturingMailer, email: str
) -> str:
    """Everything the request gives its requester: the extract behind the download link and
    every mail to the address (what else the outcome holds is for staff)."""
    extract = request_row(container, request_id)["outcome"].get("extract")
    return json.dumps(extract, ensure_ascii=False) + "\n".join(
        f"{m.subject}\n{m.body}" for m in mailer.to(email)
    )


def person_row(container: Container, person_id: int) -> tuple[Any, ...]:
    with container.engine.connect() as conn:
        row = conn.execute(
            select(people.c.full_name, people.c.email, people.c.phone, people.c.personnummer).where(
                people.c.id == person_id
            )
        ).one()
        tickets = conn.execute(
            select(func.count()).where(support_tickets.c.person_id == person_id)
        ).scalar_one()
    return (*row, tickets)


def test_d1_access_with_a_strangers_personnummer_returns_nothing_of_theirs(
    container: Container,
) -> None:
    """D1, G3: an access request from the attacker's own address naming a stranger's
    personnummer, confirmed with the code sent to the attacker, gives nothing of the stranger:
    it waits for staff as "identity needs checking"."""
    build_world(container)
    request_id, mailer, _ = run_request(container, "access", MALLORY, {"personnummer": ANNA_PNR})
    seen = seen_by_requester(container, request_id, mailer, MALLORY)
    for secret_of_anna in ("Anna Berg", ANNA, ANNA_PNR, "+46701234567", "Provgatan"):
        assert secret_of_anna not in seen
    row = request_row(container, request_id)
    assert row["state"] == "in_progress"
    assert row["outcome"]["identity"]["status"] == "needs_checking"
    assert "download" not in seen


def test_d4_erasure_with_a_strangers_phone_erases_nobody(container: Container) -> None:
    """D4: an erasure request naming a stranger's phone number leaves the stranger's data
    intact; the request waits for staff."""
    world = build_world(container)
    before = person_row(container, world.bo_id)
    request_id, mailer, _ = run_request(container, "erasure", MALLORY, {"phone": "+46701112233"})
    assert person_row(container, world.bo_id) == before
    assert request_row(container, request_id)["state"] == "in_progress"
    assert "Bo Ek" not in seen_by_requester(container, request_id, mailer, MALLORY)


def _own_link(text: str) -> str:
    """The mail with its request's own status link masked (each request has its own)."""
    return re.sub(r"status\?request=[^&\s]+&key=[0-9a-f]+", "status?request=R&key=K", text)


def _with_privacy_contact(container: Container, world: World) -> None:
    with container.engine.begin() as conn:
        conn.execute(
            update(organisations)
            .where(organisations.c.id == world.company_id)
            .values(privacy_contact_email=PRIVACY_CONTACT)
        )


def test_a3_a_sim_request_names_no_controller_to_the_requester(container: Container) -> None:
    """A3, G3: any ICCID with any e-mail address: the requester is told, in the same words
    whether or not the SIM exists, that the request goes to the company holding the SIM's
    subscription; the mail names neither the customer nor its privacy contact, and the
    controller gets its notice."""
    world = build_world(container)
    _with_privacy_contact(container, world)
    known_id, known_mail, _ = run_request(
        container, "access", MALLORY, {"iccid": world.anna_iccids[0]}
    )
    unknown_id, unknown_mail, _ = run_request(
        container, "access", MALLORY, {"iccid": factories.test_iccid(4242)}
    )
    answers = []
    for request_id, mailer in ((known_id, known_mail), (unknown_id, unknown_mail)):
        (answer,) = [m for m in mailer.to(MALLORY) if "code" not in m.subject]
        text = f"{answer.subject}\n{answer.body}"
        assert "Testbolaget" not in text and PRIVACY_CONTACT not in text
        assert "Anna" not in text
        assert request_row(container, request_id)["state"] == "forwarded"
        answers.append(_own_link(text).replace(f"request {request_id}", "request N"))
    assert answers[0] == answers[1]
    (notice,) = known_mail.to(PRIVACY_CONTACT)
    assert f"request {known_id}" in notice.body
    assert not unknown_mail.to(PRIVACY_CONTACT)


def test_d1_own_personnummer_confirms_and_the_request_runs(container: Container) -> None:
    """D1: the person's own e-mail address with their own personnummer runs as usual; with a
    colleague's personnummer instead it waits for staff, and the colleague's data stays out."""
    build_world(container)
    own_id, own_mail, _ = run_request(container, "access", ANNA, {"personnummer": ANNA_PNR})
    row = request_row(container, own_id)
    assert row["state"] == "completed"
    assert "Anna Berg" in json.dumps(row["outcome"]["extract"], ensure_ascii=False)
    assert any("/privacy/requests/download/" in m.body for m in own_mail.to(ANNA))
    other_id, other_mail, _ = run_request(container, "access", ANNA, {"personnummer": BO_PNR})
    assert request_row(container, other_id)["state"] == "in_progress"
    assert BO_PNR not in seen_by_requester(container, other_id, other_mail, ANNA)


def test_g3_the_answer_is_the_same_for_a_stranger_nobody_and_a_mismatch(
    container: Container,
) -> None:
    """G3, D1: the person is told the same words whether the typed identifier belongs to a
    stranger, to nobody, or the confirmed address itself belongs to nobody; staff see the
    reason, without personal data, in the queue and the timeline."""
    build_world(container)
    cases = [
        (MALLORY, {"personnummer": ANNA_PNR}),  # a stranger's, from an unknown address
        (MALLORY, {"phone": "+46709999999"}),  # nobody's, from an unknown address
        (ANNA, {"personnummer": personnummer("19900101", "001")}),  # nobody's, own address
        (ANNA, {"phone": "+46701112233"}),  # a colleague's, own address
    ]
    answers = set()
    for email, identifiers in cases:
        request_id, mailer, _ = run_request(container, "erasure", email, identifiers)
        (notice,) = [m for m in mailer.to(email) if "identity" in m.subject]
        text = f"{notice.subject}\n{notice.body}"
        answers.add(
            _own_link(text)
            .replace(f"request {request_id}", "N")
            .replace(f"number {request_id}", "N")
        )
        with container.uow() as uow:
            record = uow.requests.get(request_id)
            events = uow.requests.events(request_id)
        assert record is not None and record.state == "in_progress"
        reason = record.outcome["identity"]["reason"] if record.outcome else ""
        assert reason == NEEDS_CHECKING_REASON
        assert any(e.note and NEEDS_CHECKING_REASON in e.note for e in events)
        for value in (email, *identifiers.values(), "Anna", "Bo Ek"):
            assert value not in reason
    assert len(answers) == 1


def test_d4_staff_run_it_for_the_confirmed_address_only_or_refuse(container: Container) -> None:
    """D4, G3: after checking the identity by other means, staff run the waiting erasure for
    the confirmed address only (the stranger named by the typed phone number keeps their
    data), or refuse a waiting request on the identity ground, with IMY and the courts."""
    world = build_world(container)
    bo_before = person_row(container, world.bo_id)
    request_id, mailer, ctx = run_request(container, "erasure", ANNA, {"phone": "+46701112233"})
    with pytest.raises(IdentityNotWaiting):
        run_for_proven_person(container, request_id + 99, actor="staff:1")
    run_for_proven_person(container, request_id, actor="staff:1")
    drain(container, ctx)
    row = request_row(container, request_id)
    assert row["state"] == "completed"
    assert row["outcome"]["identity"] == {"status": "confirmed_by_staff", "by": "staff:1"}
    assert person_row(container, world.anna_id)[0] == "[erased]"
    assert person_row(container, world.bo_id) == bo_before
    with pytest.raises(IdentityNotWaiting):  # once only
        run_for_proven_person(container, request_id, actor="staff:1")

    refused_id, refused_mail, _ = run_request(
        container, "access", MALLORY, {"personnummer": BO_PNR}
    )
    refuse_request(
        container,
        refused_id,
        ground="identity_not_confirmed",
        reason="We could not confirm that the personal identity number is yours.",
        actor="staff:1",
        mailer=refused_mail,
        special_policy="redact",
    )
    assert request_row(container, refused_id)["state"] == "refused"
    (refusal,) = [m for m in refused_mail.to(MALLORY) if "Decision" in m.subject]
    assert "court" in refusal.body and "IMY" in refusal.body
    assert person_row(container, world.bo_id) == bo_before


def test_d4_a_typed_personnummer_narrows_an_address_shared_by_two_records(
    container: Container,
) -> None:
    """D4, D1: when the confirmed address belongs to two people records, the person's own
    personnummer narrows the erasure to the record it names; the other keeps its data."""
    world = build_world(container)
    other_pnr = personnummer("19600101", "002")
    with container.engine.begin() as conn:
        other = conn.execute(
            insert(people).values(
                full_name="Anna Berg Senior",
                email=ANNA,
                phone="+46705550000",
                personnummer=other_pnr,
                source="test",
                created_at=NOW,
            )
        ).inserted_primary_key[0]
    before = person_row(container, other)
    request_id, mailer, _ = run_request(container, "erasure", ANNA, {"personnummer": ANNA_PNR})
    assert request_row(container, request_id)["state"] == "completed"
    assert person_row(container, world.anna_id)[0] == "[erased]"
    assert person_row(container, other) == before
    assert other_pnr not in seen_by_requester(container, request_id, mailer, ANNA)
