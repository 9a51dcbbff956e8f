"""The Swedish catalogue covers every text a person reads, and says the same thing.

Every text marked in the code or a template must have a Swedish translation (English is the
source); a translation must keep the placeholders of its text; and no two catalogue files
may translate one text differently."""

from __future__ import annotations

import re

import pytest

from varna.i18n import CatalogueConflict, merged_catalogue, translate, translations
from varna.i18n.messages import source_messages

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_text_in_the_code_and_templates_has_swedish() -> None:
    swedish = merged_catalogue("sv")
    missing = sorted({f"{m.where}: {m.key!r}" for m in source_messages() if not swedish.get(m.id)})
    assert not missing, "texts without Swedish:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders_of_their_text() -> None:
    broken = [
        message.id
        for message in merged_catalogue("sv")
        if message.id
        and isinstance(message.id, str)
        and _placeholders(message.id) != _placeholders(str(message.string))
    ]
    assert not broken, broken


def test_english_is_the_source_and_swedish_comes_from_the_catalogue() -> None:
    assert translate("en", "Make a request") == "Make a request"
    assert translate("sv", "Make a request") == "Gör en begäran"
    assert translations("xx") is translations("sv")  # an unknown language is Swedish


def test_two_files_that_disagree_stop_the_load(tmp_path, monkeypatch) -> None:
    import varna.i18n as i18n

    folder = tmp_path / "sv"
    folder.mkdir()
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "a.po").write_text(header + 'msgid "Send"\nmsgstr "Skicka"\n', encoding="utf-8")
    (folder / "b.po").write_text(header + 'msgid "Send"\nmsgstr "Sänd"\n', encoding="utf-8")

    class Root:
        def __truediv__(self, name: str):
            return tmp_path / name

    monkeypatch.setattr(i18n, "files", lambda package: Root())
    with pytest.raises(CatalogueConflict, match="a.po and b.po"):
        i18n.merged_catalogue("sv")


def test_the_catalogue_files_agree_with_each_other() -> None:
    """The shipped files load (a text two page groups translate differently stops it)."""
    assert merged_catalogue("sv").get("Make a request") is not None
