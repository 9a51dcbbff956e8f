"""How we handle personal data, ``/privacy/policy`` (G3, C5, C6, R1, D7): the privacy center's
page on the policy is built from the catalogue, so it names every purpose with its legal
basis in words, every recipient and sub-processor, every retention rule in force and every
kind of data, in Swedish and in English; it shows no id of the catalogue; the home links to it.
The page shows the policy the running system keeps, not its versions and their dates."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from tests.e2e.helpers import PAGES_ON_SQLITE, running_server
from tests.e2e.language_leaks import language_leaks, readable_text
from varna.bootstrap import Container
from varna.catalog import Catalog
from varna.catalog.model import LegalBasis, RecipientKind
from varna.domain.subjects.article15 import RIGHT_TEXT
from varna.entrypoints.api.app import create_app
from varna.i18n import translate
from varna.services.policy import LEGAL_BASES

LANGS = ("sv", "en")


def policy_page(container: Container, lang: str) -> str:
    """The page as the app renders it, in-process."""
    app = create_app(container.settings, container=container)

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://varna") as client:
            return await client.get(f"/privacy/policy?lang={lang}")

    answer = asyncio.run(get())
    assert answer.status_code == 200, answer.text
    return answer.text


def words(text: str) -> str:
    return " ".join(text.split())


def catalogue_ids(catalog: Catalog) -> set[str]:
    """Every snake_case name of the catalogue: entry ids, tables, columns and codes."""
    names: set[str] = {
        *catalog.categories,
        *catalog.subjects,
        *catalog.purposes,
        *catalog.recipients,
        *catalog.retention_rules,
        *catalog.tables,
        *catalog.packs,
    }
    for _, column, entry in catalog.personal_columns():
        names.update((column, *(s.value for s in entry.sources)))
    for rule in catalog.retention_rules.values():
        names.update((rule.start_event.value, rule.exception or ""))
    for purpose in catalog.purposes.values():
        names.add(purpose.legal_basis.value)
    for recipient in catalog.recipients.values():
        names.update((recipient.kind.value, recipient.transfer_safeguard.value))
    return {name for name in names if "_" in name}


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", LANGS)
def test_G3_C5_C6_R1_every_purpose_recipient_and_rule_of_the_catalogue_is_on_the_page(
    container: Container, lang: str
) -> None:
    """G3, C5, C6, R1: walk the catalogue; each purpose (label, description, legal basis in
    words), recipient and sub-processor (name, what it does), retention rule in force (its
    criteria), kind of data and kind of person is on the page in the page's language, with
    the controller, the data protection officer, every right and the supervisory authority."""
    catalog = container.catalog
    text = words(readable_text(policy_page(container, lang), lang))
    expected: list[str] = []
    for purpose in catalog.purposes.values():
        basis = translate(lang, LEGAL_BASES[purpose.legal_basis])
        expected += [purpose.label(lang), words(purpose.description(lang))]
        expected.append(basis[:1].upper() + basis[1:])
    for recipient in catalog.recipients.values():
        expected += [recipient.name, words(recipient.description(lang))]
    assert catalog.sub_processors(), "the catalogue names sub-processors"
    for rule_id in catalog.retention_rules:
        expected.append(words(catalog.effective_retention(rule_id).description(lang)))
    expected += [c.label(lang) for c in catalog.categories.values()]
    expected += [s.label(lang) for s in catalog.subjects.values()]
    controller = catalog.controller
    expected += [controller.name, controller.orgnr, controller.address, controller.email]
    expected += [controller.dpo.email, catalog.supervisory_authority.name]
    expected += [words(RIGHT_TEXT[right][0 if lang == "sv" else 1]) for right in RIGHT_TEXT]
    missing = [item for item in expected if item not in text]
    assert missing == []
    # a legitimate interest and a consent read as words, not as codes
    assert LegalBasis.LEGITIMATE_INTERESTS in {p.legal_basis for p in catalog.purposes.values()}
    assert ("Vårt berättigade intresse" if lang == "sv" else "Our legitimate interest") in text
    # outside the EU/EEA the safeguard is named in words
    outside = [r for r in catalog.recipients.values() if not r.in_eea]
    assert outside and all(r.kind is not RecipientKind.AUTHORITY for r in outside)
    assert ("Ramverket för dataskydd" if lang == "sv" else "The EU-US Data Privacy") in text


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", LANGS)
def test_G3_the_page_names_no_id_of_the_catalogue(container: Container, lang: str) -> None:
    """G3: no snake_case id of the catalogue (a purpose, category, rule, recipient, table,
    column, source or code) and no internal reference (DPA, LIA, TIA) is in the text a person
    reads; ids appear only as anchors."""
    html = policy_page(container, lang)
    text = readable_text(html, lang)
    shown = [
        name
        for name in sorted(catalogue_ids(container.catalog))
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    ]
    assert shown == []
    assert not re.search(r"\b(DPA|LIA|TIA)-\d", text)
    assert 'id="purpose-contract"' in html  # an anchor is fine


@PAGES_ON_SQLITE
def test_G3_D7_the_page_answers_in_both_languages_and_the_home_links_to_it(
    container: Container,
) -> None:
    """G3, D7: through a real server the page answers in Swedish and in English (chosen by
    ``?lang=`` and by Accept-Language), speaks only that language, names IMY as text and links
    each right to its form; the privacy center's home links to it."""
    with (
        running_server(container.settings.database_url) as base,
        httpx.Client(base_url=base) as client,
    ):
        pages = {lang: client.get(f"/privacy/policy?lang={lang}") for lang in LANGS}
        chosen = client.get("/privacy/policy", headers={"Accept-Language": "en-GB,en;q=0.9"})
        homes = {lang: client.get(f"/privacy?lang={lang}") for lang in LANGS}
    headings = {"sv": "Så hanterar vi personuppgifter", "en": "How we handle personal data"}
    for lang, page in pages.items():
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        assert f"<h1>{headings[lang]}</h1>" in page.text
        assert language_leaks(page.text, lang) == []
        assert "Integritetsskyddsmyndigheten (IMY)" in page.text
        assert f'href="/privacy/requests?kind=erasure&amp;lang={lang}"' in page.text
        assert f'href="/privacy/consents?lang={lang}"' in page.text
        assert 'href="#imy"' in page.text and 'id="imy"' in page.text
        assert f'href="/privacy/policy?lang={lang}"' in homes[lang].text
    assert chosen.status_code == 200 and "<h1>How we handle personal data</h1>" in chosen.text
