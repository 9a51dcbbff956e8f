"""Consent: the notice the banner shows, banner decisions, a person's consents and receipt.

The banner endpoints answer any origin (the banner is embeddable on the company's other
sites with one script tag); they take no credentials and set no cookie.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    FastAPI,
    Header,
    Query,
    Request,
    Response,
)

from varna.bootstrap import Container
from varna.bootstrap.consent import (
    deliver_link,
    link_person,
    run_ask_for_link,
    validity_policy,
)
from varna.domain.audit import SystemActor
from varna.domain.consent import Channel, ConsentState, ConsentSubject
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.errors import ApiError, asked_language, error_responses
from varna.entrypoints.api.schemas.consent import (
    BannerDecision,
    ConsentStatePublic,
    ConsentStatesPublic,
    CookieCategoryPublic,
    CookiePublic,
    Language,
    LinkAsk,
    LinkAsked,
    NoticePublic,
    PersonDecision,
    PurposePublic,
)
from varna.entrypoints.clients import client_of
from varna.entrypoints.people_messages import LINK_ASKED, for_error
from varna.i18n import translate
from varna.services.consent.center_links import AskForLink, TooManyAsks, TooManyAsksFromClient
from varna.services.consent.decisions import (
    Decisions,
    consent_states,
    record_decisions,
)
from varna.services.consent.notice import cookie_key
from varna.services.consent.receipt import consent_receipt

router = APIRouter(
    prefix="/consent", tags=["consent"], dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
ContainerDep = Annotated[Container, Depends(get_container)]
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


def notice_public(container: Container, language: Language, *, gpc: bool) -> NoticePublic:
    gate, catalog = container.consent_gate, container.catalog
    notice = gate.notice
    return NoticePublic(
        version=notice.version,
        language=language,
        text_hash=notice.text_hash(language),
        preamble=notice.preamble[language],
        gpc=gpc,
        purposes=[
            PurposePublic(key=p.id, label=p.label(language), description=p.description(language))
            for p in catalog.consent_purposes()
        ],
        cookie_categories=[
            CookieCategoryPublic(
                id=c.id,
                key=cookie_key(c.id),
                label=c.label(language),
                description=c.description(language),
                necessary=c.necessary,
                purposes=list(c.purposes),
                cookies=[
                    CookiePublic(
                        name=k.name,
                        storage=k.storage.value,
                        set_by=k.set_by,
                        purpose=k.purpose(language),
                        lifetime=k.lifetime(language),
                        recipients=[catalog.recipient(r).name for r in k.recipients],
                    )
                    for k in c.cookies
                ],
            )
            for c in catalog.cookies.values()
        ],
    )


def states_public(version: str, states: dict[str, ConsentState]) -> ConsentStatesPublic:
    return ConsentStatesPublic(
        notice_version=version,
        states=[
            ConsentStatePublic(
                key=key,
                status=state.status.value,
                granted=state.granted,
                given_at=state.given_at.isoformat() if state.given_at else None,
                notice_version=state.last_event.notice_version if state.last_event else None,
                channel=state.last_event.channel.value if state.last_event else None,
            )
            for key, state in states.items()
        ],
    )


@router.options("/notice", include_in_schema=False)
@router.options("/banner", include_in_schema=False)
def preflight() -> Response:
    return Response(status_code=204, headers=CORS)


@router.get("/notice", response_model=NoticePublic, responses=error_responses(422))
def notice(
    container: ContainerDep,
    response: Response,
    lang: Language = "en",
    sec_gpc: Annotated[str | None, Header()] = None,
) -> NoticePublic:
    """The current notice: consent purposes, cookie categories with every cookie (who sets
    it, purpose, lifetime, recipients), its version and the hash of its text."""
    response.headers.update(CORS)
    response.headers["Vary"] = "Sec-GPC"
    return notice_public(container, lang, gpc=sec_gpc == "1")


@router.post(
    "/banner", response_model=ConsentStatesPublic, responses=error_responses(409, 413, 422)
)
def banner_decision(
    body: BannerDecision, container: ContainerDep, response: Response
) -> ConsentStatesPublic:
    """Log one banner decision (C8, R-CK-02): one event per non-essential category."""
    response.headers.update(CORS)
    gate = container.consent_gate
    states = record_decisions(
        container,
        Decisions(
            subject=ConsentSubject.browser(body.browser_id),
            choices={cookie_key(k): v for k, v in body.choices.items()},
            channel=Channel.GPC if body.gpc else Channel.BANNER,
            language=body.language,
            notice_version=body.notice_version,
            age_confirmed=body.age_confirmed,
        ),
        gate=gate,
        actor=SystemActor.BROWSER,
    )
    return states_public(gate.notice.version, states)


@router.post(
    "/link",
    status_code=202,
    response_model=LinkAsked,
    responses=error_responses(413, 422, 429),
)
def ask_for_link(
    body: LinkAsk, request: Request, container: ContainerDep, tasks: BackgroundTasks
) -> LinkAsked:
    """Ask for a link to one's consents by e-mail (C7, D6). The answer, and the work done
    before it, are the same whether or not the address is known; the link is made and mailed
    after the answer; 429 after too many asks for one address (the same words for a known
    and an unknown one: use the link already mailed) or from one client."""
    try:
        asked = run_ask_for_link(
            container, AskForLink(body.email, body.language), client=client_of(request)
        )
    except (TooManyAsks, TooManyAsksFromClient) as exc:
        said = for_error(exc, 429)
        raise ApiError(429, detail=translate(body.language, said), words=said) from None
    tasks.add_task(deliver_link, container, asked, actor=SystemActor.API)
    return LinkAsked(message=translate(asked_language(request, body.language), LINK_ASKED))


def _person(container: Container, link: str) -> ConsentSubject:
    person_id = link_person(container, link)
    return ConsentSubject.person(person_id)


@router.get(
    "/people/{link}", response_model=ConsentStatesPublic, responses=error_responses(404, 422)
)
def person_consents(link: str, container: ContainerDep) -> ConsentStatesPublic:
    """The consents of the person the privacy-center link belongs to."""
    subject = _person(container, link)
    gate = container.consent_gate
    states = consent_states(container, subject, gate=gate)
    return states_public(gate.notice.version, states)


@router.post(
    "/people/{link}",
    response_model=ConsentStatesPublic,
    responses=error_responses(404, 409, 413, 422),
)
def change_person_consents(
    link: str, body: PersonDecision, container: ContainerDep
) -> ConsentStatesPublic:
    """Give or withdraw consents, per purpose (C7, D6)."""
    subject = _person(container, link)
    gate = container.consent_gate
    states = record_decisions(
        container,
        Decisions(
            subject=subject,
            choices=body.choices,
            channel=Channel.API,
            language=body.language,
            notice_version=body.notice_version,
            age_confirmed=body.age_confirmed,
            birth_date=body.birth_date,
            personnummer=body.personnummer,
        ),
        gate=gate,
        actor=subject.reference,
    )
    return states_public(gate.notice.version, states)


@router.get("/people/{link}/receipt", responses=error_responses(404, 422))
def receipt(
    link: str, container: ContainerDep, download: Annotated[bool, Query()] = True
) -> Response:
    """A consent receipt (Kantara Consent Receipt v1.1 fields) as a JSON download."""
    subject = _person(container, link)
    gate, now = container.consent_gate, container.clock.now()
    states = consent_states(container, subject, gate=gate)
    body: dict[str, Any] = consent_receipt(
        container.catalog,
        subject,
        states,
        notice_version=gate.notice.version,
        policy_url=f"{container.settings.public_url.rstrip('/')}/cookies",
        at=now,
        validity_months={key: validity_policy(container).months_for(key) for key in states},
    )
    headers = {"Content-Disposition": 'attachment; filename="consent-receipt.json"'}
    return Response(
        json.dumps(body, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers=headers if download else None,
    )


def install(app: FastAPI) -> None:
    """Add the consent API and the consent pages to ``app``."""
    from varna.entrypoints.web import consent_pages

    app.include_router(router, prefix="/api/v1")
    app.include_router(consent_pages.router)
