"""Finding a person (D1), their register extract (D1, D7) and rectification (D3) as the
services decide them, over the fake subject engine (the rows a test declares)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.fakes.context import FakeContext
from tests.fakes.subjects import FakeSubjectStore
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.subjects.keys import SubjectKey
from varna.services.subjects.common import SubjectRefused
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.extract import build_extract
from varna.services.subjects.find import find_subject
from varna.services.subjects.rectify import RectifyCommand, rectify

EMAIL = "erik@example.com"
KEYS = (SubjectKey("email", EMAIL),)
ACTOR = "staff:1"


@pytest.fixture
def store(uow: FakeUnitOfWork) -> FakeSubjectStore:
    assert isinstance(uow.subjects, FakeSubjectStore)
    return uow.subjects


@pytest.fixture
def person(uow: FakeUnitOfWork, store: FakeSubjectStore) -> int:
    person_id = uow.directory.add_person(email=EMAIL)
    store.holds_record("people", person_id, full_name="Erik Ek", email=EMAIL)
    return person_id


def test_find_counts_rows_per_table_and_category_and_what_is_still_erasable_d1(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    store.holds_rows("invoices", 3)
    store.clocks["invoices"] = date(2025, 12, 31)  # kept for bookkeeping (R4)
    store.mentioned_in("ticket_messages", "body", 2)
    found = find_subject(ctx, KEYS, actor=ACTOR)
    assert found.found and found.scope.person_ids == (person,)
    answer = found.as_dict()
    assert {(t["table"], t["rows"], t["match"]) for t in answer["tables"]} == {
        ("people", 1, "linked"),
        ("invoices", 3, "linked"),
        ("ticket_messages", 2, "mention"),
    }
    assert found.categories["email"] == 1 and found.categories["payment_history"] == 3
    assert found.categories["free_text"] == 2  # the mentions, by their column's category
    assert found.erasable == {"people": 1, "ticket_messages": 2}  # not the kept invoices
    event = uow.audit.one("subject.find")
    assert event.target == f"person:{person}" and event.details["kinds"] == ["email"]
    assert EMAIL not in str(event)


def test_find_after_an_erasure_has_nothing_left_to_erase_d4(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    store.holds_rows("support_tickets", 2)
    erase_subject(ctx, EraseCommand(KEYS), actor=ACTOR)
    assert find_subject(ctx, KEYS, actor=ACTOR).erasable == {}


def test_find_of_nobody_finds_nothing_and_is_audited_without_the_identifier(
    ctx: FakeContext, uow: FakeUnitOfWork
) -> None:
    found = find_subject(ctx, KEYS, actor=ACTOR)
    assert not found.found and found.as_dict()["person_ids"] == []
    event = uow.audit.one("subject.find")
    assert event.target is None and EMAIL not in str(event)


def test_the_extract_groups_data_by_category_and_names_purposes_and_recipients_d1_d7(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    store.holds_record("invoices", 40, number="F-1", total_ore=12500)
    bundle = build_extract(ctx, KEYS, actor=ACTOR).bundle
    assert bundle["schema"] == "varna.extract/v1" and bundle["subject"]["found"]
    (email,) = bundle["data"]["email"]
    assert (email["table"], email["fields"]) == ("people", ["id", "email"])
    assert [list(row) for row in email["rows"]] == [[person, EMAIL]]
    (invoices,) = bundle["data"]["payment_history"]
    assert invoices["fields"][:2] == ["id", "number"] and list(invoices["rows"][0][:2]) == [
        40,
        "F-1",
    ]
    assert {"contract", "bookkeeping"} <= {p["id"] for p in bundle["purposes"]}
    assert {"email", "payment_history"} <= {c["id"] for c in bundle["categories"]}
    assert bundle["recipients"] and bundle["complaint"]["short_name"] == "IMY"
    event = uow.audit.one("subject.extract")
    assert event.target == f"person:{person}"
    assert event.details["categories"] == sorted(bundle["data"])
    assert EMAIL not in str(event)


def test_the_extract_redacts_other_people_in_free_text_d1(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    store.holds_record("support_tickets", 5, subject="Olle Svensson called about the SIM")
    store.others = {"Olle Svensson"}
    bundle = build_extract(ctx, KEYS, actor=ACTOR).bundle
    (ticket,) = bundle["data"]["free_text"]
    assert "Olle" not in str(ticket["rows"]) and bundle["redactions"] == 1
    assert uow.audit.one("subject.extract").details["redactions"] == 1


def test_the_extract_of_nobody_says_no_processing_d1(ctx: FakeContext, uow: FakeUnitOfWork) -> None:
    bundle = build_extract(ctx, KEYS, actor=ACTOR).bundle
    assert bundle["processing"] is False and bundle["data"] == {}
    assert uow.audit.one("subject.extract").target is None


def test_rectification_records_the_old_value_in_the_history_d3(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    uow.rights.record_disclosure("credit_bureau", person, ["name"], ctx.clock.now())
    result = rectify(ctx, RectifyCommand(KEYS, "full_name", "Erik Eklund"), actor=ACTOR)
    assert result.person_id == person and result.notices == 1
    assert store.records["people"][person]["full_name"] == "Erik Eklund"
    assert uow.rights.rectifications == [(person, "people", "full_name", person, "Erik Ek", None)]
    assert uow.notices.kinds() == ["art19_rectification"]
    event = uow.audit.one("subject.rectify")
    assert event.target == f"people:{person}" and "Erik" not in str(event)


def test_rectifying_a_record_not_the_persons_is_refused_and_changes_nothing_d3(
    ctx: FakeContext, uow: FakeUnitOfWork, store: FakeSubjectStore, person: int
) -> None:
    command = RectifyCommand(KEYS, "billing_address", "Storgatan 1", table="invoices", record_id=99)
    with pytest.raises(SubjectRefused, match=f"invoices:99 is not one of person {person}'s"):
        rectify(ctx, command, actor=ACTOR)
    assert "invoices" not in store.records and uow.rights.rectifications == []
    assert uow.audit.entries == []


def test_rectifying_a_column_the_catalogue_does_not_declare_is_refused(
    ctx: FakeContext, uow: FakeUnitOfWork, person: int
) -> None:
    with pytest.raises(SubjectRefused, match="people.nickname is not a personal column"):
        rectify(ctx, RectifyCommand(KEYS, "nickname", "E"), actor=ACTOR)
    assert uow.transactions == 0


def test_rectifying_an_identifier_normalises_the_new_value_d3(
    ctx: FakeContext, store: FakeSubjectStore, person: int
) -> None:
    rectify(ctx, RectifyCommand(KEYS, "email", " Erik.Ek@Example.COM "), actor=ACTOR)
    assert store.records["people"][person]["email"] == "erik.ek@example.com"
    with pytest.raises(SubjectRefused, match="the new value is refused"):
        rectify(ctx, RectifyCommand(KEYS, "email", "not an address"), actor=ACTOR)
