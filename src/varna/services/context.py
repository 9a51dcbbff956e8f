"""What every use case is given: where its transactions come from, the catalogue, the clock
and the process's secret. The composition root's container is one; unit tests pass a fake."""

from __future__ import annotations

from typing import Protocol, TypeVar

from varna.catalog import Catalog
from varna.services.ports import Clock

U_co = TypeVar("U_co", covariant=True)


class ServiceContext(Protocol[U_co]):
    """``uow()`` opens a new unit of work of the kind the service needs."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def secret(self) -> bytes:
        """The secret key as bytes (keyed hashes, signed links), converted once."""
        ...

    def uow(self) -> U_co: ...
