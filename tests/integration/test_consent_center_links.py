"""Privacy-center links asked for by e-mail, on SQLite and PostgreSQL (promises C7, D6): the
same outcome for a known and an unknown address, rate-limited, a single-purpose link that
expires and is stored only as a hash; the mail goes through ``Container.mailer``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests.consent_data import NOW, add_people
from tests.contexts import at as at_time
from varna.adapters.db.tables import mail_outbox, privacy_center_link_asks, privacy_center_links
from varna.bootstrap import Container
from varna.domain.errors import InputRefused
from varna.services.consent.center_links import (
    AskForLink,
    TooManyAsks,
    ask_for_link,
    person_of_link,
    send_link,
)
from varna.services.consent.decisions import InvalidLink, token_hash

CLIENT = "192.0.2.10"


def ask(container: Container, email: str, language: str = "sv", at: object = NOW) -> None:
    """An ask as the privacy center makes it: checked before the answer, sent after it."""
    at_that_time = at_time(container, at)  # type: ignore[arg-type]
    asked = ask_for_link(at_that_time, AskForLink(email, language), client=CLIENT)
    send_link(
        at_that_time,
        asked,
        base_url="http://varna.test",
        mailer=container.mailer(),
        actor="test",
    )


def outbox(container: Container) -> list[tuple[str, str, str]]:
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(mail_outbox.c.recipient, mail_outbox.c.mail_subject, mail_outbox.c.message_body)
        ).all()
    return [(r.recipient, r.mail_subject, r.message_body) for r in rows]


def count(container: Container, table: object) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_C7_D6_a_link_by_email_for_a_known_address_only_and_the_same_answer_for_any(
    container: Container,
) -> None:
    (person,) = add_people(container.engine, 1)
    assert ask(container, f"Testperson-{person}@Example.com ", "en") is None
    assert ask(container, "nobody@example.com") is None  # the same outcome: no error
    mails = outbox(container)
    assert len(mails) == 1
    to, subject, body = mails[0]
    assert to == f"testperson-{person}@example.com" and subject == "Your link to your consents"
    token = re.search(r"/privacy/consents/([A-Za-z0-9_-]+)\?lang=en", body).group(1)  # type: ignore[union-attr]
    with container.engine.connect() as conn:
        stored = conn.execute(select(privacy_center_links)).one()
    assert stored.token_hash == token_hash(token) and token not in stored  # only the hash
    links = container.access_links
    assert person_of_link(at_time(container, NOW), token, links=links) == person
    later = NOW + timedelta(hours=24, seconds=1)
    with pytest.raises(InvalidLink):
        person_of_link(at_time(container, later), token, links=links)  # it expires
    with pytest.raises(InvalidLink):
        person_of_link(at_time(container, NOW), token[:-1] + "x", links=links)
    signed = links.issue(person, at=NOW)  # links in messages still open the page
    assert person_of_link(at_time(container, NOW), signed, links=links) == person


def test_C7_asks_are_rate_limited_per_address_known_or_not_and_bad_input_stores_nothing(
    container: Container,
) -> None:
    (person,) = add_people(container.engine, 1)
    for email in (f"testperson-{person}@example.com", "nobody@example.com"):
        for _ in range(3):
            ask(container, email)
        with pytest.raises(TooManyAsks) as refused:
            ask(container, email)
        assert "example.com" not in str(refused.value)
        ask(container, email, at=NOW + timedelta(hours=1, seconds=1))  # the window passed
    assert len(outbox(container)) == 4
    before = count(container, privacy_center_link_asks)
    with pytest.raises(InputRefused, match="field 'email'"):
        ask(container, "not an address")
    assert count(container, privacy_center_link_asks) == before


def test_C7_D6_the_work_before_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    container: Container,
) -> None:
    """What a stranger can time, the part of an ask done before its answer, runs the same
    statements for an address varna knows and for one it does not (no enumeration by time);
    the lookup and the link come after the answer."""
    (person,) = add_people(container.engine, 1)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    def before_the_answer(email: str) -> list[str]:
        statements.clear()
        event.listen(container.engine, "before_cursor_execute", seen)
        try:
            ask_for_link(at_time(container, NOW), AskForLink(email), client=CLIENT)
        finally:
            event.remove(container.engine, "before_cursor_execute", seen)
        return list(statements)

    known = before_the_answer(f"testperson-{person}@example.com")
    unknown = before_the_answer("nobody-at-all@example.com")
    assert known == unknown and known
    assert count(container, privacy_center_links) == 0 and outbox(container) == []
