"""Data-subject requests over the API (D1-D8, G3): intake, verification, download.

A request is named by its random reference (``request_id`` in the answers), never by its
sequential number. Every answer about a reference is the same for an unknown one and for
someone else's; only the code from the mail makes a difference.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from varna.bootstrap import Container
from varna.bootstrap.requests import intake_limits, request_context
from varna.domain.audit import SystemActor
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.errors import ApiError, asked_language, error_responses
from varna.entrypoints.api.schemas.requests import (
    RequestCreate,
    RequestReceived,
    VerifyCode,
    VerifyResult,
)
from varna.entrypoints.clients import client_of
from varna.i18n import N_, translate
from varna.services.requests.execute import download
from varna.services.requests.intake import (
    CodeRejected,
    IntakeCommand,
    RateLimited,
    TooManyTries,
    submit_request,
    verify_request,
)

router = APIRouter(
    prefix="/requests", tags=["requests"], dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
ContainerDep = Annotated[Container, Depends(get_container)]
RECEIVED_MESSAGE = N_(
    "Your request has been received. If the address is yours, a one-time code is on its way "
    "to it; confirm the request with that code. We answer within one month."
)
CODE_REJECTED = N_("The code was not accepted. Check it, or ask for a new one.")
GONE = "this link has expired or was used"
TOO_MANY_TRIES = N_(
    "Too many wrong tries from here. Wait an hour, or use the link and the code in the e-mail."
)


def submit(
    container: Container,
    body: RequestCreate,
    *,
    actor: str,
    client: str,
    lang: str | None = None,
) -> RequestReceived:
    """Take a request; the answer's ``message`` is in ``lang`` (else the request's language)."""
    try:
        receipt = submit_request(
            container,
            IntakeCommand(
                body.kind,
                body.email,
                {str(k): v for k, v in body.identifiers.items()},
                body.details,
                body.language,
            ),
            actor=actor,
            client=client,
            mailer=container.mailer(),
            verify_url=f"{container.settings.public_url.rstrip('/')}/privacy/requests/verify",
            special_policy=container.settings.scan_special_policy,
            limits=intake_limits(container),
        )
    except RateLimited as exc:
        raise HTTPException(status_code=429, detail=str(exc)) from None
    return RequestReceived(
        request_id=receipt.reference,
        due_date=receipt.due_date.isoformat(),
        message=translate(lang or body.language, RECEIVED_MESSAGE),
    )


@router.post(
    "",
    status_code=202,
    response_model=RequestReceived,
    responses=error_responses(413, 422, 429),
)
def create_request(
    body: RequestCreate, request: Request, container: ContainerDep
) -> RequestReceived:
    return submit(
        container,
        body,
        actor=SystemActor.API,
        client=client_of(request),
        lang=asked_language(request, body.language),
    )


@router.post(
    "/{request_id}/verify",
    response_model=VerifyResult,
    responses=error_responses(400, 413, 422, 429),
)
def verify(
    request_id: Annotated[str, Path(max_length=64, description="The request's reference.")],
    body: VerifyCode,
    request: Request,
    container: ContainerDep,
) -> VerifyResult:
    try:
        state = verify_request(
            container,
            request_id,
            body.code,
            client=client_of(request),
            limits=intake_limits(container),
        )
    except TooManyTries as exc:
        raise ApiError(429, detail=str(exc), words=TOO_MANY_TRIES) from None
    except CodeRejected as exc:
        raise ApiError(400, detail=str(exc), words=CODE_REJECTED) from None
    return VerifyResult(request_id=request_id, state=state.value)


@router.post("/download/{token}", responses=error_responses(410, 422))
def download_extract(
    token: Annotated[str, Path(max_length=128)], container: ContainerDep
) -> dict[str, Any]:
    """The extract behind a single-use, expiring link. POST, since it uses the link up: a
    GET (a mail scanner following the link) must change nothing."""
    extract = download(request_context(container), token)
    if extract is None:
        raise HTTPException(status_code=410, detail=GONE)
    return extract
