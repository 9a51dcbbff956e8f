"""The pure rules of the subject engine: identifier keys, redaction, portability scope and the
erasure decision (D1, D2, D4, R4, A3), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from varna.catalog import load_catalog, parse_catalog
from varna.catalog.loader import DEFAULT_RESOURCE
from varna.domain.errors import InvalidIdentifier
from varna.domain.subjects.erasure import ErasureContext, Hold, Outcome, decide_column
from varna.domain.subjects.keys import keyed_hash, normalise, text_forms
from varna.domain.subjects.portability import is_portable
from varna.domain.subjects.redaction import REDACTED, redact_text

CATALOG = load_catalog()
TODAY = date(2026, 11, 1)


def ctx(**changes: object) -> ErasureContext:
    base: dict[str, object] = {
        "today": TODAY,
        "running_contract": False,
        "holds": (),
        "clocks": {"invoices": date(2025, 12, 31)},
    }
    base.update(changes)
    return ErasureContext(**base)  # type: ignore[arg-type]


def test_d1_personnummer_and_samordningsnummer_forms_normalise_alike() -> None:
    twelve = normalise("personnummer", "19850412-1230", today=TODAY).value
    assert normalise("personnummer", "850412-1230", today=TODAY).value == twelve
    assert normalise("personnummer", "8504121230", today=TODAY).value == twelve
    assert normalise("personnummer", "198504721237", today=TODAY).value.endswith("721237")
    assert normalise("phone", "070-123 45 67").value == "+46701234567"
    assert normalise("email", " Anna.Berg@Example.COM ").value == "anna.berg@example.com"
    with pytest.raises(InvalidIdentifier, match="check digit"):
        normalise("personnummer", "19850412-1231", today=TODAY)


def test_d1_text_forms_cover_how_people_write_numbers() -> None:
    forms = text_forms(normalise("phone", "0701234567"))
    assert {"0701234567", "070-123 45 67", "+46701234567"} <= set(forms)


def test_d8_the_keyed_hash_depends_on_the_key_and_not_on_case() -> None:
    assert keyed_hash("A@Example.com", b"k1") == keyed_hash("a@example.com", b"k1")
    assert keyed_hash("a@example.com", b"k1") != keyed_hash("a@example.com", b"k2")


def test_redaction_keeps_own_identifiers_and_hides_others() -> None:
    text = "Ring mig på 070-123 45 67 eller Bo Ek på bo.ek@example.com / 070-111 22 33."
    out = redact_text(text, own={"+46701234567"}, other_names={"Bo Ek"})
    assert "070-123 45 67" in out and "Bo Ek" not in out and "bo.ek" not in out
    assert out.count(REDACTED) == 3


def test_r4_bookkeeping_keeps_invoices_to_the_end_of_the_seventh_year() -> None:
    entry = CATALOG.table("invoices").personal["total_ore"]
    decision = decide_column(CATALOG, entry, ctx())
    assert decision.outcome is Outcome.KEPT and decision.exception == "bookkeeping"
    assert decision.until == date(2032, 12, 31)
    expired = decide_column(CATALOG, entry, ctx(clocks={"invoices": date(2018, 12, 31)}))
    assert expired.outcome is Outcome.ANONYMISED


def test_d4_legitimate_interest_alone_is_no_exception() -> None:
    """Support cases rest on legitimate interests: erased on request."""
    entry = CATALOG.table("ticket_messages").personal["body"]
    assert decide_column(CATALOG, entry, ctx()).outcome is Outcome.ERASED


def test_d4_holds_and_running_contracts_keep_data() -> None:
    entry = CATALOG.table("people").personal["email"]
    running = decide_column(CATALOG, entry, ctx(running_contract=True))
    assert running.exception == "running_contract" and running.until is None
    hold = Hold(1, "evidence", date(2030, 1, 1), "person", None)
    held = decide_column(CATALOG, entry, ctx(holds=(hold,)))
    assert held.exception == "evidence" and held.until == date(2030, 1, 1)


def test_a3_processor_data_is_routed_unless_the_controller_instructs() -> None:
    entry = CATALOG.table("usage_records").personal["bytes_up"]
    assert decide_column(CATALOG, entry, ctx()).outcome is Outcome.ROUTED
    instructed = decide_column(CATALOG, entry, ctx(controller_instruction=True))
    assert instructed.outcome is Outcome.ERASED


def test_d2_inferred_and_generated_data_is_not_portable() -> None:
    assert is_portable(CATALOG, CATALOG.table("people").personal["email"])
    assert is_portable(CATALOG, CATALOG.table("usage_records").personal["cell_id"])
    assert not is_portable(CATALOG, CATALOG.table("invoices").personal["number"])
    from importlib import resources

    text = resources.files("varna.catalog").joinpath(DEFAULT_RESOURCE).read_text("utf-8")
    text = text.replace(
        "        category: email\n        lookup: email\n",
        "        category: email\n        lookup: email\n        source: inferred\n",
    )
    inferred = parse_catalog(text)
    assert not is_portable(inferred, inferred.table("people").personal["email"])


def test_an_unknown_erasure_exception_is_refused() -> None:
    from importlib import resources

    text = resources.files("varna.catalog").joinpath(DEFAULT_RESOURCE).read_text("utf-8")
    bad = text.replace("exception: bookkeeping", "exception: legitimate_interest", 1)
    with pytest.raises(Exception, match="unknown erasure exception"):
        parse_catalog(bad)
