"""D4, R6: the holds an erasure obeys, read with the person's inventory: a hold on the
person, on an organisation they hold a current role at, on their sole-trader firm, on a
table; not a released hold, one past its review date, one on someone else, or on an
organisation whose role has ended."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, update

from tests.subject_factories import CECILIA_PNR, NOW, add_sole_trader, build_world
from varna.adapters.db.tables import legal_holds, organisations, person_roles
from varna.bootstrap import Container
from varna.domain.subjects.keys import SubjectKey, keyed_hash, normalise

SECRET = b"test-secret"
TODAY = NOW.date()
REVIEW = date(2027, 6, 30)


def _hold(container: Container, **values: object) -> int:
    row = {
        "kind": "legal_hold",
        "reason": "Tvist",
        "reference": "T 1-26",
        "owner": "dpo",
        "review_date": REVIEW,
        "scope": "table",
        "person_id": None,
        "organisation_id": None,
        "scope_table": None,
        "created_at": NOW,
        **values,
    }
    with container.engine.begin() as conn:
        return int(conn.execute(insert(legal_holds).values(row)).inserted_primary_key[0])


def _holds(container: Container, keys: tuple[SubjectKey, ...]) -> set[int]:
    with container.uow() as uow:
        scope = uow.subjects.resolve(keys, email_hash=lambda a: keyed_hash(a, SECRET))
        return {hold.id for hold in uow.subjects.inventory(scope, TODAY).facts.holds}


def test_d4_r6_the_holds_an_erasure_obeys(container: Container) -> None:
    world = build_world(container)
    firm = add_sole_trader(container)
    with container.engine.begin() as conn:
        other = conn.execute(
            insert(organisations).values(
                kind="customer", name="Annat AB", source="manual", created_at=NOW
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(person_roles).values(
                person_id=world.anna_id,
                organisation_id=other,
                role="customer_contact",
                started_on=date(2020, 1, 1),
                ended_on=TODAY - timedelta(days=1),
            )
        )
    on_anna = _hold(container, scope="person", person_id=world.anna_id, kind="evidence")
    on_company = _hold(container, scope="organisation", organisation_id=world.company_id)
    on_table = _hold(container, scope="table", scope_table="web_visits")
    _hold(container, scope="person", person_id=world.bo_id)
    _hold(container, scope="organisation", organisation_id=other)  # her role there ended
    _hold(container, scope="person", person_id=world.anna_id, review_date=TODAY - timedelta(1))
    released = _hold(container, scope="person", person_id=world.anna_id)
    with container.engine.begin() as conn:
        conn.execute(
            update(legal_holds).where(legal_holds.c.id == released).values(released_at=NOW)
        )
    on_firm = _hold(container, scope="organisation", organisation_id=firm.organisation_id)

    anna = (normalise("person_id", str(world.anna_id)),)
    assert _holds(container, anna) == {on_anna, on_company, on_table}
    cecilia = (normalise("personnummer", CECILIA_PNR, today=date(2026, 11, 1)),)
    assert _holds(container, cecilia) == {on_firm, on_table}
    sim = (normalise("iccid", world.anna_iccids[0]),)
    assert _holds(container, sim) == {on_table}
