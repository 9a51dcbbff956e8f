"""The request rules that are settings (VARNA_REQUEST_RATE_LIMIT, VARNA_REQUEST_CODE_MINUTES,
VARNA_REQUEST_CODE_TRIES, VARNA_JOB_LEASE_SECONDS) take effect through the wiring every entry
point uses, on SQLite and PostgreSQL (D1, G3: intake and verification)."""

from __future__ import annotations

import re
from functools import partial

import pytest
from pydantic import ValidationError

from tests.conftest import TEST_SECRET
from tests.integration.test_request_jobs import SECRET_URL, CapturingMailer
from varna.bootstrap import Container, build
from varna.bootstrap.requests import intake_limits
from varna.config import Settings
from varna.domain.errors import InputRefused
from varna.services.requests.intake import (
    CodeRejected,
    IntakeCommand,
    RateLimited,
    TooManyTries,
    submit_request,
    verify_request,
)


def test_defaults_are_the_documented_rules() -> None:
    settings = Settings(secret_key=TEST_SECRET)  # type: ignore[arg-type]
    assert (settings.request_rate_limit, settings.request_code_minutes) == (5, 30)
    assert (settings.request_code_tries, settings.job_lease_seconds) == (5, 300)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request_rate_limit", 0),
        ("request_code_minutes", 1),
        ("request_code_tries", 0),
        ("request_code_tries", 21),
        ("job_lease_seconds", 0),
    ],
)
def test_out_of_bounds_settings_are_refused_naming_the_field(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(secret_key=TEST_SECRET, **{field: value})  # type: ignore[arg-type]


def _tuned(container: Container, **values: object) -> Container:
    return build(container.settings.model_copy(update=values))


def _submit(wired: Container, mailer: CapturingMailer, email: str, client: str) -> str:
    receipt = submit_request(
        wired,
        IntakeCommand("access", email, language="en"),
        actor="test",
        client=client,
        mailer=mailer,
        verify_url=SECRET_URL,
        special_policy=wired.settings.scan_special_policy,
        limits=intake_limits(wired),
    )
    return receipt.reference


def test_d1_rate_limit_code_lifetime_and_tries_follow_the_settings(container: Container) -> None:
    """D1: the limit per client, the code's life and the tries per client follow the settings;
    a client that used up its tries leaves the owner's code working."""
    wired = _tuned(container, request_rate_limit=2, request_code_minutes=10, request_code_tries=2)
    mailer = CapturingMailer()
    try:
        first = _submit(wired, mailer, "eva.lind@example.com", "192.0.2.1")
        _submit(wired, mailer, "other@example.com", "192.0.2.1")
        with pytest.raises(RateLimited):
            _submit(wired, mailer, "third@example.com", "192.0.2.1")
        assert "within 10 minutes" in mailer.sent[0].body
        code = re.search(r"^\s+(\d{6})\s*$", mailer.sent[0].body, re.MULTILINE)
        assert code
        wrong = "000000" if code.group(1) != "000000" else "111111"
        limits = intake_limits(wired)
        stranger = partial(verify_request, client="198.51.100.9", limits=limits)
        owner = partial(verify_request, client="192.0.2.1", limits=limits)
        with pytest.raises(CodeRejected, match=r"1 tries left"):
            stranger(wired, first, wrong)
        with pytest.raises(CodeRejected, match=r"0 tries left"):
            stranger(wired, first, wrong)
        with pytest.raises(TooManyTries):
            stranger(wired, first, code.group(1))
        assert owner(wired, first, code.group(1)) == "verified"
    finally:
        wired.close()


def test_d1_the_address_limit_counts_only_requests_its_owner_confirmed(
    container: Container,
) -> None:
    """D1, G3: requests for an address from other clients that nobody confirmed do not
    count; the owner's confirmed requests do, whatever client they come from."""
    wired = _tuned(container, request_rate_limit=2)
    mailer = CapturingMailer()
    limits = intake_limits(wired)
    try:
        for n in range(3):  # strangers' requests naming Eva's address, never confirmed
            _submit(wired, mailer, "eva.lind@example.com", f"203.0.113.{n + 1}")
        for n in range(2):  # Eva's own, each confirmed with the code from her mail
            reference = _submit(wired, mailer, "eva.lind@example.com", f"192.0.2.{n + 1}")
            code = re.search(r"^\s+(\d{6})\s*$", mailer.sent[-1].body, re.MULTILINE)
            assert code
            state = verify_request(
                wired, reference, code.group(1), client="192.0.2.1", limits=limits
            )
            assert state == "verified"
        with pytest.raises(RateLimited):
            _submit(wired, mailer, "eva.lind@example.com", "192.0.2.99")
        _submit(wired, mailer, "someone.else@example.com", "192.0.2.99")
    finally:
        wired.close()


def test_g3_c4_texts_the_guard_refuses_count_against_the_clients_limit(
    container: Container,
) -> None:
    """G3, C4: a refused request (a child's birth date in its text) is not stored, yet counts
    for its client, so refusals cannot be sent (and recorded) without limit."""
    wired = _tuned(container, request_rate_limit=2)
    command = IntakeCommand("access", "eva.lind@example.com", details="My son, born 2020-01-01.")
    try:
        for expected in (InputRefused, InputRefused, RateLimited):
            with pytest.raises(expected):
                submit_request(
                    wired,
                    command,
                    actor="test",
                    client="203.0.113.5",
                    mailer=None,
                    verify_url=SECRET_URL,
                    special_policy="redact",
                    limits=intake_limits(wired),
                )
        with wired.uow() as uow:
            assert uow.requests.listing(due_before=None) == []
    finally:
        wired.close()
