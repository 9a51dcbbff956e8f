"""The subject engine on SQLite and PostgreSQL: find (D1), extract (D1, D7), portability (D2),
erasure with its per-category outcome (D4, R4), routing of processor data (A3), one transaction
per erasure. Data from tests/subject_factories.py (synthetic)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.subject_factories import ANNA_PNR, NOW, World, build_world, subject_context
from varna.adapters.db.tables import (
    controller_requests,
    disclosures,
    invoices,
    outbox,
    people,
    usage_records,
)
from varna.bootstrap import Container
from varna.domain.errors import InvalidIdentifier
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.services.subjects.erase import EraseCommand, EraseResult, erase_subject
from varna.services.subjects.extract import build_extract
from varna.services.subjects.find import FindResult, find_subject
from varna.services.subjects.portability import build_portable

SECRET = b"test-secret"
GOLDEN_KEYS = {
    "schema",
    "generated_at",
    "language",
    "subject",
    "processing",
    "data",
    "controller",
    "purposes",
    "categories",
    "recipients",
    "retention",
    "sources",
    "processor_data",
    "rights",
    "complaint",
    "automated_decisions",
    "redactions",
}


class FixedClock:
    def now(self) -> Any:
        return NOW


def key(kind: str, value: str) -> SubjectKey:
    return normalise(kind, value, today=date(2026, 11, 1))


def find(container: Container, *keys: SubjectKey) -> FindResult:
    return find_subject(
        subject_context(container, clock=FixedClock(), secret=SECRET), keys, actor="test"
    )


def extract(container: Container, *keys: SubjectKey) -> dict[str, Any]:
    return build_extract(
        subject_context(container, clock=FixedClock(), secret=SECRET), keys, actor="test"
    ).bundle


def erase(container: Container, *keys: SubjectKey, **options: Any) -> EraseResult:
    on_step = options.pop("on_step", None)
    return erase_subject(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        EraseCommand(keys, **options),
        actor="test",
        on_step=on_step,
    )


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def tables_of(result: FindResult) -> dict[str, int]:
    return {c.table: c.rows for c in result.tables if c.mention_column is None}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "ANNA.Berg@Example.COM"),
        ("phone", "070-123 45 67"),
        ("phone", "+46 70 123 45 67"),
        ("personnummer", ANNA_PNR),
        ("personnummer", f"{ANNA_PNR[2:8]}-{ANNA_PNR[8:]}"),
    ],
)
def test_d1_every_identifier_form_finds_the_same_person(
    container: Container, world: World, kind: str, value: str
) -> None:
    """D1: normalised identifiers find the person's rows in every table, through the catalogue."""
    result = find(container, key(kind, value))
    assert result.scope.person_ids == (world.anna_id,)
    found = tables_of(result)
    assert found["people"] == 1 and found["web_visits"] == 3 and found["invoices"] == 1
    assert found["invoice_lines"] == 1 and found["payments"] == 1
    assert found["ticket_messages"] == 2  # her message and the staff reply; not Bo's message
    # the customer's end-user reference of two SIMs is her e-mail: those SIMs (processor
    # data) are found through sim_end_users (a named_by link), the third SIM is not
    assert found["sims"] == 2 and found["sim_end_users"] == 2
    assert found["usage_records"] == 2 * world.usage_per_sim
    mentions = [c for c in result.tables if c.mention_column == "body"]
    assert mentions and mentions[0].rows == 1  # Bo's ticket mentions her e-mail and phone


def test_d1_a_sim_identifier_finds_its_usage(container: Container, world: World) -> None:
    """A3: by ICCID, the SIM and its usage (processor data), no person."""
    result = find(container, key("iccid", world.anna_iccids[0]))
    assert result.scope.person_ids == ()
    assert tables_of(result) == {
        "sims": 1,
        "sim_end_users": 1,
        "usage_records": world.usage_per_sim,
    }


def test_d1_no_match_is_an_empty_result(container: Container, world: World) -> None:
    result = find(container, key("email", "nobody@example.com"))
    assert not result.found and result.tables == ()


def test_d1_a_malformed_identifier_says_which_and_why() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        key("personnummer", ANNA_PNR[:-1] + str((int(ANNA_PNR[-1]) + 1) % 10))
    assert "personnummer" in str(caught.value) and "check digit" in str(caught.value)
    assert ANNA_PNR not in str(caught.value)


