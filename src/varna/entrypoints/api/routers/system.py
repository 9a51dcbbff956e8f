"""Health and size of the running system."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

import varna
from varna.bootstrap import Container
from varna.entrypoints.api.deps import get_container
from varna.entrypoints.api.schemas.system import HealthPublic, StatsPublic

router = APIRouter(tags=["system"])
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get("/health", response_model=HealthPublic)
def health(container: ContainerDep) -> HealthPublic:
    """Liveness and the schema revision of the store."""
    return HealthPublic(
        status="ok",
        version=varna.__version__,
        database=container.engine.dialect.name,
        schema_revision=container.schema_revision(),
    )


@router.get("/stats", response_model=StatsPublic)
def stats(container: ContainerDep) -> StatsPublic:
    """Rows per table (counts only, no personal data)."""
    return StatsPublic(tables=container.row_counts())
