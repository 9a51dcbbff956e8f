"""Notice versions (C7): what a person was shown, provable by hashes; the version follows the
text, and each item's hash says whether that purpose changed."""

from __future__ import annotations

import pytest

from varna.domain.consent import Notice, NoticeItem


def notice(
    preamble_sv: str = "Samtycke per ändamål.", newsletter_sv: str = "Nyhetsbrev."
) -> Notice:
    return Notice(
        items=(
            NoticeItem("newsletter", {"sv": newsletter_sv, "en": "Newsletter."}),
            NoticeItem("cookies.statistics", {"sv": "Statistik.", "en": "Statistics."}),
        ),
        preamble={"sv": preamble_sv, "en": "Consent per purpose."},
    )


def test_c7_a_changed_preamble_is_a_new_version_that_still_covers_every_item() -> None:
    """C7: consent to a purpose survives a change of the words around it."""
    first, second = notice(), notice(preamble_sv="Samtycke för varje ändamål.")
    assert first.version != second.version
    for key in first.keys:
        assert second.still_covers(first.published(), key)


def test_c7_the_published_version_holds_the_hash_of_the_text_shown_in_each_language() -> None:
    published = notice().published()
    assert published.version == notice().version
    assert set(published.text_hashes) == {"sv", "en"}
    assert published.text_hashes["sv"] == notice().text_hash("sv")
    assert published.text_hashes["sv"] != published.text_hashes["en"]


def test_c7_the_text_shown_names_each_item_after_the_preamble() -> None:
    assert notice().text("en") == (
        "Consent per purpose.\n[newsletter] Newsletter.\n[cookies.statistics] Statistics."
    )


def test_c7_a_change_in_one_language_changes_that_item_only() -> None:
    first, second = notice(), notice(newsletter_sv="Nyhetsbrev varje vecka.")
    assert first.item_hashes["cookies.statistics"] == second.item_hashes["cookies.statistics"]
    assert first.item_hashes["newsletter"] != second.item_hashes["newsletter"]


@pytest.mark.parametrize("texts", [{"sv": "Nyhetsbrev."}, {"sv": "Nyhetsbrev.", "en": ""}])
def test_c7_an_item_needs_its_text_in_every_language(texts: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="newsletter: no text in en"):
        NoticeItem("newsletter", texts)


def test_c7_a_text_hash_only_in_the_languages_shown() -> None:
    with pytest.raises(ValueError, match="sv, en"):
        notice().text_hash("de")
    with pytest.raises(KeyError):
        notice().item("profiling")
    assert notice().item("newsletter").texts["en"] == "Newsletter."
