"""D4, R6: the holds an erasure obeys are the same whether read with the counts (one
statement on PostgreSQL) or on their own: a hold on the person, on an organisation they hold
a current role at, on their sole-trader firm, on a table; not a released hold, one past its
review date, one on someone else, or on an organisation whose role has ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert, update

from tests.subject_factories import CECILIA_PNR, NOW, add_sole_trader, build_world
from varna.adapters.db.tables import legal_holds, organisations, person_roles
from varna.bootstrap import Container
from varna.domain.subjects.keys import SubjectKey, keyed_hash, normalise

SECRET = b"test-secret"
TODAY = NOW.date()
REVIEW = date(2027, 6, 30)


def _hold(container: Container, **values: object) -> int:
    row = {"kind": "legal_hold", "reason": "Tvist", "reference": "T 1-26", "owner": "dpo",
           "review_date": REVIEW, "scope": "table", "person_id": None,
           "organisation_id": None, "scope_table": None, "created_at": NOW, **values}  # fmt: skip
    with container.engine.begin() as conn:
        return int(conn.execute(insert(legal_holds).values(row)).inserted_primary_key[0])


def _holds(container: Container, keys: tuple[SubjectKey, ...], *, with_counts: bool) -> set[int]:
    statements: list[str] = []
    with container.uow() as uow:
        scope = uow.subjects.resolve(keys, email_hash=lambda a: keyed_hash(a, SECRET))
        uow.subjects.counts(scope, mentions=False, holds_on=TODAY if with_counts else None)
        event.listen(uow.connection, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))  # fmt: skip
        found = {hold.id for hold in uow.subjects.erasure_facts(scope, TODAY).holds}
    # the holds' own statement (the person's hold records are also counted by their clock)
    asked_again = any("legal_holds.review_date" in statement for statement in statements)
    assert asked_again is not (with_counts and container.settings.is_postgres)
    return found


@pytest.mark.parametrize("with_counts", [True, False])
def test_d4_r6_the_holds_read_with_the_counts_are_the_holds(
    container: Container, with_counts: bool
) -> None:
    world = build_world(container)
    firm = add_sole_trader(container)
    with container.engine.begin() as conn:
        other = conn.execute(insert(organisations).values(
            kind="customer", name="Annat AB", source="manual", created_at=NOW)
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(insert(person_roles).values(
            person_id=world.anna_id, organisation_id=other, role="customer_contact",
            started_on=date(2020, 1, 1), ended_on=TODAY - timedelta(days=1)))  # fmt: skip
    on_anna = _hold(container, scope="person", person_id=world.anna_id, kind="evidence")
    on_company = _hold(container, scope="organisation", organisation_id=world.company_id)
    on_table = _hold(container, scope="table", scope_table="web_visits")
    _hold(container, scope="person", person_id=world.bo_id)
    _hold(container, scope="organisation", organisation_id=other)  # her role there ended
    _hold(container, scope="person", person_id=world.anna_id, review_date=TODAY - timedelta(1))
    released = _hold(container, scope="person", person_id=world.anna_id)
    with container.engine.begin() as conn:
        conn.execute(update(legal_holds).where(legal_holds.c.id == released)
                     .values(released_at=NOW))  # fmt: skip
    on_firm = _hold(container, scope="organisation", organisation_id=firm.organisation_id)

    anna = (normalise("person_id", str(world.anna_id)),)
    assert _holds(container, anna, with_counts=with_counts) == {on_anna, on_company, on_table}
    cecilia = (normalise("personnummer", CECILIA_PNR, today=date(2026, 11, 1)),)
    assert _holds(container, cecilia, with_counts=with_counts) == {on_firm, on_table}
    sim = (normalise("iccid", world.anna_iccids[0]),)
    assert _holds(container, sim, with_counts=with_counts) == {on_table}