def test_d1_extract_has_every_article_15_field(container: Container, world: World) -> None:
    """D1, D7 (golden keys): data by category, purposes with bases, recipients with transfer
    safeguards, retention, sources, rights, IMY, automated decisions."""
    bundle = extract(container, key("email", "anna.berg@example.com"))
    assert set(bundle) == GOLDEN_KEYS
    assert bundle["schema"] == "varna.extract/v1" and bundle["processing"] is True
    assert {"email", "free_text", "payment_history", "traffic_data"} <= set(bundle["data"])
    assert all(p["legal_basis"] and p["article"] for p in bundle["purposes"])
    outside = [r for r in bundle["recipients"] if not r["in_eea"]]
    assert outside and all(r["transfer_safeguards"]["tool"] for r in outside)
    assert bundle["complaint"]["short_name"] == "IMY" and bundle["complaint"]["website"]
    assert {r["right"] for r in bundle["rights"]} >= {"erasure", "objection", "complaint"}
    assert bundle["automated_decisions"]["exists"] is False
    assert bundle["retention"] and bundle["sources"]


def test_d1_extract_redacts_the_colleague(container: Container, world: World) -> None:
    """15(4): the colleague named in Anna's message and the staff name are redacted."""
    bundle = extract(container, key("email", "anna.berg@example.com"))
    texts = [row for b in bundle["data"]["free_text"] for row in b["rows"]]
    flat = " ".join(str(v) for row in texts for v in row)
    assert "Bo Ek" not in flat and "bo.ek@example.com" not in flat and "[redacted]" in flat
    names = [
        row for b in bundle["data"]["name"] if b["table"] == "ticket_messages" for row in b["rows"]
    ]
    assert all(row[1] in (None, "[redacted]") for row in names)
    assert bundle["redactions"] >= 2


def test_d2_portability_holds_provided_and_observed_data(
    container: Container, world: World
) -> None:
    """D2: contact data she gave and the usage of her SIMs; no generated invoice numbers."""
    bundle = build_portable(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (key("email", "anna.berg@example.com"),),
        actor="test",
    ).bundle
    assert bundle["schema"] == "varna.portability/v1"
    assert "email" in bundle["data"] and "traffic_data" in bundle["data"]
    fields = {
        (b["table"], f)
        for blocks in bundle["data"].values()
        for b in blocks
        for f in b["fields"][1:]
    }
    assert ("usage_records", "bytes_down") in fields
    assert ("invoices", "billing_address") in fields  # she gave it, for the contract
    assert ("invoices", "number") not in fields  # generated by us
    assert ("ticket_messages", "author_staff") not in fields


def test_d4_r4_erasure_outcome_per_category(container: Container, world: World) -> None:
    """D4, R4: erased, anonymised, kept with the bookkeeping exception until 31 Dec 2032
    (fiscal year 2025 + 7), and the SIM usage routed to the controller (A3)."""
    result = erase(container, key("email", "anna.berg@example.com"))
    outcomes = {(c.category, c.outcome.value, c.exception) for c in result.categories}
    assert ("email", "anonymised", None) in outcomes
    assert ("ip_address", "erased", None) in outcomes
    assert ("traffic_data", "routed_to_controller", "controller") in outcomes
    kept = [c for c in result.categories if c.exception == "bookkeeping"]
    assert kept and all(c.until == date(2032, 12, 31) for c in kept)
    assert {"invoices", "payments"} <= {t for c in kept for t in c.tables}
    with container.engine.connect() as conn:
        row = conn.execute(select(people).where(people.c.id == world.anna_id)).one()
        assert row.email is None and row.personnummer is None and row.full_name == "[erased]"
        assert conn.execute(select(func.count()).select_from(invoices)).scalar_one() == 1
        usage = conn.execute(select(func.count()).select_from(usage_records)).scalar_one()
        assert usage == 3 * world.usage_per_sim  # processor data: not hers to erase
        routed = conn.execute(select(controller_requests)).one()
        assert routed.organisation_id == world.company_id and routed.status == "routed"
        assert sorted(routed.sim_ids) == sorted(world.anna_sims)


def test_d4_after_erasure_nothing_erasable_remains(container: Container, world: World) -> None:
    """D4: find by any identifier returns nothing erasable; running it again is harmless."""
    first = erase(container, key("email", "anna.berg@example.com"))
    assert first.run_id is not None
    by_email = find(container, key("email", "anna.berg@example.com"))
    assert by_email.erasable == {} and by_email.scope.person_ids == ()
    # only the SIMs whose end-user reference names her remain, with that reference and
    # their usage: the controller's data, routed to it (A3)
    assert set(tables_of(by_email)) == {"sims", "sim_end_users", "usage_records"}
    by_id = find(container, key("person_id", str(world.anna_id)))
    assert by_id.erasable == {}
    assert tables_of(by_id)["invoices"] == 1  # kept for bookkeeping (R4)
    again = erase(container, key("person_id", str(world.anna_id)))
    assert again.changed == {}


