"""Request rules without a database (D1, D7, R-DSR-01/02/10): deadlines with month ends and
extensions, the state machine, refusal decisions and one-time codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from varna.domain.requests.codes import (
    MAX_ATTEMPTS,
    CodeCheck,
    StoredCode,
    check_code,
    hash_secret,
    new_code,
)
from varna.domain.requests.deadlines import (
    ExtensionRefused,
    add_months,
    due_date,
    extend,
    is_overdue,
)
from varna.domain.requests.kinds import RequestState
from varna.domain.requests.lifecycle import (
    RefusalNeedsDecision,
    TransitionRefused,
    check_refusal,
    check_transition,
)
from varna.services.requests import messages


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # R-DSR-01's example
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 3, 15), date(2026, 4, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_r_dsr_01_due_one_month_same_date_or_month_end(received: date, due: date) -> None:
    assert due_date(received) == due


@pytest.mark.parametrize(
    ("received", "months", "new_due"),
    [
        (date(2026, 1, 31), 2, date(2026, 4, 28)),  # due 2026-02-28, + 2 months
        (date(2026, 5, 31), 2, date(2026, 8, 30)),  # due 2026-06-30, + 2 months
        (date(2026, 1, 31), 1, date(2026, 3, 28)),
        (date(2026, 3, 15), 2, date(2026, 6, 15)),
        (date(2027, 12, 31), 2, date(2028, 3, 31)),  # due 2028-01-31, + 2 months
    ],
)
def test_D1_extension_adds_months_to_the_original_deadline(
    received: date, months: int, new_due: date
) -> None:
    """D1, R-DSR-01 (Art. 12(3)): the further months count from the deadline, not from
    receipt; where the readings differ, the earlier date."""
    extension = extend(received, months=months, reason="many systems", notice_on=received)
    assert extension.new_due == new_due
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("months", "reason", "notice_on"),
    [
        (3, "complex", date(2026, 2, 1)),  # more than two further months
        (0, "complex", date(2026, 2, 1)),
        (1, "  ", date(2026, 2, 1)),  # no reason
        (1, "complex", date(2026, 3, 1)),  # the notice comes after the first month
    ],
)
def test_r_dsr_01_extension_refused(months: int, reason: str, notice_on: date) -> None:
    with pytest.raises(ExtensionRefused):
        extend(date(2026, 1, 31), months=months, reason=reason, notice_on=notice_on)


def test_extension_notice_on_the_last_day_of_the_first_month_is_allowed() -> None:
    assert extend(date(2026, 1, 31), months=1, reason="x", notice_on=date(2026, 2, 28)).new_due == (
        date(2026, 3, 28)
    )


def test_state_machine() -> None:
    assert check_transition("received", "verified") is RequestState.VERIFIED
    with pytest.raises(TransitionRefused):
        check_transition("received", "completed")
    with pytest.raises(TransitionRefused):
        check_transition("completed", "extended")


def test_r_dsr_02_refusal_only_with_a_recorded_ground_and_reason() -> None:
    with pytest.raises(RefusalNeedsDecision):
        check_refusal(None, "because")
    with pytest.raises(RefusalNeedsDecision):
        check_refusal("too_busy", "because")
    with pytest.raises(RefusalNeedsDecision):
        check_refusal("excessive", " ")
    assert check_refusal("manifestly_unfounded", "the same request daily").value == (
        "manifestly_unfounded"
    )


def test_codes_are_hashed_expire_and_lock() -> None:
    key = b"k" * 32
    code = new_code()
    assert len(code) == 6 and code.isdigit()
    stored_hash = hash_secret(code, key=key, purpose="request-code")
    assert code not in stored_hash
    now = datetime(2026, 1, 31, 12, tzinfo=UTC)
    fresh = StoredCode(stored_hash, now + timedelta(minutes=30), 0, None)
    assert check_code(fresh, stored_hash, now=now) is CodeCheck.ACCEPTED
    wrong = hash_secret("000000" if code != "000000" else "111111", key=key, purpose="request-code")
    assert check_code(fresh, wrong, now=now) is CodeCheck.WRONG
    assert check_code(fresh, stored_hash, now=now + timedelta(minutes=30)) is CodeCheck.EXPIRED
    locked = StoredCode(stored_hash, now + timedelta(minutes=30), MAX_ATTEMPTS, None)
    assert check_code(locked, stored_hash, now=now) is CodeCheck.LOCKED
    used = StoredCode(stored_hash, now + timedelta(minutes=30), 0, now)
    assert check_code(used, stored_hash, now=now) is CodeCheck.USED


def test_d1_only_the_right_code_learns_the_state_of_a_code() -> None:
    """D1: a wrong code is WRONG whether the code is used, locked or expired, so a stranger's
    try tells nothing about someone else's request."""
    key = b"k" * 32
    stored_hash = hash_secret("123456", key=key, purpose="request-code")
    wrong = hash_secret("654321", key=key, purpose="request-code")
    now = datetime(2026, 1, 31, 12, tzinfo=UTC)
    later = now + timedelta(minutes=30)
    for stored, at in [
        (StoredCode(stored_hash, later, 0, now), now),  # used
        (StoredCode(stored_hash, later, MAX_ATTEMPTS, None), now),  # locked
        (StoredCode(stored_hash, later, 0, None), later),  # expired
    ]:
        assert check_code(stored, wrong, now=at) is CodeCheck.WRONG


@pytest.mark.parametrize("language", ["sv", "en"])
def test_d7_every_answer_names_imy_and_a_refusal_the_courts(language: str) -> None:
    texts = [
        messages.code_mail(language, request_id=1, code="123456", verify_url="u")[1],
        messages.result_mail(language, request_id=1, kind="access", outcome={}, download_url="u")[
            1
        ],
        messages.forwarded_mail(language, request_id=1)[1],
        messages.identity_mail(language, request_id=1)[1],
        messages.extension_mail(language, request_id=1, reason="r", new_due="2026-04-30")[1],
    ]
    refusal = messages.refusal_mail(
        language, request_id=1, kind="access", ground="excessive", reason="r"
    )[1]
    for text in [*texts, refusal]:
        assert "Integritetsskyddsmyndigheten (IMY)" in text
    assert ("domstol" if language == "sv" else "court") in refusal


@pytest.mark.parametrize("state", list(RequestState))
def test_a_request_is_overdue_only_while_open_and_after_its_due_date(state: RequestState) -> None:
    due = date(2026, 2, 28)
    is_open = state not in (RequestState.COMPLETED, RequestState.REFUSED, RequestState.FORWARDED)
    assert is_overdue(state, due, date(2026, 3, 1)) is is_open
    assert not is_overdue(state, due, due)  # the due date itself is still in time
    assert not is_overdue(state, due, date(2026, 2, 1))
    assert is_overdue(state.value, due, date(2026, 3, 1)) is is_open  # as stored, a plain string
