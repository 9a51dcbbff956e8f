"""Composition root: the only module that knows both services and adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from varna.adapters.db import migrate
from varna.adapters.db.counts import row_counts
from varna.adapters.db.engine import make_engine
from varna.adapters.db.uow import SqlUnitOfWork
from varna.catalog import Catalog, load_catalog
from varna.config import Settings


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Container:
    """Everything an entry point needs, wired once per process."""

    settings: Settings
    engine: Engine
    catalog: Catalog
    clock: SystemClock = field(default_factory=SystemClock)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            ingest_batch_rows=self.settings.ingest_batch_rows,
            catalog=self.catalog,
        )

    def upgrade_schema(self) -> None:
        migrate.upgrade(self.engine)

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self.engine)

    def row_counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return row_counts(connection)

    def close(self) -> None:
        self.engine.dispose()


def build(
    settings: Settings, *, engine_factory: Callable[[str], Engine] = make_engine
) -> Container:
    """Wire adapters to services for ``settings``; validates the catalogue first."""
    catalog = load_catalog(settings.catalog_path)
    return Container(
        settings=settings, engine=engine_factory(settings.database_url), catalog=catalog
    )
