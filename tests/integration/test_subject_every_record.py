"""Every kind of record the catalogue declares about a person is found, extracted (in every
format) and erased, on SQLite and PostgreSQL (D1, D4). The records come from
``tests/subject_records.py``, one factory per catalogued table with personal data: a table
added to the catalogue without one fails ``test_every_catalogued_table_has_a_record``."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from tests.subject_factories import NOW, subject_context
from tests.subject_records import (
    DANA_EMAIL,
    MARKUP,
    NOT_A_PERSONS,
    RECORDS,
    Made,
    add_every_record,
)
from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.tables import mail_outbox, metadata, people, subject_requests
from varna.adapters.extract import FORMATS, write_extract
from varna.bootstrap import Container
from varna.bootstrap.requests import make_worker
from varna.catalog.loader import load_catalog
from varna.domain.subjects.keys import SubjectKey, normalise
from varna.i18n.labels import table_label
from varna.services.requests.intake import IntakeCommand, submit_request, verify_request
from varna.services.subjects.erase import EraseCommand, erase_subject
from varna.services.subjects.extract import build_extract
from varna.services.subjects.find import FindResult, find_subject

SECRET = b"test-secret"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


class FixedClock:
    def now(self) -> Any:
        return NOW


def _key(kind: str, value: str) -> SubjectKey:
    return normalise(kind, value, today=date(2026, 11, 1))


def _find(container: Container, key: SubjectKey) -> FindResult:
    return find_subject(
        subject_context(container, clock=FixedClock(), secret=SECRET), (key,), actor="test"
    )


def test_every_catalogued_table_has_a_record() -> None:
    """D1, D4: each table the catalogue declares with personal data has a factory here (or a
    stated reason why no person's request reaches it), so the test below covers it."""
    catalog = load_catalog()
    personal = {name for name, entry in catalog.tables.items() if entry.personal}
    missing = personal - set(RECORDS) - set(NOT_A_PERSONS)
    assert not missing, f"add a factory to tests/subject_records.py for: {sorted(missing)}"
    assert not (set(RECORDS) - personal), "a factory for a table the catalogue does not declare"
    for name in personal:  # the engine names a record by its table's one-column primary key
        key_of(metadata.tables[name])


def test_d1_d4_every_kind_of_record_is_extracted_and_erased(
    container: Container, tmp_path: Path
) -> None:
    """D1, D4: a person with a record in every catalogued table (a privacy-center link and an
    unsubscribe token keyed by a token's hash, JSON columns, a sole-trader firm, a SIM naming
    her as end user): found in every table, extracted into JSON, CSV, HTML and PDF files
    that open, then erased until nothing erasable is left."""
    with container.engine.begin() as conn:
        made = add_every_record(conn, SECRET)
    person = made.ids["person"]
    found = _find(container, _key("email", DANA_EMAIL))
    linked = {c.table for c in found.tables if c.mention_column is None}
    assert set(RECORDS) <= linked, sorted(set(RECORDS) - linked)

    written = build_extract(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (_key("email", DANA_EMAIL),),
        actor="test",
        write=lambda bundle: write_extract(bundle, tmp_path, FORMATS),
    )
    extracted = {b["table"] for blocks in written.data.values() for b in blocks}
    assert set(RECORDS) <= extracted, sorted(set(RECORDS) - extracted)
    document = json.loads((tmp_path / "extract.json").read_text(encoding="utf-8"))
    tables = {b["table"] for blocks in document["data"].values() for b in blocks}
    assert set(RECORDS) <= tables
    with zipfile.ZipFile(tmp_path / "extract-csv.zip") as archive:
        csv_tables = {
            row["table"]
            for name in archive.namelist()
            if name != "about.csv"
            for row in csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8"))
        }
    assert set(RECORDS) <= csv_tables
    for lang in ("sv", "en"):
        assert (tmp_path / f"extract.{lang}.pdf").read_bytes().startswith(b"%PDF")
        page = (tmp_path / f"extract.{lang}.html").read_text("utf-8")
        assert table_label("privacy_center_links", lang) in page
        assert "privacy_center_links" not in page
        assert MARKUP not in page and "&lt;script&gt;" in page  # her text stays text

    result = erase_subject(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        EraseCommand((_key("person_id", str(person)),)),
        actor="test",
    )
    decided = {table for category in result.categories for table in category.tables}
    assert set(RECORDS) <= decided, sorted(set(RECORDS) - decided)
    after = _find(container, _key("person_id", str(person)))
    assert after.erasable == {}
    with container.engine.connect() as conn:
        row = conn.execute(select(people).where(people.c.id == person)).one()
        assert row.email is None and row.full_name == "[erased]"
        for name in ("privacy_center_links", "unsubscribe_tokens", "web_visits"):
            left = conn.execute(select(func.count()).select_from(metadata.tables[name]))
            assert left.scalar_one() == 0, name


def test_d1_a_time_after_many_empty_ones_is_written_in_iso_8601(container: Container) -> None:
    """D1: the extract writes every date and time in ISO 8601, also in a column that is empty
    in the first rows (60 messages, the last ones sent): which columns hold times is known
    from their type, not guessed from the first rows."""
    made = Made(SECRET)
    with container.engine.begin() as conn:
        for table in ("organisations", "people"):
            RECORDS[table](conn, made)
        conn.execute(
            insert(mail_outbox),
            [
                {
                    "person_id": made.ids["person"],
                    "recipient": DANA_EMAIL,
                    "purpose": "newsletter",
                    "mail_subject": "Nyheter",
                    "message_body": "Hej!",
                    "created_at": NOW,
                    "sent_at": NOW if n >= 55 else None,
                }
                for n in range(60)
            ],
        )
    bundle = build_extract(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (_key("email", DANA_EMAIL),),
        actor="test",
    ).bundle
    (block,) = [b for b in bundle["data"]["consent_record"] if b["table"] == "mail_outbox"]
    sent = [row[block["fields"].index("sent_at")] for row in block["rows"]]
    assert len(sent) == 60 and sent.count(None) == 55
    assert all(ISO.fullmatch(value) for value in sent if value), sent[-6:]


def test_d1_an_access_request_is_answered_for_a_person_with_every_record(
    container: Container,
) -> None:
    """D1: an access request by e-mail for a person who once asked for a consent link (and
    has every other kind of record) is carried out by the worker's job, and the answer waits
    in the mail outbox (the job used to fail five times and the request stayed in progress)."""
    secret = container.secret
    with container.engine.begin() as conn:
        add_every_record(conn, secret)
    mailer = container.mailer()  # no SMTP: the mail outbox
    receipt = submit_request(
        container,
        IntakeCommand("access", DANA_EMAIL),
        actor="test",
        client="192.0.2.1",
        mailer=mailer,
        special_policy="redact",
        verify_url="http://127.0.0.1/privacy/requests/verify",
    )
    with container.engine.connect() as conn:
        body = conn.execute(select(mail_outbox.c.message_body).order_by(mail_outbox.c.id.desc()))
        code = re.search(r"^\s+(\d{6})\s*$", body.scalars().first() or "", re.MULTILINE)
    assert code is not None
    verify_request(container, receipt.reference, code.group(1), client="192.0.2.1")
    worker = make_worker(container, name="test-worker")
    while worker.run_once():
        pass
    with container.engine.connect() as conn:
        request = conn.execute(
            select(subject_requests.c.state).where(subject_requests.c.id == receipt.request_id)
        ).scalar_one()
        answers = conn.execute(
            select(func.count()).where(
                mail_outbox.c.recipient == DANA_EMAIL,
                mail_outbox.c.message_body.contains("/download/"),
            )
        ).scalar_one()
    assert request == "completed" and answers == 1
