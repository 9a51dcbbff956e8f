"""An access request's extract is kept only for its download link (R1, D1), on SQLite and
PostgreSQL: the download hands it over and leaves a summary without personal data, and the
retention sweep drops the copy of a link that lapsed unused. The request record itself is
kept for ten years; the traffic and location data of the extract must not be kept with it.
Data from tests/subject_factories.py (synthetic)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tests.conftest import TEST_SECRET
from tests.contexts import by
from tests.subject_factories import NOW, build_world
from varna.adapters.db.tables import audit_events
from varna.bootstrap import Container
from varna.services.consent.ports import OutgoingMail
from varna.services.requests.execute import (
    DOWNLOAD_LIFETIME,
    RequestContext,
    download,
    execute_request,
    send_result,
)
from varna.services.requests.intake import (
    IntakeCommand,
    IntakeLimits,
    submit_request,
    verify_request,
)
from varna.services.retention.sweep import SweepCommand, run_sweep

SECRET = TEST_SECRET.encode()
ANNA = "anna.berg@example.com"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


def _answered(container: Container, clock: Clock) -> tuple[RequestContext, int, str]:
    """Anna's access request (two SIMs, four usage records each), verified, executed and
    answered: its download token."""
    build_world(container, usage_per_sim=4)
    mailbox = Mailbox()
    service = by(container, clock)
    receipt = submit_request(
        service,
        IntakeCommand("access", ANNA),
        actor="test",
        client="192.0.2.1",
        mailer=mailbox,
        verify_url="http://127.0.0.1/verify",
        special_policy="redact",
        limits=IntakeLimits(per_key=1000),
    )
    code = re.search(r"^\s+(\d{6})\s*$", mailbox.sent[-1].body, re.MULTILINE)
    assert code is not None
    verify_request(service, receipt.reference, code.group(1), client="192.0.2.1")
    ctx = RequestContext(service, mailer=mailbox, public_url="http://127.0.0.1")
    execute_request(ctx, receipt.request_id)
    send_result(ctx, receipt.request_id)
    link = re.search(r"/privacy/requests/download/([^\s?]+)", mailbox.sent[-1].body)
    assert link is not None
    return ctx, receipt.request_id, link.group(1)


def _outcome(container: Container, request_id: int) -> dict[str, Any]:
    with container.uow() as uow:
        record = uow.requests.get(request_id)
    assert record is not None and record.outcome is not None
    return record.outcome


def test_r1_d1_the_download_hands_over_the_extract_and_keeps_only_a_summary(
    container: Container,
) -> None:
    ctx, request_id, token = _answered(container, Clock(NOW))
    assert "extract" in _outcome(container, request_id)  # waiting for its link

    extract = download(ctx, token)

    assert extract is not None
    handed = {c: sum(len(b["rows"]) for b in blocks) for c, blocks in extract["data"].items()}
    assert handed["traffic_data"] == 8  # Anna's two SIMs, four records each
    kept = _outcome(container, request_id)
    assert "extract" not in kept
    assert kept["extract_summary"] == {
        "released": "downloaded",
        "at": NOW.isoformat(),
        "schema": "varna.extract/v1",
        "rows": handed,
    }
    assert ANNA not in json.dumps(kept) and "Anna" not in json.dumps(kept)
    assert download(ctx, token) is None  # the link worked once


def test_r1_the_sweep_drops_the_copy_of_a_link_that_lapsed_unused(
    container: Container,
) -> None:
    clock = Clock(NOW)
    _, request_id, _ = _answered(container, clock)

    def sweep(after: timedelta) -> int:
        clock.at = NOW + after
        report = run_sweep(by(container, clock), SweepCommand(as_of=clock.at.date()), actor="test")
        return report.dropped_extracts

    assert sweep(DOWNLOAD_LIFETIME - timedelta(hours=1)) == 0  # the link still works
    assert "extract" in _outcome(container, request_id)
    assert sweep(DOWNLOAD_LIFETIME + timedelta(hours=1)) == 1
    kept = _outcome(container, request_id)
    assert "extract" not in kept and kept["extract_summary"]["released"] == "link_expired"
    assert kept["extract_summary"]["rows"]["traffic_data"] == 8
    assert sweep(DOWNLOAD_LIFETIME + timedelta(days=1)) == 0  # nothing left to drop
    with container.engine.connect() as conn:
        dropped = (
            conn.execute(
                select(audit_events.c.target).where(
                    audit_events.c.action == "request.extract_dropped"
                )
            )
            .scalars()
            .all()
        )
    assert dropped == [f"request:{request_id}"]
