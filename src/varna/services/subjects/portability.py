"""Data portability (Art. 20, D2): the data the person provided or that was observed about
them (the usage of their SIMs included), processed on consent or a contract; inferred data is
left out. Schema ``varna.portability/v1``: the extract's ``data`` section and its metadata."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from varna.catalog import Catalog
from varna.domain.subjects.keys import SubjectKey
from varna.domain.subjects.portability import is_portable
from varna.services.ports import Clock
from varna.services.subjects.extract import Extract, build_extract
from varna.services.subjects.ports import SubjectUnitOfWork

PORTABILITY_SCHEMA = "varna.portability/v1"


def build_portable(
    uow: SubjectUnitOfWork,
    catalog: Catalog,
    keys: Sequence[SubjectKey],
    *,
    actor: str,
    clock: Clock,
    secret: bytes,
    write: Callable[[dict[str, Any]], Any] | None = None,
) -> Extract:
    """The portable data; ``write`` as for :func:`build_extract` (large tables streamed)."""
    return build_extract(
        uow,
        catalog,
        keys,
        actor=actor,
        clock=clock,
        secret=secret,
        column_filter=partial(is_portable, catalog),
        schema=PORTABILITY_SCHEMA,
        write=write,
    )
