"""The identity check of a request end to end over real HTTP, a real SMTP server and the real
CLI (D1, G3; GDPR Art. 12(6)): a request naming a stranger's personnummer, confirmed with the
code sent to the requester's own address, waits as "identity needs checking" in the staff
queue and ``varna requests list|show``; the requester is told only that their identity needs
checking; staff run it for the confirmed address only, and the answer holds nothing of the
stranger. A request naming a SIM tells the requester no company's name; staff see where it
went (A3)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests import factories
from tests.e2e.helpers import add_staff, sign_in, varna
from tests.e2e.test_requests_api import Inbox, code_from, serving, smtp  # noqa: F401
from tests.subject_factories import ANNA_PNR, build_world
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"
MALLORY = "mallory@example.com"


def test_d1_g3_identity_needs_checking_in_the_queue_and_run_by_staff(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1, G3, A3: the access attack with a stranger's personnummer is stopped before any data
    is read, visible to staff with its reason, and run by staff for the confirmed address
    only; SIM requests name no company to the requester, known SIM or not."""
    world = build_world(container)
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", PASSWORD)
    port, inbox = smtp
    with (
        serving(container, port) as base,
        httpx.Client(
            base_url=base, timeout=30, follow_redirects=True, headers={"Accept-Language": "en"}
        ) as client,
    ):
        sent = client.post(
            "/api/v1/requests",
            json={
                "kind": "access",
                "email": MALLORY,
                "language": "en",
                "identifiers": {"personnummer": ANNA_PNR},
            },
        )
        reference = sent.json()["request_id"]
        request_id, code = inbox.code_mail(MALLORY, reference)
        verified = client.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        assert verified.json() == {"request_id": reference, "state": "verified"}
        notice = inbox.wait_for(MALLORY, f"request {request_id}: we need to check your identity")
        assert "Anna" not in notice and "IMY" in notice

        listed = varna(url, "requests", "list", "--json")
        (row,) = [r for r in json.loads(listed.stdout) if r["id"] == request_id]
        assert (row["state"], row["identity"]) == ("in_progress", "needs_checking")
        shown = json.loads(varna(url, "requests", "show", str(request_id), "--json").stdout)
        assert "does not belong to the person of the confirmed" in shown["identity_reason"]
        assert ANNA_PNR not in json.dumps(shown)

        sign_in(client, "dpo@example.com", PASSWORD)
        queue = client.get("/admin/requests")
        assert "needs checking" in queue.text
        detail = client.get(f"/admin/requests/{request_id}")
        assert "Identity needs checking" in detail.text and ANNA_PNR not in detail.text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', detail.text)
        assert csrf
        ran = client.post(
            f"/admin/requests/{request_id}/run-verified", data={"csrf": csrf.group(1)}
        )
        assert ran.status_code == 200 and "Identity checked by staff" in ran.text
        answer = inbox.wait_for(MALLORY, f"Answer to your request {request_id}")
        link = re.search(r"http://\S+/privacy/requests/download/([^\s?]+)", answer)
        assert link, answer
        extract = client.post(f"/api/v1/requests/download/{link.group(1)}")
        assert extract.status_code == 200
        for value in ("Anna Berg", ANNA_PNR, "anna.berg@example.com", "+46701234567"):
            assert value not in extract.text

        # A3: staff see where a SIM request went; the requester is told no company's name.
        for iccid, where in (
            (world.anna_iccids[0], "(the controller): Testbolaget"),
            (factories.test_iccid(4242), "it went to no customer"),
        ):
            sent = client.post(
                "/api/v1/requests",
                json={
                    "kind": "erasure",
                    "email": MALLORY,
                    "language": "en",
                    "identifiers": {"iccid": iccid},
                },
            )
            sim_reference = sent.json()["request_id"]
            sim_request, code = inbox.code_mail(MALLORY, sim_reference)
            client.post(f"/api/v1/requests/{sim_reference}/verify", json={"code": code})
            told = inbox.wait_for(MALLORY, f"request {sim_request} is about a SIM card")
            assert "Testbolaget" not in told
            assert where in client.get(f"/admin/requests/{sim_request}").text
