"""The privacy center's home, ``/privacy`` (G3, D1, D3, D4, D7): in plain words what a person
whose data the company holds can do, as cards that lead to the form for each right (the kind
chosen already), the consent center, the cookie settings, how we handle personal data, and how
to complain to IMY. Public: it shows nothing about anyone.

``/privacy/policy``: how we handle personal data, built from the catalogue
(:func:`varna.services.policy.privacy_policy`). Public too: it describes the system, no one
in it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from varna.entrypoints.access import PUBLIC
from varna.entrypoints.web.pages import page_language, templates
from varna.entrypoints.web.staff_auth import container_of
from varna.i18n import N_, translate
from varna.services.policy import privacy_policy

router = APIRouter(
    include_in_schema=False, dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)

# (where it leads, title, one line): the form links add the language.
CARDS = (
    (
        "/privacy/policy",
        N_("How we handle personal data"),
        N_("Who we are, what data we hold and why, for how long, and who receives it."),
    ),
    (
        "/privacy/requests?kind=access",
        N_("See your data"),
        N_("Ask for a copy of the personal data we hold about you and how we use it."),
    ),
    (
        "/privacy/requests?kind=rectification",
        N_("Correct your data"),
        N_("Tell us what is wrong and we correct it."),
    ),
    (
        "/privacy/requests?kind=erasure",
        N_("Erase your data"),
        N_("We erase what the law lets us erase and tell you what we must keep, and why."),
    ),
    (
        "/privacy/requests?kind=objection",
        N_("Object to how we use your data"),
        N_("Object to a use based on our legitimate interest, or stop direct marketing."),
    ),
    (
        "/privacy/requests?kind=portability",
        N_("Take your data elsewhere"),
        N_("Get the data you gave us in a file another service can read."),
    ),
    (
        "/privacy/requests?kind=restriction",
        N_("Pause the use of your data"),
        N_("We keep the data but do not use it while something is checked."),
    ),
    (
        "/privacy/consents",
        N_("Withdraw or give consent"),
        N_("See what you have agreed to and change it, with a link sent by e-mail."),
    ),
    (
        "/cookies",
        N_("Cookie settings"),
        N_("See every cookie on this site and change your choice."),
    ),
)


@router.get("/privacy", response_class=HTMLResponse)
def center_home(request: Request, lang: str | None = None) -> HTMLResponse:
    lang = page_language(request, lang)
    cards = [
        {
            "href": _with_language(href, lang),
            "title": translate(lang, title),
            "text": translate(lang, text),
        }
        for href, title, text in CARDS
    ]
    return templates.TemplateResponse(request, "center_home.html", {"lang": lang, "cards": cards})


def _with_language(href: str, lang: str) -> str:
    if href.startswith("#"):
        return href
    return f"{href}{'&' if '?' in href else '?'}lang={lang}"


@router.get("/privacy/policy", response_class=HTMLResponse)
def center_policy(request: Request, lang: str | None = None) -> HTMLResponse:
    lang = page_language(request, lang)
    policy = privacy_policy(container_of(request).catalog, lang)
    rights = [
        {"text": r.text, "href": _with_language(r.href, lang), "link": r.link}
        for r in policy.rights
    ]
    return templates.TemplateResponse(
        request, "center_policy.html", {"lang": lang, "policy": policy, "rights": rights}
    )
