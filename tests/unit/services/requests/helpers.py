"""The request use cases as the tests call them: one place to change when their signatures
change (a ``ServiceContext`` instead of loose arguments)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tests.fakes.context import FakeContext
from tests.fakes.mail import CapturingMailer
from varna.domain.scan import SpecialPolicy
from varna.services.requests.decisions import (
    Decision,
    complete_request,
    extend_request,
    refuse_request,
)
from varna.services.requests.execute import RequestContext
from varna.services.requests.intake import (
    IntakeCommand,
    IntakeLimits,
    IntakeReceipt,
    Verified,
    submit_request,
    verify_request,
)

VERIFY_URL = "https://varna.example/privacy/requests/verify"
PUBLIC_URL = "https://varna.example"
CLIENT = "198.51.100.7"
EMAIL = "anna.andersson@example.com"
CODE = re.compile(r"\n\n    (\d+)\n\n")


def submit(
    ctx: FakeContext,
    mailer: CapturingMailer | None,
    *,
    kind: str = "access",
    email: str = EMAIL,
    identifiers: Mapping[str, str] | None = None,
    details: str | None = None,
    language: str = "sv",
    client: str = CLIENT,
    policy: SpecialPolicy = "redact",
    limits: IntakeLimits | None = None,
) -> IntakeReceipt:
    command = IntakeCommand(kind, email, dict(identifiers or {}), details, language)
    return submit_request(
        ctx,
        command,
        actor="subject",
        client=client,
        mailer=mailer,
        verify_url=VERIFY_URL,
        special_policy=policy,
        limits=limits or IntakeLimits(),
    )


def verify(
    ctx: FakeContext,
    reference: str,
    code: str,
    *,
    client: str = CLIENT,
    limits: IntakeLimits | None = None,
) -> Verified:
    return verify_request(
        ctx,
        reference,
        code,
        client=client,
        limits=limits or IntakeLimits(),
    )


def code_of(mailer: CapturingMailer) -> str:
    """The one-time code of the last code mail."""
    found = CODE.search(mailer.sent[-1].body)
    assert found is not None, "the code mail carries no code"
    return found.group(1)


def verified_request(ctx: FakeContext, *, kind: str = "access", **given: Any) -> int:
    """A request submitted and verified by its owner; its id."""
    mailer = CapturingMailer()
    receipt = submit(ctx, mailer, kind=kind, **given)
    assert verify(ctx, receipt.reference, code_of(mailer)) is Verified.VERIFIED
    return receipt.request_id


def extend(
    ctx: FakeContext,
    request_id: int,
    *,
    months: int = 2,
    reason: str = "many systems to search",
    mailer: CapturingMailer | None = None,
    policy: SpecialPolicy = "redact",
) -> Decision:
    return extend_request(
        ctx,
        request_id,
        months=months,
        reason=reason,
        actor="staff:1",
        mailer=mailer,
        special_policy=policy,
    )


def refuse(
    ctx: FakeContext,
    request_id: int,
    *,
    ground: str | None = "manifestly_unfounded",
    reason: str | None = "the same request every day",
    mailer: CapturingMailer | None = None,
    policy: SpecialPolicy = "redact",
) -> Decision:
    return refuse_request(
        ctx,
        request_id,
        ground=ground,
        reason=reason,
        actor="staff:1",
        mailer=mailer,
        special_policy=policy,
    )


def complete(
    ctx: FakeContext, request_id: int, *, note: str | None = None, policy: SpecialPolicy = "redact"
) -> Decision:
    return complete_request(ctx, request_id, note=note, actor="staff:1", special_policy=policy)


def job_context(ctx: FakeContext, mailer: CapturingMailer | None) -> RequestContext:
    return RequestContext(
        service=ctx,
        mailer=mailer,
        public_url=PUBLIC_URL,
    )
