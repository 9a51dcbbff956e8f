"""Every code a person could meet in a request's answer has words (D4, D7, G3): each kind,
state, erasure outcome and exception (the domain's and the catalogue's retention rules), and
the erasure table names categories by the catalogue's label, reasons in words, dates for the
language."""

from __future__ import annotations

import pytest

from varna.catalog import load_catalog
from varna.domain.requests.kinds import RefusalGround, RequestKind, RequestState
from varna.domain.subjects import erasure
from varna.i18n import translate
from varna.services.requests import answers


def test_g3_every_kind_and_state_has_words() -> None:
    assert set(answers.KIND_NAMES) == set(answers.KIND_HINTS) == {k.value for k in RequestKind}
    assert set(answers.STATE_NAMES) == set(answers.STATE_NEXT) == {s.value for s in RequestState}
    assert set(answers.REFUSAL_GROUNDS) == {g.value for g in RefusalGround}


def test_d4_every_erasure_outcome_and_exception_has_words() -> None:
    assert set(answers.OUTCOME_NAMES) == {o.value for o in erasure.Outcome}
    domain = {erasure.RUNNING_CONTRACT, erasure.LEGAL_HOLD, erasure.EVIDENCE, erasure.CONTROLLER}
    rules = {r.exception for r in load_catalog().retention_rules.values() if r.exception}
    assert domain | rules <= set(answers.EXCEPTION_NAMES)


@pytest.mark.parametrize(
    ("lang", "kept", "date"),
    [("sv", "Sparade", "31 december 2033"), ("en", "Kept", "31 December 2033")],
)
def test_d4_d7_the_erasure_table_is_in_words(lang: str, kept: str, date: str) -> None:
    catalog = load_catalog()
    category = next(iter(catalog.categories.values()))
    outcome = {
        "categories": [
            {
                "category": category.id,
                "outcome": "kept",
                "exception": "bookkeeping",
                "until": "2033-12-31",
            },
            {"category": category.id, "outcome": "erased", "exception": None, "until": None},
        ]
    }
    kept_row, erased_row = answers.erasure_rows(catalog, lang, outcome)
    assert kept_row.category == category.label(lang) != category.id
    assert (kept_row.done, kept_row.until) == (kept, date)
    assert kept_row.why == translate(lang, answers.EXCEPTION_NAMES["bookkeeping"])
    assert erased_row.why == "" and erased_row.until == ""
    text = answers.erasure_lines(catalog, lang, outcome)
    assert category.id not in text.replace(category.label(lang), "") and date in text
