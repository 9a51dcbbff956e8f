"""Every table and column the catalogue declares has a label for people, in English and
Swedish (D1, D3: a register extract names a person's records and details in words, never by
their database names), and every stored code in words (D1, G3: a kind, a state, a channel
is never shown as the code the database stores)."""

from __future__ import annotations

import re

import pytest

from varna.catalog import load_catalog
from varna.i18n import merged_catalogue
from varna.i18n.labels import FIELDS, TABLES, VALUES, field_label, table_label, value_label


def test_d1_d3_every_catalogued_table_and_column_has_a_label() -> None:
    catalog = load_catalog()
    tables = sorted(set(catalog.tables) - set(TABLES))
    columns = sorted(
        {
            f"{name}.{column}"
            for name, entry in catalog.tables.items()
            for column in (*entry.personal, *entry.other)
            if column not in FIELDS
        }
    )
    assert not tables, f"tables without a label: {tables}"
    assert not columns, f"columns without a label: {columns}"


def test_d1_d3_every_label_has_swedish() -> None:
    swedish = merged_catalogue("sv")
    missing = sorted(
        label for label in {*TABLES.values(), *FIELDS.values()} if not swedish.get(label)
    )
    assert not missing, f"labels without Swedish: {missing}"


def test_d1_d3_a_label_is_words_not_the_database_name() -> None:
    assert field_label("card_token", "en") == "Card reference"
    assert field_label("card_token", "sv") == "Kortreferens"
    assert table_label("payments", "sv") == "Betalningar"
    assert field_label("no_such_column", "en") == "Other detail"
    assert all("_" not in label for label in (*TABLES.values(), *FIELDS.values()))


def _checked_codes() -> dict[str, set[str]]:
    """The codes the tables allow (their CHECK constraints ``column IN ('a', 'b')``)."""
    from sqlalchemy import CheckConstraint

    from varna.adapters.db.tables import metadata

    found: dict[str, set[str]] = {}
    pattern = re.compile(r"^(\w+) IN \((.*)\)$")
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = pattern.match(str(constraint.sqltext))
            if match:
                codes = set(re.findall(r"'([^']*)'", match.group(2)))
                found.setdefault(match.group(1), set()).update(codes)
    return found


def _written_codes() -> dict[str, set[str]]:
    """The codes the stores write to coded columns without a CHECK: the domain's enums and
    the constants of the code that writes them."""
    from varna.domain import notices
    from varna.domain.audit import AuditAction, SystemActor
    from varna.domain.consent.events import Channel, EventKind
    from varna.domain.requests.kinds import RefusalGround, RequestKind, RequestState
    from varna.domain.retention.targets import Action
    from varna.domain.scan import guard
    from varna.domain.scan.findings import ALL_TYPES
    from varna.domain.usage import RATS, STREAMER_TRAFFIC_TYPES, TRAFFIC_TYPES
    from varna.services.notices.deliver import DAILY_TASK, NOTIFY_TASK
    from varna.services.requests.execute import IDENTITY_TASK, RESULT_TASK
    from varna.services.requests.intake import EXECUTE_TASK

    return {
        "kind": {
            *RequestKind,
            *notices.RECIPIENT_KINDS,
            *notices.PERSON_KINDS,
            *notices.CONTROLLER_KINDS,
            "erasure",  # controller_requests (services/subjects/erase.py)
            guard.EVENT_CARD_MASKED,
            guard.EVENT_SPECIAL_REDACTED,
            guard.EVENT_DETECTED,
        },
        "state": {*RequestState},
        "status": {"open", "closed"},  # support tickets (services/tickets.py, the demo)
        "event": {*EventKind},
        "channel": {*Channel},
        "method": {"card", "bank_transfer"},  # payments (the demo's billing)
        "source": {"crm", "web_form", "newsletter_form"},  # people, organisations, quotes
        "traffic_type": {*TRAFFIC_TYPES, *STREAMER_TRAFFIC_TYPES.values()},
        "rat": {*RATS},
        "refusal_ground": {*RefusalGround},
        "language": {"sv", "en"},
        "last_error": {notices.NO_ADDRESS, notices.SEND_FAILED, notices.UNKNOWN_KIND},
        "task": {EXECUTE_TASK, RESULT_TASK, IDENTITY_TASK, NOTIFY_TASK, DAILY_TASK},
        "finding_type": {*ALL_TYPES},
        "action": {*Action, *AuditAction},
        "actor": {*SystemActor},
    }


def test_d1_g3_every_stored_code_has_words() -> None:
    """D1, G3: every code a coded column may hold (its CHECK constraint, the enums and
    constants the stores write) has words for a person, in English and Swedish."""
    swedish = merged_catalogue("sv")
    missing: list[str] = []
    for source in (_checked_codes(), _written_codes()):
        for column, codes in source.items():
            missing += [f"{column}={c}" for c in sorted(codes) if c not in VALUES.get(column, {})]
    assert not missing, f"codes without words: {missing}"
    untranslated = sorted(
        words for codes in VALUES.values() for words in codes.values() if not swedish.get(words)
    )
    assert not untranslated, f"words without Swedish: {untranslated}"


def test_d1_g3_a_catalogued_coded_column_has_its_words() -> None:
    """D1, G3: the coded columns of the catalogue's tables are all in ``VALUES``."""
    catalog = load_catalog()
    coded = set(_checked_codes()) | set(_written_codes())
    declared = {
        column
        for entry in catalog.tables.values()
        for column in (*entry.personal, *entry.other)
        if column in coded
    }
    assert declared <= set(VALUES), sorted(declared - set(VALUES))
    assert {"kind", "state", "status", "event", "channel", "method", "role", "source"} <= declared


@pytest.mark.parametrize(
    ("column", "value", "en", "sv"),
    [
        ("kind", "legal_hold", "Legal hold", "Bevarandebeslut"),
        ("state", "in_progress", "In progress", "Pågår"),
        ("channel", "privacy_center", "Privacy center", "Integritetscenter"),
        ("method", "bank_transfer", "Bank transfer", "Banköverföring"),
        ("action", "anonymise", "Anonymise", "Anonymisera"),
        ("source_table", "payments", "Payments", "Betalningar"),
        ("actor", "staff:3", "A member of staff", "En medarbetare"),
    ],
)
def test_d1_g3_a_code_is_shown_in_words(column: str, value: str, en: str, sv: str) -> None:
    assert value_label(column, value, "en") == en
    assert value_label(column, value, "sv") == sv


def test_d1_g3_free_data_is_shown_as_it_is() -> None:
    """A name, an amount, a reference: not a code, so shown as stored."""
    assert value_label("full_name", "Åsa Öberg", "sv") == "Åsa Öberg"
    assert value_label("kind", "no_such_code", "en") == "no_such_code"
    assert value_label("reference", "DPA-2021-007", "sv") == "DPA-2021-007"
    assert value_label("amount_ore", 12345, "en") == "12345"
    assert value_label("state", None, "en") == ""
