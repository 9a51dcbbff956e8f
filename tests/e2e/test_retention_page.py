"""The retention dashboard over real HTTP from ``varna serve`` (R2, R6): due per rule, held
data, the vault, the last runs and an SVG backlog chart rendered on the server. Stored codes
(a hold's kind, an instruction's action) are shown in words, in English and Swedish (D1, G3)."""

from __future__ import annotations

from datetime import date
from html import escape

import httpx

from tests.e2e.helpers import add_staff, running_server, sign_in, varna
from tests.retention_factories import add_customer, add_hold, add_visits
from varna.bootstrap import Container

PASSWORD = "correct-horse-battery-staple"

EN = {"Accept-Language": "en"}  # staff read the console in English here


def test_R2_R6_A2_dashboard_for_the_privacy_officer_only_shows_due_held_vault_runs_and_chart(
    container: Container,
) -> None:
    customer = add_customer(container, 1, terminated_on=date(2020, 1, 15))
    add_hold(container, review_date=date(2099, 1, 1), organisation_id=customer.organisation_id)
    add_visits(container, [date(2020, 5, 1), date(2020, 6, 1)])
    url = container.settings.database_url
    instructed = varna(
        url,
        *("retention", "instruct", "--customer", str(customer.organisation_id)),
        *("--usage-days", "45", "--action", "anonymise", "--reference", "DPA-2021-007"),
    )
    assert instructed.returncode == 0, instructed.stderr
    for day in ("2021-01-01", "2021-09-01"):
        assert varna(url, "retention", "run", "--as-of", day, "--json").returncode == 0
    for login, role in (("dpo@example.com", "privacy_officer"), ("help@example.com", "support")):
        add_staff(url, login, role, PASSWORD)
    with running_server(url) as base:
        anonymous = httpx.get(base + "/admin/retention")
        with httpx.Client(base_url=base, headers=EN) as support:
            sign_in(support, "help@example.com", PASSWORD)
            refused = support.get("/admin/retention")
        with httpx.Client(base_url=base, headers=EN) as dpo:
            sign_in(dpo, "dpo@example.com", PASSWORD)
            page = dpo.get("/admin/retention")
            swedish = dpo.get("/admin/retention?lang=sv")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/admin/login"
    assert refused.status_code == 403 and "Evidence vault" not in refused.text
    assert page.status_code == 200
    rules = container.catalog.retention_rules
    for rule in ("post_contract", "web_visit"):  # each rule by its description, not its id
        assert escape(rules[rule].description("en")) in page.text
        assert rule not in page.text
    assert "<svg" in page.text and "<polyline" in page.text
    assert "1 January 2021" in page.text and "1 September 2021" in page.text
    # D1, G3: the hold's kind and the instruction's action in words, never the stored codes
    assert "<td>Legal hold</td>" in page.text and "legal_hold" not in page.text
    assert "DPA-2021-007" in page.text and "<td>Anonymise</td>" in page.text  # A2
    assert "<td>anonymise</td>" not in page.text and "<td>finished</td>" not in page.text
    assert "<td>Bevarandebeslut</td>" in swedish.text and "<td>Anonymisera</td>" in swedish.text
    assert "legal_hold" not in swedish.text
    assert "Evidence vault" in page.text
    assert '<script src="http' not in page.text  # nothing from a CDN
    assert 'href="/admin/retention?lang=en"' in page.text  # the console's navigation
