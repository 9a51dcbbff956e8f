"""The privacy center's home, ``/privacy`` (G3, D1, D3, D4, D7): in plain words what a person
whose data the company holds can do, as cards that lead to the form for each right (the kind
chosen already), the consent center, the cookie settings, and how to complain to IMY. Public:
it shows nothing about anyone."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from varna.entrypoints.web.pages import page_language, templates
from varna.i18n import N_, translate

router = APIRouter(include_in_schema=False)

# (where it leads, title, one line): the form links add the language.
CARDS = (
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
            "href": f"{href}{'&' if '?' in href else '?'}lang={lang}",
            "title": translate(lang, title),
            "text": translate(lang, text),
        }
        for href, title, text in CARDS
    ]
    return templates.TemplateResponse(request, "center_home.html", {"lang": lang, "cards": cards})
