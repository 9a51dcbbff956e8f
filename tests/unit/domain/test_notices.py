"""The texts of the outbox's notices (D3, D4, A3): each says what its addressee needs to act
and nothing else about the person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from varna.domain.notices import (
    Disclosure,
    Notice,
    Sender,
    UnsentNotice,
    controller_message,
    person_message,
    recipient_message,
    reference,
)

SENDER = Sender(
    "Exempelbolaget AB", "dpo@example.com", "Integritetsskyddsmyndigheten", "https://www.imy.se"
)
AT = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
# What the details of a notice could carry besides the column: never written into the text.
PRIVATE = {"value": "070-123 45 67", "old": "anna@example.com", "person": "Anna Svensson"}


def notice(kind: str, **details: object) -> Notice:
    return Notice(41, kind, "credit_reference_agency", 3, None, {**PRIVATE, **details}, AT)


@pytest.mark.parametrize(
    ("kind", "verb"),
    [
        ("art19_erasure", "erased"),
        ("art19_rectification", "rectified"),
        ("art19_restriction", "restricted the processing of"),
    ],
)
def test_d4_an_art19_notice_says_what_happened_and_nothing_about_the_person(
    kind: str, verb: str
) -> None:
    """D4: a recipient finds the person by the disclosure it received, not by their data."""
    message = recipient_message(notice(kind, column="phone"), [], SENDER)
    assert f"We have {verb} personal data" in message.body
    assert message.subject.endswith("(Art. 19 GDPR) VARNA-N-41")
    for value in PRIVATE.values():
        assert value not in message.body and value not in message.subject


def test_d3_only_a_rectification_names_its_field_and_never_the_new_value() -> None:
    rectified = recipient_message(notice("art19_rectification", column="phone"), [], SENDER)
    assert "Corrected field: phone" in rectified.body
    assert "070-123 45 67" not in rectified.body
    erased = recipient_message(notice("art19_erasure", column="phone"), [], SENDER)
    assert "Corrected field" not in erased.body


def test_d4_each_disclosure_is_listed_by_its_day_reference_and_categories() -> None:
    disclosures = [
        Disclosure(AT, "KU-1", ("name", "national_id")),
        Disclosure(datetime(2025, 1, 2, tzinfo=UTC), None, ()),
    ]
    body = recipient_message(notice("art19_erasure"), disclosures, SENDER).body
    assert "  2026-12-01  ref KU-1  (name, national_id)" in body
    assert "  2025-01-02  ref -  (-)" in body
    none_listed = recipient_message(notice("art19_erasure"), [], SENDER).body
    assert "Disclosures concerned:\n  -\n" in none_listed


def test_d3_the_person_is_told_the_restriction_is_lifted_and_where_to_complain() -> None:
    message = person_message(notice("restriction_lifted"), SENDER)
    assert "has been lifted" in message.body and "VARNA-N-41" in message.subject
    assert "right to complain to Integritetsskyddsmyndigheten (https://www.imy.se)" in (
        message.body
    )
    assert "Anna Svensson" not in message.body


def test_a3_the_controller_is_asked_or_told_by_iccid() -> None:
    """A3: asked for its instruction on a request, told when an instruction was carried out."""
    asked = controller_message(
        notice("controller_erasure_request"), ["89460000000000000010"], SENDER
    )
    assert "please send us your instruction" in asked.body
    assert asked.subject.startswith("Erasure request for your SIMs (A3)")
    done = controller_message(notice("controller_erasure_done", instruction="CI-9"), [], SENDER)
    assert "Instruktion / Instruction: CI-9" in done.body
    assert "SIM (ICCID):\n  -\n" in done.body
    assert done.subject == "Erasure carried out (A3) VARNA-N-41"


def test_a_notice_waiting_in_the_outbox_has_failed_only_with_a_reason() -> None:
    waiting = UnsentNotice(1, "art19_erasure", "bank", None, 0, None, AT)
    assert not waiting.failed
    assert UnsentNotice(1, "art19_erasure", "bank", None, 2, "send_failed", AT).failed
    assert reference(notice("art19_erasure")) == "VARNA-N-41"
