"""A stranger against the request pages and API, one test per attack, over real HTTP from
``varna serve`` with a real SMTP server, on SQLite and PostgreSQL (D1, G3, A3).

Clients are told apart by their network address: the server trusts ``X-Forwarded-For`` from
127.0.0.1 (uvicorn's default), so each test client below says which address it comes from.
"""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import add_staff, sign_in
from tests.e2e.test_requests_api import ANNA, Inbox, serving, smtp  # noqa: F401
from tests.subject_factories import build_world
from varna.adapters.db.tables import subject_requests
from varna.bootstrap import Container

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"
OWNER = "198.51.100.10"
STRANGER = "203.0.113.66"


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": address})


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _requests_stored(container: Container) -> int:
    with container.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(subject_requests)).scalar_one()
        )


def test_d1_requests_are_named_by_an_unguessable_reference(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1, G3: the API and the mail's link name a request by a random reference, not by a
    number a stranger can count through; a number names no request."""
    port, inbox = smtp
    with serving(container, port) as base, client_from(base, OWNER) as owner:
        first = owner.post("/api/v1/requests", json={"kind": "access", "email": ANNA})
        second = owner.post("/api/v1/requests", json={"kind": "access", "email": ANNA})
        references = [first.json()["request_id"], second.json()["request_id"]]
        for reference in references:
            assert isinstance(reference, str) and re.fullmatch(r"[A-Za-z0-9_-]{22}", reference)
        assert references[0] != references[1]
        _, code = inbox.code_mail(ANNA, references[0])
        body = inbox.wait_for(ANNA, "begäran")
        assert "/privacy/requests/verify?request=" in body
        with client_from(base, STRANGER) as stranger:
            by_number = stranger.post("/api/v1/requests/1/verify", json={"code": code})
            assert by_number.status_code == 400  # the right code, but a number is no reference
        assert (
            owner.post(f"/api/v1/requests/{references[0]}/verify", json={"code": code}).status_code
            == 200
        )


def test_d1_g3_a_strangers_wrong_tries_do_not_lock_the_owner_out(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1, G3: even a stranger who has the reference cannot spend the owner's tries: after
    five wrong tries the stranger is stopped (429), and the owner's code from the mail still
    confirms the request."""
    port, inbox = smtp
    with (
        serving(container, port) as base,
        client_from(base, OWNER) as owner,
        client_from(base, STRANGER) as stranger,
    ):
        reference = owner.post("/api/v1/requests", json={"kind": "access", "email": ANNA}).json()[
            "request_id"
        ]
        _, code = inbox.code_mail(ANNA, reference)
        tries = [
            stranger.post(f"/api/v1/requests/{reference}/verify", json={"code": _wrong(code)})
            for _ in range(7)
        ]
        assert [t.status_code for t in tries] == [400] * 5 + [429] * 2
        stopped = stranger.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        assert stopped.status_code == 429  # stopped before the code is even compared
        verified = owner.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        assert verified.status_code == 200, verified.text
        assert verified.json() == {"request_id": reference, "state": "verified"}


def test_d1_g3_without_the_code_a_request_looks_like_no_request(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1, G3: a wrong code gets the same status and words for someone else's request
    (waiting or already confirmed) as for a reference that names nothing; only the code
    from the mail learns the request's state."""
    port, inbox = smtp
    with serving(container, port) as base, client_from(base, OWNER) as owner:
        waiting = owner.post("/api/v1/requests", json={"kind": "access", "email": ANNA})
        confirmed = owner.post("/api/v1/requests", json={"kind": "erasure", "email": ANNA})
        waiting_ref, confirmed_ref = waiting.json()["request_id"], confirmed.json()["request_id"]
        _, code = inbox.code_mail(ANNA, confirmed_ref)
        assert (
            owner.post(f"/api/v1/requests/{confirmed_ref}/verify", json={"code": code}).status_code
            == 200
        )
        answers = []
        for n, reference in enumerate([waiting_ref, confirmed_ref, "A" * 22]):
            with client_from(base, f"203.0.113.{n + 1}") as stranger:
                answer = stranger.post(
                    f"/api/v1/requests/{reference}/verify", json={"code": _wrong(code)}
                )
                answers.append((answer.status_code, answer.json()))
        assert answers[0] == answers[1] == answers[2]
        assert answers[0][0] == 400
        again = owner.post(f"/api/v1/requests/{confirmed_ref}/verify", json={"code": code})
        assert again.json()["state"] == "already_verified"  # the owner's own retry


def test_d1_a_mail_scanner_opening_the_download_link_does_not_use_it_up(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1: the answer's link opens a page (GET changes nothing and shows nothing, however
    often a mail scanner fetches it); the button on it (POST) opens the answer, as often as
    the person likes until the link expires, and downloads each format; "Delete my copy now"
    ends the link. An unknown link and an ended one get the same answer."""
    build_world(container)
    port, inbox = smtp
    with serving(container, port) as base, client_from(base, OWNER) as owner:
        reference = owner.post("/api/v1/requests", json={"kind": "access", "email": ANNA}).json()[
            "request_id"
        ]
        number, code = inbox.code_mail(ANNA, reference)
        owner.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
        body = inbox.wait_for(ANNA, f"Svar på din begäran {number}")
        link = re.search(r"http://\S+(/privacy/requests/download/([^\s?]+))", body)
        assert link, body
        path, token = link.group(1), link.group(2)
        for _ in range(2):  # a scanner, then the person
            page = owner.get(path)
            assert page.status_code == 200 and 'id="download-form"' in page.text
            assert "Anna Berg" not in page.text
        assert owner.get(f"/api/v1/requests/download/{token}").status_code == 405
        for _ in range(2):  # the answer page opens again and again until the link expires
            opened = owner.post(path, data={"lang": "sv"})
            assert opened.status_code == 200 and "Anna Berg" in opened.text
            assert opened.headers["cache-control"] == "no-store"
        extract = owner.post(path, data={"action": "json"})
        assert extract.status_code == 200
        assert extract.headers["content-disposition"].startswith("attachment")
        assert "Anna Berg" in extract.text
        deleted = owner.post(path, data={"action": "delete"})
        assert deleted.status_code == 200 and "Anna Berg" not in deleted.text
        used = owner.post(path)
        unknown = owner.post("/privacy/requests/download/" + "x" * 43)
        assert used.status_code == unknown.status_code == 410
        assert used.text == unknown.text
        assert "Anna Berg" not in used.text
        api_used = owner.post(f"/api/v1/requests/download/{token}")
        api_unknown = owner.post("/api/v1/requests/download/" + "x" * 43)
        assert api_used.status_code == api_unknown.status_code == 410
        assert api_used.json() == api_unknown.json()


def test_g3_malformed_or_out_of_range_request_names_get_a_clear_4xx(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """G3: a number past the id column's range, letters where a number was, a 5,000-digit
    number: each gets a clear 4xx page or answer, never a server error."""
    port, _ = smtp
    huge = "9" * 5000
    with serving(container, port) as base, client_from(base, STRANGER) as stranger:
        answers = {
            "api past int range": stranger.post(
                "/api/v1/requests/2147483648/verify", json={"code": "123456"}
            ),
            "api 5,000 digits": stranger.post(
                f"/api/v1/requests/{huge}/verify", json={"code": "123456"}
            ),
            "form letters": stranger.post(
                "/privacy/requests/verify", data={"request_id": "abc", "code": "123456"}
            ),
            "form 5,000 digits": stranger.post(
                "/privacy/requests/verify", data={"request_id": huge, "code": "123456"}
            ),
            "link letters": stranger.get("/privacy/requests/verify?request=abc"),
            "link 5,000 digits": stranger.get(f"/privacy/requests/verify?request={huge}"),
        }
        statuses = {name: answer.status_code for name, answer in answers.items()}
        assert all(400 <= status < 500 for status in statuses.values()), statuses
        assert (
            "The link is not complete"
            in stranger.get("/privacy/requests/verify?request=abc&lang=en").text
        )


def test_g3_a_form_that_is_not_utf8_is_refused_and_nothing_is_stored(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """G3: a latin-1 form body (raw or %-escaped) is refused with a clear 400 page; no
    request is created and no code is mailed to a garbled address."""
    port, inbox = smtp
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with serving(container, port) as base, client_from(base, STRANGER) as stranger:
        raw = stranger.post(
            "/privacy/requests", content=b"kind=access&email=\xe5\xe4@x.org", headers=form
        )
        escaped = stranger.post(
            "/privacy/requests", content=b"kind=access&email=%E5%E4@x.org", headers=form
        )
        for answer in (raw, escaped):
            assert answer.status_code == 400
            assert "UTF-8" in answer.text
        latin1 = b'{"kind": "access", "email": "\xe5@x.org"}'
        api = stranger.post(
            "/api/v1/requests", content=latin1, headers={"Content-Type": "application/json"}
        )
        assert 400 <= api.status_code < 500
        assert _requests_stored(container) == 0
        assert not [m for m in inbox.messages if "x.org" in str(m["To"])]


def test_g3_c2_c3_request_details_pass_the_intake_guard(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """G3, C2, C3, C4: a request's free text is guarded like a ticket's: a card number is
    stored as its last four digits, a health condition is redacted; a child's personnummer
    refuses the request (422, nothing stored)."""
    port, _ = smtp
    details = "Card 4111 1111 1111 1111 was charged; I have diabetes."
    with serving(container, port) as base, client_from(base, OWNER) as owner:
        asked = {"kind": "access", "email": ANNA, "details": details}
        created = owner.post("/api/v1/requests", json=asked)
        assert created.status_code == 202
        child = owner.post(
            "/privacy/requests",
            data={
                "kind": "access",
                "email": "parent@example.com",
                "lang": "en",
                "details": "For my son, born 2020-01-01.",
            },
        )
        assert child.status_code == 422 and "under 13" in child.text
    with container.engine.connect() as connection:
        stored = connection.execute(select(subject_requests.c.details)).scalars().all()
    assert len(stored) == 1
    assert "4111 1111 1111 1111" not in stored[0] and "1111" in stored[0]
    assert "diabetes" not in stored[0] and "[redacted]" in stored[0]


def test_a3_d1_strangers_cannot_use_up_someone_elses_request_quota(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """A3, D1, G3: five strangers naming Anna's SIM (ICCID) and her address, each from their
    own address, do not stop Anna's own request: the limits count per client and per
    address that was proven with a code, and a stranger proves none."""
    world = build_world(container)
    port, inbox = smtp
    iccid = world.anna_iccids[0]
    with serving(container, port) as base:
        for n in range(6):
            with client_from(base, f"203.0.113.{n + 1}") as stranger:
                sent = stranger.post(
                    "/api/v1/requests",
                    json={
                        "kind": "erasure",
                        "email": ANNA if n % 2 else f"s{n}@example.com",
                        "identifiers": {"iccid": iccid},
                    },
                )
                assert sent.status_code == 202
        with client_from(base, OWNER) as owner:
            own = owner.post(
                "/api/v1/requests",
                json={"kind": "access", "email": ANNA, "identifiers": {"iccid": iccid}},
            )
            assert own.status_code == 202, own.text
            _, code = inbox.code_mail(ANNA, own.json()["request_id"])
            verified = owner.post(
                f"/api/v1/requests/{own.json()['request_id']}/verify", json={"code": code}
            )
            assert verified.status_code == 200


def _staff_with_a_request(
    container: Container, base: str, inbox: Inbox, client: httpx.Client
) -> tuple[int, str]:
    """A privacy officer signed in on ``client``, and a confirmed objection waiting for a
    decision: its number and the form token."""
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    with client_from(base, OWNER) as owner:
        reference = owner.post(
            "/api/v1/requests", json={"kind": "objection", "email": ANNA, "language": "en"}
        ).json()["request_id"]
        number, code = inbox.code_mail(ANNA, reference)
        owner.post(f"/api/v1/requests/{reference}/verify", json={"code": code})
    sign_in(client, "dpo@example.com", PASSWORD)
    detail = client.get(f"/admin/requests/{number}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', detail.text)
    assert csrf, detail.text
    return number, csrf.group(1)


def test_g3_staff_pages_answer_any_number_with_a_clear_4xx(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """G3: the console's request pages take a number past the id column's range, and a
    decision form with letters for months, with a 4xx, never a server error."""
    port, inbox = smtp
    with serving(container, port) as base, client_from(base, OWNER) as staff:
        number, csrf = _staff_with_a_request(container, base, inbox, staff)
        assert staff.get("/admin/requests/2147483648").status_code == 404
        far = staff.post("/admin/requests/2147483648/complete", data={"csrf": csrf})
        assert 400 <= far.status_code < 500
        asked = {"csrf": csrf, "months": "abc", "reason": "many systems"}
        months = staff.post(f"/admin/requests/{number}/extend?lang=en", data=asked)
        assert 400 <= months.status_code < 500 and "1 or 2 months" in months.text


def test_g3_c2_c3_staff_reasons_pass_the_intake_guard(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """G3, C2, C3: a reason staff write (stored with the request and mailed to the person)
    passes the same guard: the card number is masked, the health word redacted."""
    port, inbox = smtp
    with serving(container, port) as base, client_from(base, OWNER) as staff:
        number, csrf = _staff_with_a_request(container, base, inbox, staff)
        refused = staff.post(
            f"/admin/requests/{number}/refuse",
            data={
                "csrf": csrf,
                "ground": "manifestly_unfounded",
                "reason": "Card 4111 1111 1111 1111 and diabetes are not grounds.",
            },
            follow_redirects=False,
        )
        assert refused.status_code == 303, refused.text
        mailed = inbox.wait_for(ANNA, f"Decision on your request {number}")
    with container.engine.connect() as connection:
        stored = connection.execute(select(subject_requests.c.refusal_reason)).scalar_one()
    for text in (stored, mailed):
        assert "4111 1111 1111 1111" not in text and "diabetes" not in text
        assert "**** **** **** 1111" in text and "[redacted]" in text
