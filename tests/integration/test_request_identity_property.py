"""A property over many requests (D1, D4, G3, A3): whatever identifiers a request names (other
people's, its own, a SIM's, nobody's), it returns or changes the data of no person but the one
its confirmed e-mail address belongs to, and its answer never names a SIM's customer. One
database per test (SQLite and PostgreSQL), a fresh small world per example."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from tests import factories
from tests.integration.test_request_identity import (
    person_row,
    request_row,
    run_request,
    seen_by_requester,
)
from tests.subject_factories import personnummer
from varna.adapters.db.tables import organisations, people, sims, support_tickets
from varna.bootstrap import Container

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SERIAL = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    phone: str
    pnr: str


@dataclass(frozen=True)
class Town:
    people: tuple[Person, ...]
    company: str
    contact: str
    iccid: str
    nobody_pnr: str
    nobody_phone: str
    nobody_iccid: str


def build_town(container: Container) -> Town:
    """Three people, each with a support case about themselves only, and a customer with one
    SIM; every value is new, so earlier examples in the same database do not interfere."""
    n = next(SERIAL)
    born = date(1940, 1, 1) + timedelta(days=4 * n)

    def pnr(i: int) -> str:
        return personnummer((born + timedelta(days=i)).strftime("%Y%m%d"), "123")

    with container.engine.begin() as conn:
        found = []
        for i in range(3):
            name = f"Testperson{i} Efternamn{n:04d}"
            values = {
                "full_name": name,
                "email": f"p{i}.{n:04d}@example.com",
                "phone": f"+46702{n:04d}{i:02d}",
                "personnummer": pnr(i),
            }
            person_id = conn.execute(
                insert(people).values(**values, source="test", created_at=NOW)
            ).inserted_primary_key[0]
            conn.execute(
                insert(support_tickets).values(
                    person_id=person_id,
                    subject=f"Ärende för {name}",
                    status="open",
                    opened_at=NOW,
                )
            )
            found.append(Person(int(person_id), name, values["email"], values["phone"], pnr(i)))
        company, contact = f"Kundbolag{n:04d} AB", f"dataskydd{n:04d}@kund.example.com"
        customer = conn.execute(
            insert(organisations).values(
                kind="customer",
                name=company,
                privacy_contact_email=contact,
                source="test",
                created_at=NOW,
            )
        ).inserted_primary_key[0]
        iccid = factories.test_iccid(5000 + 2 * n)
        conn.execute(
            insert(sims).values(
                iccid=iccid,
                imsi=f"24099{5000 + n:010d}",
                msisdn=f"+4670175{n:04d}",
                status="activated",
                customer_id=customer,
                created_at=NOW,
            )
        )
    return Town(
        tuple(found),
        company,
        contact,
        iccid,
        pnr(3),
        f"+46702{n:04d}99",
        factories.test_iccid(5001 + 2 * n),
    )


WHO = st.sampled_from(["p0", "p1", "p2", "nobody", None])
REQUESTS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["access", "erasure", "portability"]),
        "requester": st.sampled_from(["p0", "p1", "nobody"]),
        "phone": WHO,
        "personnummer": WHO,
        "iccid": st.sampled_from(["sim", "nobody", None]),
    }
)


def _identifiers(town: Town, drawn: dict[str, str | None]) -> dict[str, str]:
    def person(who: str) -> Person:
        return town.people[int(who[1])]

    found: dict[str, str] = {}
    if drawn["phone"]:
        found["phone"] = (
            town.nobody_phone if drawn["phone"] == "nobody" else person(drawn["phone"]).phone
        )
    if drawn["personnummer"]:
        found["personnummer"] = (
            town.nobody_pnr
            if drawn["personnummer"] == "nobody"
            else (person(drawn["personnummer"]).pnr)
        )
    if drawn["iccid"]:
        found["iccid"] = town.iccid if drawn["iccid"] == "sim" else town.nobody_iccid
    return found


def test_d1_d4_a3_a_request_touches_no_one_but_its_confirmed_address(
    container: Container,
) -> None:
    """D1, D4, G3, A3: no request, whatever identifiers it names, returns or changes data of a
    person other than the one its confirmed e-mail address resolves to, and no answer names a
    SIM's customer or its privacy contact."""

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(drawn=REQUESTS)
    def check(drawn: dict[str, str | None]) -> None:
        check_request(container, drawn)

    check()


def check_request(container: Container, drawn: dict[str, str | None]) -> None:
    town = build_town(container)
    requester = drawn["requester"] or "nobody"
    own = None if requester == "nobody" else town.people[int(requester[1])]
    email = own.email if own else f"stranger{town.people[0].id}@example.com"
    before = {p.id: person_row(container, p.id) for p in town.people}
    request_id, mailer, _ = run_request(
        container, str(drawn["kind"]), email, _identifiers(town, drawn)
    )
    seen = seen_by_requester(container, request_id, mailer, email)
    for person in town.people:
        if person is own:
            continue
        assert person_row(container, person.id) == before[person.id]
        for value in (person.name, person.email, person.phone, person.pnr):
            assert value not in seen
    assert town.company not in seen and town.contact not in seen
    state = request_row(container, request_id)["state"]
    if drawn["iccid"]:
        assert state == "forwarded"
    else:
        assert state in ("completed", "in_progress")
    if own is not None and state == "completed" and drawn["kind"] == "access":
        assert own.name in json.dumps(
            request_row(container, request_id)["outcome"], ensure_ascii=False
        )
