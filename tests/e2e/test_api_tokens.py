"""API bearer tokens through the real ``varna token`` command and the real server, on both
stores (R6, A1, A3): the token is printed once and stored only as its keyed hash; its role
decides what it may call; an expired or revoked token gets exactly the answer of an unknown
one; every call is audited as ``token:ID``; a flood of wrong tokens is throttled per client,
and the server's output never holds a token."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from tests.conftest import TEST_SECRET
from tests.e2e.helpers import running_server, varna
from tests.subject_factories import build_world
from varna.adapters.db.tables import api_tokens, audit_events
from varna.bootstrap import Container
from varna.domain.requests.codes import hash_secret
from varna.services.access.tokens import TOKEN_TRIES

pytestmark = pytest.mark.e2e
TOKEN = re.compile(r"varna_[A-Za-z0-9_-]{43}")
STATS = "/api/v1/stats"
SENDS = "/api/v1/marketing/sends"


def _create(url: str, *args: str) -> tuple[int, str]:
    """``varna token create ...``: the token's id and the token, from its JSON."""
    made = varna(url, "token", "create", *args, "--json")
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout)
    return int(data["id"]), str(data["token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_a1_r6_a_token_is_printed_once_and_only_its_hash_is_stored(container: Container) -> None:
    """A1/R6: create prints the token (once); list and list --json never show it or its
    hash; the database holds the keyed hash, not the token."""
    url = container.settings.database_url
    made = varna(url, "token", "create", "--role", "support", "--name", "ticket export")
    assert made.returncode == 0, made.stderr
    shown = TOKEN.findall(made.stdout)
    assert len(shown) == 1
    token = shown[0]
    listing = varna(url, "token", "list")
    as_json = varna(url, "token", "list", "--json")
    assert listing.returncode == 0 and as_json.returncode == 0
    rows = json.loads(as_json.stdout)
    assert [(r["name"], r["role"], r["revoked"]) for r in rows] == [
        ("ticket export", "support", None)
    ]
    with container.engine.connect() as conn:
        stored = conn.execute(select(api_tokens)).mappings().one()
    assert stored["token_hash"] == hash_secret(token, key=TEST_SECRET.encode(), purpose="api-token")
    assert token not in json.dumps({k: str(v) for k, v in stored.items()})
    for printed in (listing.stdout, as_json.stdout, listing.stderr):
        assert token not in printed and stored["token_hash"] not in printed
        assert not TOKEN.search(printed)


def test_a2_a3_a_controller_admins_token_acts_for_one_customer(container: Container) -> None:
    """A2/A3: a controller's admin token names the customer it acts for (an existing
    customer); the company's own roles name none; the listing shows the customer's id."""
    url = container.settings.database_url
    customer = build_world(container).company_id
    missing = varna(url, "token", "create", "--role", "controller_admin")
    stray = varna(url, "token", "create", "--role", "billing", "--controller", str(customer))
    unknown = varna(url, "token", "create", "--role", "controller_admin", "--controller", "999")
    assert missing.returncode == 1 and "--controller" in missing.stderr
    assert stray.returncode == 1 and "controller" in stray.stderr
    assert unknown.returncode == 1 and "999" in unknown.stderr
    token_id, _ = _create(url, "--role", "controller_admin", "--controller", str(customer))
    rows = json.loads(varna(url, "token", "list", "--json").stdout)
    assert [(r["id"], r["role"], r["controller"]) for r in rows] == [
        (token_id, "controller_admin", customer)
    ]


def test_r6_a3_the_role_of_a_token_decides_and_the_audit_names_the_token(
    container: Container,
) -> None:
    """R6/A3: a support token reads the store's counts but may not send marketing (403); a
    billing token may not read the counts (403); the privacy officer's token sends without
    a CSRF header; each accepted call is one token.used entry with actor token:ID."""
    url = container.settings.database_url
    support_id, support = _create(url, "--role", "support")
    _, billing = _create(url, "--role", "billing")
    officer_id, officer = _create(url, "--role", "privacy_officer")
    send = {"purpose": "newsletter", "subject": "News", "template": "Hello"}
    with running_server(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        counts = client.get(STATS, headers=_bearer(support))
        no_send = client.post(SENDS, json=send, headers=_bearer(support))
        no_counts = client.get(STATS, headers=_bearer(billing))
        sent = client.post(SENDS, json=send, headers=_bearer(officer))
        who = client.get("/api/v1/staff/session", headers=_bearer(officer))
    assert counts.status_code == 200 and "api_tokens" in counts.json()["tables"]
    assert no_send.status_code == 403 and no_counts.status_code == 403
    assert set(no_send.json()) == {"detail", "message"}
    assert sent.status_code == 200, sent.text
    assert who.json() == {
        "login": f"token:{officer_id}",
        "role": "privacy_officer",
        "csrf_token": "",
    }
    with container.engine.connect() as conn:
        used = conn.execute(
            select(audit_events.c.actor, audit_events.c.details).where(
                audit_events.c.action == "token.used"
            )
        ).all()
        marketing = (
            conn.execute(
                select(audit_events.c.actor).where(audit_events.c.action == "marketing.sent")
            )
            .scalars()
            .all()
        )
        last_used = conn.execute(
            select(api_tokens.c.last_used_at).where(api_tokens.c.id == support_id)
        ).scalar_one()
    actors = [actor for actor, _ in used]
    assert actors.count(f"token:{support_id}") == 2  # the counts, and the refused send
    assert actors.count(f"token:{officer_id}") == 2
    assert {details["call"] for _, details in used} >= {f"GET {STATS}", f"POST {SENDS}"}
    assert marketing == [f"token:{officer_id}"]
    assert last_used is not None


def test_r6_expired_and_revoked_tokens_get_the_answer_of_an_unknown_one(
    container: Container,
) -> None:
    """R6: a token past its end and a revoked one get 401 with the same body and headers as
    a token that never existed (and as no token but a wrong scheme's 401 in form)."""
    url = container.settings.database_url
    expired_id, expired = _create(url, "--role", "support", "--expires", "1")
    revoked_id, revoked = _create(url, "--role", "support")
    _, good = _create(url, "--role", "support")
    assert varna(url, "token", "revoke", str(revoked_id)).returncode == 0
    with container.engine.begin() as conn:  # a day and a bit later
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == expired_id)
            .values(expires_at=container.clock.now() - timedelta(minutes=1))
        )
    unknown = "varna_" + "A" * 43
    with running_server(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        answers = [client.get(STATS, headers=_bearer(t)) for t in (unknown, expired, revoked)]
        fine = client.get(STATS, headers=_bearer(good))
    assert fine.status_code == 200
    first = answers[0]
    assert first.status_code == 401 and "Bearer" in first.headers["www-authenticate"]
    for answer in answers[1:]:
        assert answer.status_code == 401
        assert answer.content == first.content
        assert answer.headers["www-authenticate"] == first.headers["www-authenticate"]
    listing = json.loads(varna(url, "token", "list", "--json").stdout)
    assert [r["revoked"] is not None for r in listing] == [False, True, False]


def test_r6_a_flood_of_wrong_tokens_is_throttled_per_client_and_never_logged(
    container: Container, tmp_path: Path
) -> None:
    """R6: after TOKEN_TRIES wrong tokens from one client, that client is refused (429, even
    with a good token) while another client's good token still works; the server's output
    names no token."""
    url = container.settings.database_url
    _, good = _create(url, "--role", "auditor")
    output = tmp_path / "server.log"
    wrong = [f"varna_wrong{i:02d}" + "x" * 32 for i in range(TOKEN_TRIES + 1)]

    def client_from(base: str, address: str) -> httpx.Client:
        return httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": address})

    with (
        running_server(url, output=output, VARNA_LOG_LEVEL="info") as base,
        client_from(base, "198.51.100.7") as flooder,
        client_from(base, "203.0.113.9") as other,
    ):
        tries = [flooder.get(STATS, headers=_bearer(t)).status_code for t in wrong]
        blocked = flooder.get(STATS, headers=_bearer(good))
        elsewhere = other.get(STATS, headers=_bearer(good))
    assert tries[:TOKEN_TRIES] == [401] * TOKEN_TRIES and tries[TOKEN_TRIES] == 429
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert elsewhere.status_code == 200
    log = output.read_text(encoding="utf-8")
    assert "API token refused" in log
    assert good not in log and not any(token in log for token in wrong)
