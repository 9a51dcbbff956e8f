"""Every mail varna sends a person speaks the person's language (G3, D7): rendered in Swedish
it holds no English text the catalogue translates, rendered in English no Swedish one, and
each names IMY. The pages are checked the same way in Chromium (tests/e2e/test_pages_tour.py)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pytest

from tests.e2e.language_leaks import language_leaks
from varna.catalog import load_catalog
from varna.services.consent.center_links import link_mail
from varna.services.requests import messages

STATUS = "https://privacy.example.com/privacy/requests/status?request=R&key=K"
CATALOG = load_catalog()
CATEGORY = next(iter(CATALOG.categories))
ERASURE = {
    "categories": [
        {
            "category": CATEGORY,
            "outcome": "kept",
            "exception": "bookkeeping",
            "until": "2033-12-31",
        },
        {"category": CATEGORY, "outcome": "erased", "exception": None, "until": None},
    ]
}

MAILS: dict[str, Callable[[str], tuple[str, str]]] = {
    "code": lambda lang: messages.code_mail(
        lang, request_id=7, code="123456", verify_url=STATUS, status_url=STATUS
    ),
    "access answer": lambda lang: messages.result_mail(
        lang,
        request_id=7,
        kind="access",
        outcome={},
        download_url="https://privacy.example.com/d/T",
        catalog=CATALOG,
        status_url=STATUS,
    ),
    "erasure answer": lambda lang: messages.result_mail(
        lang,
        request_id=7,
        kind="erasure",
        outcome=ERASURE,
        download_url=None,
        catalog=CATALOG,
        status_url=STATUS,
    ),
    "forwarded": lambda lang: messages.forwarded_mail(lang, request_id=7, status_url=STATUS),
    "identity": lambda lang: messages.identity_mail(lang, request_id=7, status_url=STATUS),
    "refusal": lambda lang: messages.refusal_mail(
        lang,
        request_id=7,
        kind="erasure",
        ground="manifestly_unfounded",
        reason="-",
        status_url=STATUS,
    ),
    "extension": lambda lang: messages.extension_mail(
        lang, request_id=7, reason="-", new_due="2027-03-07", status_url=STATUS
    ),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", sorted(MAILS))
def test_g3_d7_each_request_mail_speaks_one_language_and_names_imy(name: str, lang: str) -> None:
    subject, body = MAILS[name](lang)
    text = escape(f"{subject}\n\n{body}")
    assert language_leaks(text, lang) == [], name
    assert "IMY" in body
    assert "_" not in subject  # no code of a kind or a state
    other = "en" if lang == "sv" else "sv"
    assert language_leaks(text, other), f"the {name} mail reads the same in both languages"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_g3_the_consent_link_mail_speaks_one_language(lang: str) -> None:
    subject, body = link_mail(
        lang, controller="Exempelbolaget IoT AB", url="https://privacy.example.com/c/T", hours=24
    )
    assert language_leaks(escape(f"{subject}\n\n{body}"), lang) == []
