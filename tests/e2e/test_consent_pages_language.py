"""The consent pages, the cookie page, unsubscribing and the start page speak the visitor's
language, all of them and only it (G3: the privacy center is the contact point, for a
Swedish and an English speaker alike); the API's messages for people too, and its OpenAPI
document describes every operation's errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.consent_data import add_people
from tests.e2e.helpers import PAGES_ON_SQLITE, running_server
from tests.e2e.language_leaks import assert_one_language, language_leaks
from varna.bootstrap import Container
from varna.entrypoints import people_messages as words
from varna.i18n import translate

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def notice_version(page: str) -> str:
    return page.split('name="notice_version" value="', 1)[1].split('"', 1)[0]


def pages_in(base: str, link: str, lang: str) -> dict[str, httpx.Response]:
    """Every page of the area in ``lang``, the answers to forms included."""
    with httpx.Client(base_url=base) as client:
        center = client.get(f"/privacy/consents/{link}?lang={lang}")
        cookies = client.get(f"/cookies?lang={lang}")
        return {
            "start": client.get(f"/?lang={lang}"),
            "link form": client.get(f"/privacy/consents?lang={lang}"),
            "link sent": client.post(
                "/privacy/consents", data={"email": "nobody@example.com", "lang": lang}
            ),
            "link refused": client.post(
                "/privacy/consents", data={"email": "not an address", "lang": lang}
            ),
            "consents": center,
            "consents saved": client.get(f"/privacy/consents/{link}?lang={lang}&saved=1"),
            "consents refused": client.post(
                f"/privacy/consents/{link}",
                data={
                    "lang": lang,
                    "notice_version": notice_version(center.text),
                    "consent_newsletter": "yes",
                },
            ),
            "bad link": client.get(f"/privacy/consents/no-such-link?lang={lang}"),
            "not utf-8": client.post(
                f"/cookies?lang={lang}", content=b"action=accept&lang=\xe5", headers=FORM
            ),
            "cookies": cookies,
            "cookies saved": client.post(
                "/cookies",
                data={"lang": lang, "notice_version": notice_version(cookies.text)},
                follow_redirects=True,
            ),
            "unsubscribe": client.get(f"/unsubscribe/some-token?lang={lang}"),
            "unsubscribe bad link": client.post("/unsubscribe/some-token", data={"lang": lang}),
        }


@PAGES_ON_SQLITE
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_G3_C8_D6_every_consent_page_speaks_one_language(container: Container, lang: str) -> None:
    """Each page in Swedish shows no English text the catalogue translates, and each in
    English no Swedish one: the cookie page (C8), the consent and unsubscribe pages (D6)."""
    [person] = add_people(container.engine, 1)
    link = container.access_links.issue(person, at=container.clock.now())
    with running_server(container.settings.database_url) as base:
        pages = pages_in(base, link, lang)

    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == {
        "start": 200,
        "link form": 200,
        "link sent": 200,
        "link refused": 422,
        "consents": 200,
        "consents saved": 200,
        "consents refused": 422,
        "bad link": 404,
        "not utf-8": 400,
        "cookies": 200,
        "cookies saved": 200,
        "unsubscribe": 200,
        "unsubscribe bad link": 404,
    }
    for name, page in pages.items():
        assert f'<html lang="{lang}"' in page.text, name
        assert_one_language(page.text, lang)
    said = {
        "link sent": words.LINK_ASKED,
        "link refused": words.NOT_AN_ADDRESS,
        "consents refused": words.AGE_NOT_CONFIRMED,
        "consents saved": "Your choices are saved.",
        "not utf-8": words.NOT_UTF8,
        "unsubscribe bad link": words.LINK_INVALID,
    }
    for name, english in said.items():
        expected = translate(lang, english)[:40]
        assert expected in pages[name].text, (name, expected)


def test_the_leak_check_finds_a_text_of_the_other_language() -> None:
    """The helper itself: a Swedish page with an English sentence from the catalogue fails,
    the same page without it passes; a link marked lang="en" is not a leak."""
    swedish = translate("sv", "Save my choices")
    page = (
        '<html lang="sv"><head><title>Sida</title><style>.x{}</style></head><body>'
        f'<a lang="en" href="?lang=en">See and change your consents</a>'
        f"<button>{swedish}</button><script>var t = 'Send the link';</script></body></html>"
    )
    assert language_leaks(page, "sv") == []
    leaking = page.replace("</body>", "<p>Send the link</p></body>")
    assert language_leaks(leaking, "sv") == ["Send the link"]
    with pytest.raises(AssertionError):
        assert_one_language(leaking, "sv")
    assert language_leaks(f'<html lang="en"><p>{swedish}</p></html>', "en") == [swedish]


@PAGES_ON_SQLITE
def test_G3_the_api_answers_a_person_in_their_language(container: Container) -> None:
    """An error body keeps its ``detail`` and adds ``message`` in the language of
    Accept-Language (Swedish when it names neither); answers with a ``message`` do too."""
    with running_server(container.settings.database_url) as base:
        answers = {
            lang: httpx.post(
                base + "/api/v1/consent/link",
                json={"email": "not an address"},
                headers={"Accept-Language": header} if header else {},
            )
            for lang, header in (("en", "en-GB,en;q=0.9"), ("sv", "sv-SE"), ("default", None))
        }
        unknown = httpx.get(
            base + "/api/v1/consent/people/no-such-link", headers={"Accept-Language": "en"}
        )
        staff = httpx.get(base + "/api/v1/staff/session", headers={"Accept-Language": "sv"})
        asked = httpx.post(
            base + "/api/v1/consent/link",
            json={"email": "nobody@example.com", "language": "sv"},
            headers={"Accept-Language": "en"},
        )
        received = httpx.post(
            base + "/api/v1/requests",
            json={"kind": "access", "email": "nobody@example.com"},
            headers={"Accept-Language": "sv"},
        )

    for answer in answers.values():
        assert answer.status_code == 422
        assert set(answer.json()) == {"detail", "message"}
        assert "email" in answer.json()["detail"]  # as before, for programs
    english = words.NOT_AN_ADDRESS
    assert answers["en"].json()["message"] == english
    assert answers["sv"].json()["message"] == translate("sv", english) != english
    assert answers["default"].json()["message"] == translate("sv", english)
    assert answers["en"].headers["content-language"] == "en"
    assert unknown.status_code == 404 and unknown.json()["detail"]
    assert unknown.json()["message"] == "The link is unknown or has expired. Ask for a new link."
    assert staff.status_code == 401
    assert staff.json()["message"] == "Logga in i integritetskonsolen först."
    assert staff.json()["detail"] == "sign in to the admin console first (/admin/login)"
    assert asked.status_code == 202 and "24 hours" in asked.json()["message"]
    assert received.status_code == 202, received.text
    assert received.json()["message"].startswith("Din begäran har tagits emot.")


def _schema_of(response: dict[str, Any]) -> str | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


@PAGES_ON_SQLITE
def test_G3_openapi_describes_every_operations_errors(container: Container) -> None:
    """Every operation declares its error answers with the one error body: 422 where it
    takes parameters or a body, 413 where it takes a body, 401 where it needs staff, and
    500 everywhere; no error answer without its schema."""
    with running_server(container.settings.database_url) as base:
        document = httpx.get(base + "/api/openapi.json").json()

    schema = document["components"]["schemas"]["ErrorBody"]
    assert set(schema["required"]) == {"detail", "message"}
    missing: list[tuple[str, str, str]] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code for code in responses if code[0] in "45"}
            needed = {"500"}
            if operation.get("parameters") or operation.get("requestBody"):
                needed.add("422")
            if operation.get("requestBody"):
                needed.add("413")
            if path.startswith(("/api/v1/staff", "/api/v1/stats", "/api/v1/marketing")):
                needed.add("401")
            missing.extend((method, path, code) for code in sorted(needed - errors))
            missing.extend(
                (method, path, f"{code} without ErrorBody")
                for code in sorted(errors)
                if _schema_of(responses[code]) != "ErrorBody"
            )
    assert missing == []
