"""Request execution by jobs on SQLite and PostgreSQL (D1, D4; ARCHITECTURE "Jobs and scale"):
the job is enqueued with the verification, two workers execute every request exactly once,
a worker that dies mid-request loses nothing, and a job that runs twice does no harm."""

from __future__ import annotations

import re
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import VARNA, env_for
from tests.subject_factories import build_world
from varna.adapters.db.tables import jobs, request_events, subject_requests
from varna.bootstrap import Container
from varna.entrypoints.requests_wiring import make_worker, request_context
from varna.services.consent.ports import OutgoingMail
from varna.services.requests.execute import execute_request
from varna.services.requests.intake import (
    IntakeCommand,
    IntakeLimits,
    submit_request,
    verify_request,
)

SECRET_URL = "http://127.0.0.1/privacy/requests/verify"


class CapturingMailer:
    """A mailer double at the port (the real SMTP path is covered in tests/e2e)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


def _secret(container: Container) -> bytes:
    return container.settings.secret_key.get_secret_value().encode()


def verified_requests(container: Container, count: int, kind: str = "access") -> list[int]:
    mailer = CapturingMailer()
    ids = []
    for n in range(count):
        receipt = submit_request(
            container.uow(),
            IntakeCommand(kind, "anna.berg@example.com" if n % 2 else f"p{n}@example.com"),
            actor="test", clock=container.clock, secret=_secret(container), mailer=mailer,
            verify_url=SECRET_URL, limits=IntakeLimits(per_key=1000),
        )  # fmt: skip
        match = re.search(r"^\s+(\d{6})\s*$", mailer.sent[-1].body, re.MULTILINE)
        assert match
        verify_request(container.uow(), receipt.request_id, match.group(1),
                       clock=container.clock, secret=_secret(container))  # fmt: skip
        ids.append(receipt.request_id)
    return ids


def state_counts(container: Container, state: str) -> dict[int, int]:
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(request_events.c.request_id, func.count())
            .where(request_events.c.state == state)
            .group_by(request_events.c.request_id)
        )
        return {int(r[0]): int(r[1]) for r in rows}


def test_verification_enqueues_the_job_in_the_same_transaction(container: Container) -> None:
    """The execute job exists exactly when the request is verified."""
    ids = verified_requests(container, 2)
    with container.engine.connect() as conn:
        keys = set(conn.execute(select(jobs.c.job_key)).scalars())
        states = set(conn.execute(select(subject_requests.c.state)).scalars())
    assert keys == {f"execute:{i}" for i in ids}
    assert states == {"verified"}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_execute_every_request_exactly_once(container: Container) -> None:
    """D1: two ``varna worker`` processes on one PostgreSQL; every request runs once."""
    build_world(container)
    ids = verified_requests(container, 16)
    env = env_for(container.settings.database_url)
    workers = [
        subprocess.Popen(  # noqa: S603
            [VARNA, "worker", "--poll", "0.05", "--name", f"w{n}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with container.engine.connect() as conn:
                left = conn.execute(select(func.count()).where(jobs.c.state != "done")).scalar_one()
                total = conn.execute(select(func.count()).select_from(jobs)).scalar_one()
            if left == 0 and total == 2 * len(ids):  # execute + send_result per request
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the workers did not finish")
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
    assert state_counts(container, "completed") == dict.fromkeys(ids, 1)
    assert state_counts(container, "in_progress") == dict.fromkeys(ids, 1)
    with container.engine.connect() as conn:
        attempts = set(conn.execute(select(jobs.c.attempts)).scalars())
        runners = set(conn.execute(select(jobs.c.locked_by)).scalars())
    assert attempts == {1}
    assert runners == {None}


def test_a_worker_killed_mid_request_loses_nothing(container: Container) -> None:
    """A worker takes the job and dies before finishing; after the lease a restarted worker
    takes it over and the request completes once."""
    build_world(container)
    (request_id,) = verified_requests(container, 1)
    dead = make_worker(container, name="dead")
    claimed = dead.claim()  # ... and the process is killed here, the job stays 'running'
    assert claimed is not None and claimed.request_id == request_id
    # The dead worker got as far as starting the request in its own transaction.
    with container.uow() as uow:
        uow.requests.change_state(request_id, from_states=["verified"], to_state="in_progress",
                                  actor="worker", at=container.clock.now())  # fmt: skip
        uow.commit()
    patient = make_worker(container, name="restarted", lease=timedelta(minutes=5))
    assert patient.run_once() is False  # the lease still protects the job
    time.sleep(2.1)  # SQLite keeps timestamps to the second
    restarted = make_worker(container, name="restarted", lease=timedelta(seconds=1))
    while restarted.run_once():
        pass
    assert state_counts(container, "completed") == {request_id: 1}
    with container.engine.connect() as conn:
        assert set(conn.execute(select(jobs.c.state)).scalars()) == {"done"}


def test_a_job_that_runs_twice_does_no_harm(container: Container) -> None:
    build_world(container)
    (request_id,) = verified_requests(container, 1, kind="erasure")
    ctx = request_context(container)
    execute_request(ctx, request_id)
    execute_request(ctx, request_id)
    assert state_counts(container, "completed") == {request_id: 1}
    with container.engine.connect() as conn:
        result_jobs = conn.execute(
            select(func.count()).where(jobs.c.task == "send_result")
        ).scalar_one()
    assert result_jobs == 1
