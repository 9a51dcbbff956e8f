"""Data portability (Art. 20, D2): the data the person provided or that was observed about
them (the usage of their SIMs included), processed on consent or a contract; inferred data is
left out. Schema ``varna.portability/v1``: the extract's ``data`` section and its metadata."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from varna.domain.subjects.keys import SubjectKey
from varna.domain.subjects.portability import is_portable
from varna.services.subjects.common import SubjectContext
from varna.services.subjects.extract import Extract, build_extract

PORTABILITY_SCHEMA = "varna.portability/v1"


def build_portable(
    ctx: SubjectContext,
    keys: Sequence[SubjectKey],
    *,
    actor: str,
    write: Callable[[dict[str, Any]], Any] | None = None,
) -> Extract:
    """The portable data; ``write`` as for :func:`build_extract` (large tables streamed)."""
    return build_extract(
        ctx,
        keys,
        actor=actor,
        column_filter=partial(is_portable, ctx.catalog),
        schema=PORTABILITY_SCHEMA,
        write=write,
    )
