"""Every table and column the catalogue declares has a label for people, in English and
Swedish (D1, D3: a register extract names a person's records and details in words, never by
their database names)."""

from __future__ import annotations

from varna.catalog import load_catalog
from varna.i18n import merged_catalogue
from varna.i18n.labels import FIELDS, TABLES, field_label, table_label


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
