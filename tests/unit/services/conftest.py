"""Fixtures of the services' unit tests: one fake unit of work, a clock, a context that
hands out that unit of work, and a mailer that keeps what it is given."""

from __future__ import annotations

import pytest

from tests.fakes.clock import FakeClock
from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from tests.fakes.uow import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(uow: FakeUnitOfWork, clock: FakeClock) -> FakeContext:
    return FakeContext(uow, clock=clock)


@pytest.fixture
def mailer() -> CapturingMailer:
    return CapturingMailer()
