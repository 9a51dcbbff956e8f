"""D1: the counts that come with the resolution (one round trip on PostgreSQL, where the
counts name the SIMs, invoices and cases by their condition instead of their ids) are the
counts asked on their own, for every kind of identifier and with or without mentions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from tests.subject_factories import ANNA_PNR, CECILIA_PNR, World, add_sole_trader, build_world
from varna.bootstrap import Container
from varna.domain.subjects.keys import SubjectKey, keyed_hash, normalise

SECRET = b"test-secret"


@pytest.fixture
def world(container: Container) -> World:
    built = build_world(container)
    add_sole_trader(container)
    return built


def _keys(world: World) -> dict[str, tuple[SubjectKey, ...]]:
    def key(kind: str, value: str) -> SubjectKey:
        return normalise(kind, value, today=date(2026, 11, 1))

    return {
        "e-mail (her SIMs by end-user reference)": (key("email", "anna.berg@example.com"),),
        "personnummer": (key("personnummer", ANNA_PNR),),
        "ICCID": (key("iccid", world.anna_iccids[0]),),
        "end-user reference only": (key("end_user_ref", "fleet-3"),),
        "person id and ICCID": (
            key("person_id", str(world.anna_id)),
            key("iccid", world.anna_iccids[1]),
        ),
        "a sole trader's personnummer (the firm's records)": (key("personnummer", CECILIA_PNR),),
        "nobody": (key("email", "ingen@example.com"),),
    }


@pytest.mark.parametrize("mentions", [True, False])
def test_d1_counts_read_with_the_resolution_are_the_counts(
    container: Container, world: World, mentions: bool
) -> None:
    statements: list[str] = []
    event.listen(container.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))  # fmt: skip
    for label, keys in _keys(world).items():
        with container.uow() as uow:
            hashed = {"email_hash": lambda address: keyed_hash(address, SECRET)}
            scope = uow.subjects.resolve(keys, **hashed)
            del statements[:]
            alone = uow.subjects.counts(scope, mentions=mentions)
            asked_alone = len(statements)
        with container.uow() as uow:
            del statements[:]
            resolved, counted = uow.subjects.resolve_counted(keys, **hashed, mentions=mentions)
            together = len(statements)
        assert resolved.person_ids == scope.person_ids, label
        assert resolved.anchors == scope.anchors, label
        assert counted == alone, label
        if container.settings.is_postgres and alone:
            # the counts cost no round trip of their own
            assert asked_alone == 1
            with container.uow() as uow:
                del statements[:]
                uow.subjects.resolve(keys, **hashed)
                assert together == len(statements), label
