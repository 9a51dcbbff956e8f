"""Data-subject requests over the API (D1-D8, G3): intake, verification, download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from varna.bootstrap import Container
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.schemas.requests import (
    RequestCreate,
    RequestReceived,
    VerifyCode,
    VerifyResult,
)
from varna.entrypoints.requests_wiring import intake_limits, request_context
from varna.services.requests.execute import download
from varna.services.requests.intake import (
    CodeRejected,
    IntakeCommand,
    RateLimited,
    submit_request,
    verify_request,
)

router = APIRouter(prefix="/requests", tags=["requests"])
ContainerDep = Annotated[Container, Depends(get_container)]
RECEIVED_MESSAGE = (
    "Your request has been received. If the address is yours, a one-time code is on its way "
    "to it; confirm the request with that code. We answer within one month."
)


def _secret(container: Container) -> bytes:
    return container.settings.secret_key.get_secret_value().encode("utf-8")


def submit(container: Container, body: RequestCreate, *, actor: str) -> RequestReceived:
    try:
        receipt = submit_request(
            container.uow(),
            IntakeCommand(body.kind, body.email, {str(k): v for k, v in body.identifiers.items()},
                          body.details,
                          body.language),
            actor=actor, clock=container.clock, secret=_secret(container),
            mailer=container.mailer(),
            verify_url=f"{container.settings.public_url.rstrip('/')}/privacy/requests/verify",
            limits=intake_limits(container),
        )  # fmt: skip
    except RateLimited as exc:
        raise HTTPException(status_code=429, detail=str(exc)) from None
    return RequestReceived(
        request_id=receipt.request_id, due_date=receipt.due_date.isoformat(),
        message=RECEIVED_MESSAGE,
    )  # fmt: skip


@router.post("", status_code=202, response_model=RequestReceived)
def create_request(body: RequestCreate, container: ContainerDep) -> RequestReceived:
    return submit(container, body, actor="api")


@router.post("/{request_id}/verify", response_model=VerifyResult)
def verify(request_id: int, body: VerifyCode, container: ContainerDep) -> VerifyResult:
    try:
        state = verify_request(
            container.uow(), request_id, body.code, clock=container.clock,
            secret=_secret(container), limits=intake_limits(container),
        )  # fmt: skip
    except CodeRejected as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return VerifyResult(request_id=request_id, state=state.value)


@router.get("/download/{token}")
def download_extract(token: str, container: ContainerDep) -> dict[str, Any]:
    """The extract behind a single-use, expiring link."""
    extract = download(request_context(container), token)
    if extract is None:
        raise HTTPException(status_code=410, detail="this link has expired or was used")
    return extract
