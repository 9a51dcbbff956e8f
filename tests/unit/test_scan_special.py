"""Special categories (GDPR Art. 9) in Swedish and English free text (promise C3)."""

from __future__ import annotations

import pytest

from varna.domain.scan import (
    LexiconError,
    SpecialMatcher,
    find_special,
    load_lexicon,
    parse_lexicon,
)


def _hits(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in find_special(text)]


@pytest.mark.parametrize(
    ("text", "kind", "word"),
    [
        ("Jag är sjukskriven hela veckan.", "special:health", "sjukskriven"),
        ("Hon har sjukskrivning till fredag.", "special:health", "sjukskrivning"),
        ("Användaren har diabetes.", "special:health", "diabetes"),
        ("Min kollega ligger på sjukhuset.", "special:health", "sjukhuset"),
        ("Jag är gravid och vill pausa.", "special:health", "gravid"),
        ("Kunden är HIV-positiv enligt anteckningen.", "special:health", "HIV"),
        ("Han vill att facket får en kopia.", "special:trade_union", "facket"),
        ("Han är fackmedlem sedan länge.", "special:trade_union", "fackmedlem"),
        ("Kunden är muslim.", "special:religion", "muslim"),
        ("Hon är homosexuell.", "special:sex_life", "homosexuell"),
        ("Ett DNA-test bifogades.", "special:genetic", "DNA-test"),
        ("Vi sparar fingeravtryck i låset.", "special:biometric", "fingeravtryck"),
        ("Hans etniska ursprung står i bilagan.", "special:ethnic_origin", "etniska ursprung"),
        ("Hon är aktiv sverigedemokrat.", "special:political", "sverigedemokrat"),
        ("I am on sick leave until Monday.", "special:health", "sick leave"),
        ("My wife is pregnant.", "special:health", "pregnant"),
        ("As a union member I want a copy.", "special:trade_union", "union member"),
        ("I am Muslim.", "special:religion", "Muslim"),
        ("He is gay.", "special:sex_life", "gay"),
        ("He has a criminal record.", "special:criminal", "criminal record"),
    ],
)
def test_special_category_hits_c3(text: str, kind: str, word: str) -> None:
    """C3: special-category words in Swedish and English are found, with their category."""
    assert any(k == kind and word in w for k, w in _hits(text)), _hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Det gick sjukt bra med installationen!",
        "Supporten var sjukt snabbt på plats.",
        "Det är sjukt dyrt med roaming.",
        "The union of two sets is what the report shows.",
        "The party line was busy.",
        "We use a third party provider for SMS.",
        "Our birthday party promo ended.",
        "The certificate fingerprint was verified.",
        "Please run diagnostics on the modem.",
        "Roaming is disabled on that SIM.",
        "Christian Andersson ringde i går.",
        "Kristen Smith called about the invoice.",
        "The fix removed a race condition.",
        "We met in Islamabad.",
        "MS Teams-mötet flyttas.",
        "Skicka den via European Union-portalen.",
    ],
)
def test_special_category_near_misses_c3(text: str) -> None:
    """C3: idioms, names and technical terms that resemble sensitive words are not hits."""
    assert _hits(text) == []


def test_cue_rule_needs_a_cue_within_window_c3() -> None:
    """C3: "party" and "union" count only near a cue word."""
    assert ("special:political", "party") in _hits("She voted for the party in May.")
    assert _hits("The party starts at eight.") == []
    assert ("special:trade_union", "union") in _hits("I joined the union last year.")


def test_offsets_are_exact_c3() -> None:
    text = "Hej! Jag är sjukskriven."
    (f,) = find_special(text)
    assert (f.start, f.end) == (text.index("sjukskriven"), text.index("sjukskriven") + 11)
    assert f.category == "health" and f.is_special


def test_case_changes_length_falls_back_c3() -> None:
    """C3: text whose lower-casing changes length (İ) still gives exact offsets."""
    text = "İİ Jag är sjukskriven."
    (f,) = find_special(text)
    assert text[f.start : f.end] == "sjukskriven"


def test_lexicon_extension_by_privacy_officer_c3() -> None:
    """C3: a privacy officer adds terms in the data-file format, without code changes."""
    extra = "# local additions\n[health]\nkryck{a,an,or}\n!krycka för kabel\n"
    matcher = SpecialMatcher(load_lexicon(extra))
    text = "Han går med kryckor."
    assert [(f.type, text[f.start : f.end]) for f in matcher.find(text)] == [
        ("special:health", "kryckor")
    ]
    assert matcher.find("En krycka för kabel.") == []


@pytest.mark.parametrize(
    "bad",
    ["diabetes\n", "[nonsense]\nx\n", "[health]\nfoo{bar\n", "[health]\nfoo$bar\n"],
)
def test_lexicon_errors_name_the_line(bad: str) -> None:
    with pytest.raises(LexiconError) as err:
        parse_lexicon(bad, "test.txt")
    assert "test.txt:" in str(err.value)


def test_shipped_files_document_their_format() -> None:
    from importlib import resources

    for name in ("special_sv.txt", "special_en.txt"):
        head = resources.files("varna.domain.scan").joinpath("data", name).read_text("utf-8")
        assert head.startswith("#") and "Format" in head[:800]
