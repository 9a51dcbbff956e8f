"""Request execution by jobs on SQLite and PostgreSQL (D1, D4; ARCHITECTURE "Jobs and scale"):
the job is enqueued with the verification, two workers execute every request exactly once,
a ``varna worker`` killed (SIGKILL) mid-request loses nothing, and a job that runs twice does
no harm."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Row, func, select

from tests.e2e.helpers import VARNA, env_for
from tests.e2e.test_requests_api import Inbox, smtp  # noqa: F401 - the aiosmtpd fixture
from tests.subject_factories import build_world
from varna.adapters.db.tables import jobs, request_events, subject_requests
from varna.bootstrap import Container
from varna.bootstrap.requests import make_worker, request_context
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

    def to(self, address: str) -> list[OutgoingMail]:
        return [m for m in self.sent if m.to == address]


def verified_requests(container: Container, count: int, kind: str = "access") -> list[int]:
    mailer = CapturingMailer()
    ids = []
    for n in range(count):
        receipt = submit_request(
            container,
            IntakeCommand(kind, "anna.berg@example.com" if n % 2 else f"p{n}@example.com"),
            actor="test",
            client="192.0.2.1",
            mailer=mailer,
            verify_url=SECRET_URL,
            special_policy="redact",
            limits=IntakeLimits(per_key=1000),
        )
        match = re.search(r"^\s+(\d{6})\s*$", mailer.sent[-1].body, re.MULTILINE)
        assert match
        verify_request(container, receipt.reference, match.group(1), client="192.0.2.1")
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
        )
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


def test_a_job_whose_lease_has_passed_is_taken_over(container: Container) -> None:
    """The lease rule on both stores: a job left running by a dead worker is taken over only
    after the lease, and the request completes once."""
    build_world(container)
    (request_id,) = verified_requests(container, 1)
    dead = make_worker(container, name="dead")
    claimed = dead.claim()  # ... and the process is killed here, the job stays 'running'
    assert claimed is not None and claimed.request_id == request_id
    # The dead worker got as far as starting the request in its own transaction.
    with container.uow() as uow:
        uow.requests.change_state(
            request_id,
            from_states=["verified"],
            to_state="in_progress",
            actor="worker",
            at=container.clock.now(),
        )
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


def _wait(what: str, check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _job(container: Container, request_id: int) -> Row[Any]:
    with container.engine.connect() as conn:
        row = conn.execute(
            select(jobs.c.state, jobs.c.locked_by, jobs.c.locked_at, jobs.c.attempts).where(
                jobs.c.job_key == f"execute:{request_id}"
            )
        ).one()
    return row


def _completed_at(container: Container, request_id: int) -> datetime | None:
    with container.engine.connect() as conn:
        return conn.execute(
            select(request_events.c.at).where(
                request_events.c.request_id == request_id, request_events.c.state == "completed"
            )
        ).scalar()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_d1_a_worker_killed_mid_request_loses_nothing(
    container: Container,
    smtp: tuple[int, Inbox],  # noqa: F811
) -> None:
    """D1: a real ``varna worker`` takes an access request, is SIGKILLed while the request is
    in progress, and a new worker takes the job over once the lease has passed: one completed
    event, one answer in a real SMTP inbox."""
    build_world(container)
    (request_id,) = verified_requests(container, 1)
    port, inbox = smtp
    lease = 3
    env = env_for(
        container.settings.database_url,
        VARNA_SMTP_HOST="127.0.0.1",
        VARNA_SMTP_PORT=str(port),
        VARNA_JOB_LEASE_SECONDS=str(lease),
    )
    doomed = subprocess.Popen(  # noqa: S603 - pauses mid-request (VARNA_JOB_PAUSE_SECONDS)
        [VARNA, "worker", "--poll", "0.05", "--name", "doomed"],
        env={**env, "VARNA_JOB_PAUSE_SECONDS": "60"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(
            "the first worker to start the request",
            lambda: state_counts(container, "in_progress") == {request_id: 1},
        )
        taken = _job(container, request_id)
        assert (taken.state, taken.locked_by, taken.attempts) == ("running", "doomed", 1)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    restarted = subprocess.Popen(  # noqa: S603
        [VARNA, "worker", "--poll", "0.05", "--name", "restarted"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = inbox.wait_for("p0@example.com", f"Svar på din begäran {request_id}")
        _wait("the answer job", lambda: _job(container, request_id).state == "done")
        time.sleep(1)  # a second answer would have arrived by now
    finally:
        restarted.terminate()
        restarted.wait(timeout=20)
    assert "Integritetsskyddsmyndigheten (IMY)" in answer
    assert len([m for m in inbox.messages if m["To"] == "p0@example.com"]) == 1
    assert state_counts(container, "completed") == {request_id: 1}
    assert state_counts(container, "in_progress") == {request_id: 1}
    done = _job(container, request_id)
    assert (done.state, done.attempts) == ("done", 2)
    completed_at = _completed_at(container, request_id)
    assert completed_at is not None and completed_at >= taken.locked_at + timedelta(seconds=lease)
    with container.engine.connect() as conn:
        states = conn.execute(select(jobs.c.task, jobs.c.state).order_by(jobs.c.id)).all()
    assert [tuple(r) for r in states] == [("execute_request", "done"), ("send_result", "done")]
