"""The API under generated input (R6, A1, G3): schemathesis reads the app's own OpenAPI
document and sends every operation examples built from it, as a stranger and as the signed-in
privacy officer (the session cookie and its X-CSRF-Token header). No answer may be a server
error, use a status the operation does not declare, or break its own declared schema.

The examples are derandomised (the same ones on every run) and bounded per operation, so the
run is repeatable and stays within a minute on two cores."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from tests.e2e.helpers import add_staff, running_server, sign_in
from tests.subject_factories import build_world
from varna.bootstrap import Container

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-staple"
EXAMPLES = 40  # per operation, kind of input and caller
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def signed_in(base: str) -> tuple[dict[str, str], dict[str, str]]:
    """The privacy officer's session cookie and CSRF header, signed in as a browser does."""
    with httpx.Client(base_url=base) as client:
        signed = sign_in(client, "dpo@example.com", PASSWORD)
        assert signed.status_code == 303, signed.text
        cookie = client.cookies["varna_staff"]
        who = client.get("/api/v1/staff/session")
        assert who.status_code == 200, who.text
    return {"varna_staff": cookie}, {"X-CSRF-Token": who.json()["csrf_token"]}


def fuzz(
    schema: Any, base: str, cookies: dict[str, str], headers: dict[str, str], found: list[str]
) -> tuple[int, int]:
    """Every operation with ``EXAMPLES`` examples; the operations and examples run."""
    operations = examples = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in schemathesis.GenerationMode:
            examples += fuzz_operation(operation, mode, base, cookies, headers, found)
    return operations, examples


def fuzz_operation(
    operation: Any,
    mode: Any,
    base: str,
    cookies: dict[str, str],
    headers: dict[str, str],
    found: list[str],
) -> int:
    """``EXAMPLES`` valid (positive) or invalid (negative) inputs for one operation."""
    seen = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal seen
        seen += 1
        response = case.call(
            base_url=base, cookies=cookies, headers={**(case.headers or {}), **headers}
        )
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except (AssertionError, FailureGroup) as failure:
        found.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {failure}")
    except Unsatisfiable:
        # An operation that takes no input has no invalid input to send.
        assert mode == schemathesis.GenerationMode.NEGATIVE and seen == 0
    return seen


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_r6_a1_g3_every_operation_holds_its_schema_under_generated_input(
    container: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    build_world(container)
    add_staff(container.settings.database_url, "dpo@example.com", "privacy_officer", PASSWORD)
    with running_server(container.settings.database_url) as base:
        schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
        started = time.monotonic()
        found: list[str] = []
        stranger = fuzz(schema, base, {}, {}, found)
        cookies, headers = signed_in(base)
        staff = fuzz(schema, base, cookies, headers, found)
        seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzzed {stranger[0]} operations: {stranger[1]} examples as a stranger, "
            f"{staff[1]} as the privacy officer, in {seconds:.1f} s"
        )
    assert stranger[0] > 0 and staff[1] > 0
    assert not found, "\n\n".join(found)
