"""The demo generators, through fakes at the ports: deterministic, fictional, valid."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest
from stdnum import luhn

from varna.domain import identifiers
from varna.services.demo import identifiers as demo_ids
from varna.services.demo.build import DemoCommand, DemoRefused, build_demo
from varna.services.demo.usage import PROFILES
from varna.services.ports import AuditEvent, UsageRow

AS_OF = date(2026, 3, 1)
EMAIL_DOMAIN = re.compile(r"@(example\.com|example\.net|[a-z0-9-]+\.test)$")


class FakeDemoStore:
    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.usage: list[UsageRow] = []
        self.marked: tuple[str, int] | None = None

    def holds_business_data(self) -> bool:
        return any(self.tables.values()) or bool(self.usage)

    def empty_business_tables(self) -> None:
        self.tables.clear()
        self.usage.clear()

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        before = len(self.tables[table])
        self.tables[table].extend(dict(row) for row in rows)
        return len(self.tables[table]) - before

    def load_usage(self, rows: Iterable[UsageRow], *, first_day: date, last_day: date) -> int:
        before = len(self.usage)
        self.usage.extend(rows)
        return len(self.usage) - before

    def finish(self) -> None:
        pass

    def mark_demo(self, *, at: object, size: str, seed: int) -> None:
        self.marked = (size, seed)

    def row_counts(self) -> dict[str, int]:
        counts = {table: len(rows) for table, rows in self.tables.items()}
        counts["usage_records"] = len(self.usage)
        return counts


class FakeAudit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def record(self, event: AuditEvent, *, at: datetime) -> None:
        self.events.append(event)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.demo = FakeDemoStore()
        self.audit = FakeAudit()
        self.usage: Any = None
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 1, 12, tzinfo=UTC)


def _build(seed: int = 11) -> tuple[FakeUnitOfWork, Any]:
    uow = FakeUnitOfWork()
    result = build_demo(uow, DemoCommand("small", seed, AS_OF), actor="test", clock=FixedClock())
    return uow, result


@pytest.fixture(scope="module")
def built() -> tuple[FakeUnitOfWork, Any]:
    return _build()


def test_same_seed_gives_the_same_data(built: tuple[FakeUnitOfWork, Any]) -> None:
    uow, result = built
    again, result_again = _build()
    assert again.demo.tables == uow.demo.tables
    assert again.demo.usage == uow.demo.usage
    assert result_again == result
    assert uow.committed
    assert [event.action for event in uow.audit.events] == ["demo.built"]


def test_another_seed_gives_other_data(built: tuple[FakeUnitOfWork, Any]) -> None:
    uow, _ = built
    other, _ = _build(seed=12)
    assert other.demo.tables["people"] != uow.demo.tables["people"]


def test_every_table_gets_rows(built: tuple[FakeUnitOfWork, Any]) -> None:
    _, result = built
    assert all(rows > 0 for rows in result.tables.values()), result.tables


def test_identifiers_validate(built: tuple[FakeUnitOfWork, Any]) -> None:
    tables = built[0].demo.tables
    for sim in tables["sims"]:
        assert identifiers.iccid(sim["iccid"]) == sim["iccid"]
        assert sim["iccid"].startswith(demo_ids.ICCID_PREFIX)
        assert identifiers.imsi(sim["imsi"]).startswith("24099")
        assert identifiers.msisdn(sim["msisdn"]) == sim["msisdn"]
    for device in tables["devices"]:
        assert identifiers.imei(device["imei"]).startswith(demo_ids.TEST_TAC_PREFIX)
    for org in tables["organisations"]:
        assert identifiers.orgnr(org["orgnr"]) == org["orgnr"]
    for person in tables["people"]:
        if person["phone"]:
            assert identifiers.phone(person["phone"]) in demo_ids.FICTION_PHONES
        if person["personnummer"]:
            number = identifiers.personnummer(person["personnummer"], today=AS_OF)
            assert (AS_OF - identifiers.birth_date(number)).days >= 18 * 365


def test_many_people_have_every_kind_of_identifier() -> None:
    import random

    rng, taken = random.Random(5), set[str]()
    numbers = [
        demo_ids.personnummer(rng, AS_OF, taken, coordination=i % 3 == 0) for i in range(300)
    ]
    assert len(set(numbers)) == 300
    for number in numbers:
        assert identifiers.personnummer(number, today=AS_OF) == number
    assert sum(identifiers.is_samordningsnummer(n) for n in numbers) == 100
    orgnrs = {demo_ids.orgnr(rng, set()) for _ in range(100)}
    assert all(identifiers.orgnr(n) == n for n in orgnrs)
    for serial in (0, 1, 99_999_999_999):
        assert identifiers.iccid(demo_ids.iccid(serial))
        assert identifiers.imei(demo_ids.imei(101, serial % 1_000_000))
    assert all(identifiers.phone(n) == n for n in demo_ids.FICTION_PHONES)
    assert len(demo_ids.FICTION_PHONES) == 95


def test_luhn_digit_matches_stdnum() -> None:
    for body in ("7992739871", "89469900000000001", "3599910100004"):
        assert luhn.is_valid(body + demo_ids.luhn_digit(body))


def test_e_mail_addresses_are_on_reserved_domains(built: tuple[FakeUnitOfWork, Any]) -> None:
    tables = built[0].demo.tables
    emails = [p["email"] for p in tables["people"] if p["email"]]
    emails += [
        o["privacy_contact_email"] for o in tables["organisations"] if o["privacy_contact_email"]
    ]
    emails += [s["end_user_ref"] for s in tables["sim_end_users"] if "@" in s["end_user_ref"]]
    assert emails
    assert all(EMAIL_DOMAIN.search(email) for email in emails), emails
    assert len({p["email"] for p in tables["people"] if p["email"]}) == len(
        [p for p in tables["people"] if p["email"]]
    )


def test_payments_keep_no_card_number(built: tuple[FakeUnitOfWork, Any]) -> None:
    payments = built[0].demo.tables["payments"]
    cards = [p for p in payments if p["method"] == "card"]
    assert cards
    for payment in payments:
        if payment["method"] == "card":
            assert re.fullmatch(r"\d{4}", payment["card_last4"])
            assert re.fullmatch(r"tok_[0-9a-f]{24}", payment["card_token"])
        else:
            assert payment["card_last4"] is None and payment["card_token"] is None


def test_web_visits_come_from_documentation_ranges(built: tuple[FakeUnitOfWork, Any]) -> None:
    for visit in built[0].demo.tables["web_visits"]:
        ip = visit["ip_address"]
        assert ip.startswith(("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:")), ip


def test_usage_follows_the_device_mix_and_the_window(built: tuple[FakeUnitOfWork, Any]) -> None:
    uow, _ = built
    start = int(datetime(2026, 2, 26, tzinfo=UTC).timestamp())
    end = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    active = {s["id"] for s in uow.demo.tables["sims"] if s["status"] == "activated"}
    networks = set()
    for sim_id, started, ended, up, down, mcc, mnc, _cell, _tac, _rat, kind in uow.demo.usage:
        assert sim_id in active
        assert start <= started < end and ended >= started
        assert up >= 0 and down >= 0 and kind in ("data", "sms")
        networks.add((mcc, mnc))
    assert ("240", "01") in networks or ("240", "07") in networks or ("240", "08") in networks
    assert set(PROFILES) == {"meter", "tracker", "terminal", "router"}


def test_some_contracts_ended_long_ago(built: tuple[FakeUnitOfWork, Any]) -> None:
    contracts = built[0].demo.tables["contracts"]
    assert any(c["terminated_on"] is None for c in contracts)
    assert any(c["terminated_on"] is not None for c in contracts)


def test_a_second_build_is_refused_without_reset() -> None:
    uow, _ = _build()
    with pytest.raises(DemoRefused, match="--reset"):
        build_demo(uow, DemoCommand("small", 1, AS_OF), actor="test", clock=FixedClock())
    result = build_demo(
        uow, DemoCommand("small", 11, AS_OF, reset=True), actor="test", clock=FixedClock()
    )
    assert result == _build()[1]