def test_d4_another_persons_extract_is_unchanged(container: Container, world: World) -> None:
    """D4, 15(4): Bo shares Anna's case; his records read the same before and after (Anna's
    name in his message was redacted before and is removed after). Only Anna's own message,
    which mentioned Bo, goes: it was hers."""
    bo = key("person_id", str(world.bo_id))

    def linked(bundle: dict[str, Any]) -> dict[str, Any]:
        return {
            category: [b for b in blocks if b["match"] == "linked"]
            for category, blocks in bundle["data"].items()
        }

    before = extract(container, bo)
    erase(container, key("email", "anna.berg@example.com"))
    after = extract(container, bo)
    assert linked(before) == linked(after)
    texts = [r[1] for b in after["data"]["free_text"] for r in b["rows"]]
    assert "Bo här: samma problem som [redacted] beskrev." in texts


def test_d4_recipients_are_told_once(container: Container, world: World) -> None:
    """D4, Art. 19: each recipient in the disclosure log gets one notice, however many runs."""
    with container.uow() as uow:
        uow.rights.record_disclosure("credit_reference_agency", world.anna_id, ["name"], NOW)
        uow.rights.record_disclosure("payment_service_provider", world.anna_id, ["name"], NOW)
        uow.commit()
    erase(container, key("email", "anna.berg@example.com"))
    erase(container, key("person_id", str(world.anna_id)))
    with container.engine.connect() as conn:
        notices = conn.execute(select(outbox.c.recipient).where(outbox.c.kind == "art19_erasure"))
        assert sorted(notices.scalars()) == ["credit_reference_agency", "payment_service_provider"]
        assert conn.execute(select(func.count()).select_from(disclosures)).scalar_one() == 2


def test_d4_a_running_contract_and_a_legal_hold_keep_data(container: Container) -> None:
    """D4: the contact data of a running contract is kept; a legal hold keeps until review."""
    world = build_world(container, contract_running=True)
    with container.uow() as uow:
        uow.rights.add_hold(
            kind="legal_hold",
            reason="Tvist",
            reference="T 123-26",
            owner="dpo",
            review_date=date(2027, 6, 30),
            scope="table",
            person_id=None,
            organisation_id=None,
            scope_table="web_visits",
            at=NOW,
        )
        uow.commit()
    result = erase(container, key("person_id", str(world.anna_id)), dry_run=True)
    outcomes = {(c.category, c.tables[0]): c for c in result.categories}
    assert outcomes[("email", "people")].exception == "running_contract"
    held = outcomes[("ip_address", "web_visits")]
    assert held.exception == "legal_hold" and held.until == date(2027, 6, 30)
    assert result.run_id is None  # a dry run changes nothing


def test_d4_a_crash_mid_erasure_leaves_the_person_untouched(
    container: Container, world: World
) -> None:
    """D4: one transaction; a failure after the first table rolls every table back."""
    before = find(container, key("person_id", str(world.anna_id)))

    def crash(table: str) -> None:
        raise RuntimeError(f"injected failure after {table}")

    with pytest.raises(RuntimeError, match="injected failure"):
        erase(container, key("email", "anna.berg@example.com"), on_step=crash)
    after = find(container, key("person_id", str(world.anna_id)))
    assert tables_of(after) == tables_of(before) and after.erasable == before.erasable
    with container.engine.connect() as conn:
        assert conn.execute(select(people.c.email).where(people.c.id == world.anna_id)).scalar()


def test_a3_the_controllers_instruction_erases_the_named_sims_usage(
    container: Container, world: World
) -> None:
    """A3: varna executes the controller's instruction for the SIMs it names, and only those."""
    iccid = world.anna_iccids[0]
    result = erase(container, key("iccid", iccid), controller_instruction="DPA-ORDER-7")
    assert result.changed["usage_records"] == world.usage_per_sim
    with container.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(usage_records)).scalar_one()
        assert left == 2 * world.usage_per_sim
        done = conn.execute(select(controller_requests)).one()
        assert done.status == "executed" and done.instruction_ref == "DPA-ORDER-7"
    assert find(container, key("iccid", iccid)).erasable == {}
