"""Data portability (Art. 20, D2): the data the person provided or that was observed about
them (the usage of their SIMs included), processed on consent or a contract; inferred data is
left out. Schema ``varna.portability/v1``: the extract's ``data`` section and its metadata."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

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
) -> Extract:
    return build_extract(
        uow,
        catalog,
        keys,
        actor=actor,
        clock=clock,
        secret=secret,
        column_filter=partial(is_portable, catalog),
        schema=PORTABILITY_SCHEMA,
    )
