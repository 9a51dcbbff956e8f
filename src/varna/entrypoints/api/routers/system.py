"""Health of the running system (public) and the size of its store (the staff who read the
request queue: row counts are business figures, and a count that moves after a public action
tells whether an address is known; A1, R6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

import varna
from varna.bootstrap import Container
from varna.entrypoints.access import PUBLIC, QUEUE_READERS, Principal, api
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.errors import error_responses
from varna.entrypoints.api.schemas.system import HealthPublic, StatsPublic

router = APIRouter(tags=["system"])
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get(
    "/health", response_model=HealthPublic, responses=error_responses(), dependencies=[PUBLIC]
)
def health(container: ContainerDep) -> HealthPublic:
    """Liveness and the schema revision of the store."""
    return HealthPublic(
        status="ok",
        version=varna.__version__,
        database=container.engine.dialect.name,
        schema_revision=container.schema_revision(),
    )


@router.get(
    "/stats",
    response_model=StatsPublic,
    responses=error_responses(401, 403, 429),
)
def stats(container: ContainerDep, _who: Annotated[Principal, api(*QUEUE_READERS)]) -> StatsPublic:
    """Rows per table, for the staff who read the request queue (the admin console's session
    cookie, or a bearer token)."""
    return StatsPublic(tables=container.row_counts())
