"""A ``ServiceContext`` for unit tests: the one fake unit of work (``uow()`` hands out the
same object each time, so a test can also pass it to a service directly and look at it
afterwards), the real default catalogue, a clock the test moves, and the secret as bytes."""

from __future__ import annotations

from functools import cache

from tests.fakes.clock import FakeClock
from tests.fakes.uow import FakeUnitOfWork
from varna.catalog import Catalog, load_catalog
from varna.services.consent.ports import ConsentUnitOfWork
from varna.services.context import ServiceContext
from varna.services.requests.ports import RequestUnitOfWork
from varna.services.retention.ports import RetentionUnitOfWork

SECRET = b"unit-test-secret-not-for-production-0123456789"


@cache
def default_catalog() -> Catalog:
    """The default catalogue, read once per test process (it is immutable)."""
    return load_catalog()


class FakeContext:
    def __init__(
        self,
        uow: FakeUnitOfWork | None = None,
        *,
        clock: FakeClock | None = None,
        catalog: Catalog | None = None,
        secret: bytes = SECRET,
    ) -> None:
        self.unit_of_work = uow if uow is not None else FakeUnitOfWork()
        self._clock = clock if clock is not None else FakeClock()
        self._catalog = catalog if catalog is not None else default_catalog()
        self._secret = secret
        self.uows_opened = 0

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def clock(self) -> FakeClock:
        return self._clock

    @property
    def secret(self) -> bytes:
        return self._secret

    def uow(self) -> FakeUnitOfWork:
        self.uows_opened += 1
        return self.unit_of_work


_requests: ServiceContext[RequestUnitOfWork] = FakeContext()
_consent: ServiceContext[ConsentUnitOfWork] = FakeContext()
_retention: ServiceContext[RetentionUnitOfWork] = FakeContext()
