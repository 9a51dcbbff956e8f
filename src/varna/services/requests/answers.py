"""The words a person reads about a request, in one place for the pages and the mails:
each right's name and what it does, each state and what happens next, and the answer to an
erasure request as a readable table (D4, D7, G3).

No code, enum value, table or category id reaches a person: a kind, a state, an erasure
outcome and an exception each have a text here (English, translated through the catalogue of
words), and a category is named by the catalogue's label. A test fails for a code without a
text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from varna.catalog import Catalog
from varna.catalog.model import UnknownCatalogEntry
from varna.i18n import N_, translate
from varna.i18n.formats import format_date

IMY_TEXT = N_(
    "If you are unhappy with how we handled your personal data you can complain to the "
    "Swedish Authority for Privacy Protection, Integritetsskyddsmyndigheten (IMY), Box 8114, "
    "104 20 Stockholm, Sweden, imy@imy.se, www.imy.se."
)
COURT_TEXT = N_("You also have the right to take the matter to court (an administrative court).")

# Each right: its name and one line on what it does (the request form's choices).
KIND_NAMES: dict[str, str] = {
    "access": N_("See your data (access)"),
    "portability": N_("Get your data to take elsewhere (portability)"),
    "rectification": N_("Correct your data (rectification)"),
    "restriction": N_("Pause the use of your data (restriction)"),
    "erasure": N_("Erase your data (erasure)"),
    "objection": N_("Object to how we use your data (objection)"),
    "consent_withdrawal": N_("Withdraw a consent"),
    "marketing_objection": N_("Stop direct marketing and profiling"),
}
KIND_HINTS: dict[str, str] = {
    "access": N_("A copy of the personal data we hold about you and how we use it."),
    "portability": N_("The data you gave us, in a file another service can read."),
    "rectification": N_("Tell us what is wrong and what it should be."),
    "restriction": N_("We keep the data but do not use it while something is checked."),
    "erasure": N_("We erase what the law lets us erase and tell you what we must keep."),
    "objection": N_("We stop a use based on our legitimate interest unless we must go on."),
    "consent_withdrawal": N_("We stop what you had agreed to, from now on."),
    "marketing_objection": N_("We stop sending you marketing and stop profiling you for it."),
}

# Each state in words, and what happens next.
STATE_NAMES: dict[str, str] = {
    "received": N_("Waiting for you to confirm it"),
    "verified": N_("Confirmed, waiting to be handled"),
    "in_progress": N_("Being handled"),
    "extended": N_("Being handled, with more time"),
    "completed": N_("Answered"),
    "refused": N_("Decided: not carried out"),
    "forwarded": N_("Sent on to the company responsible"),
}
STATE_NEXT: dict[str, str] = {
    "received": N_(
        "Enter the code from the e-mail we sent you. Without it we do nothing with the request."
    ),
    "verified": N_("We handle the request and send you the answer by e-mail."),
    "in_progress": N_(
        "We are working on the request. You get the answer by e-mail by the due date at the latest."
    ),
    "extended": N_(
        "We told you by e-mail why we need more time. You get the answer by the new due date."
    ),
    "completed": N_("The answer is below and in the e-mail we sent you."),
    "refused": N_("The e-mail we sent you gives the reasons and how you can appeal."),
    "forwarded": N_(
        "The company responsible for the data answers you; we carry out its instructions."
    ),
}

# The answer to an erasure request: what was done with each category, and why something was
# kept (the outcome and exception codes of varna.domain.subjects.erasure and of the
# catalogue's retention rules).
OUTCOME_NAMES: dict[str, str] = {
    "erased": N_("Erased"),
    "anonymised": N_("Anonymised"),
    "kept": N_("Kept"),
    "routed_to_controller": N_("Passed to the company responsible"),
}
EXCEPTION_NAMES: dict[str, str] = {
    "bookkeeping": N_(
        "The Bookkeeping Act (bokföringslagen) requires us to keep accounting records."
    ),
    "evidence": N_(
        "The Electronic Communications Act requires us to keep it as evidence for a set time."
    ),
    "legal_obligation": N_(
        "A law requires us to keep it, for example to show how we handled your request."
    ),
    "legal_hold": N_("It is needed for a legal claim or dispute that is still open."),
    "running_contract": N_(
        "You still have an agreement with us that needs it; it goes when the agreement ends."
    ),
    "controller": N_(
        "The company whose customer you are decides about it; we passed your request on."
    ),
}
REFUSAL_GROUNDS: dict[str, str] = {
    "manifestly_unfounded": N_("the request is manifestly unfounded"),
    "excessive": N_("the request is excessive"),
    "further_copy": N_("a further copy has a fee"),
    "identity_not_confirmed": N_("we could not confirm your identity"),
}
UNKNOWN_EXCEPTION = N_("A legal obligation requires us to keep it.")


def kind_name(lang: str, kind: str) -> str:
    return translate(lang, KIND_NAMES.get(kind, N_("A request about your personal data")))


def state_name(lang: str, state: str) -> str:
    return translate(lang, STATE_NAMES.get(state, STATE_NAMES["in_progress"]))


def state_next(lang: str, state: str) -> str:
    return translate(lang, STATE_NEXT.get(state, STATE_NEXT["in_progress"]))


@dataclass(frozen=True, slots=True)
class ErasureRow:
    """One line of the erasure answer, in words."""

    category: str
    done: str
    why: str  # empty when nothing was kept
    until: str  # the date, written for the language; empty when none


def erasure_rows(
    catalog: Catalog, lang: str, erasure: Mapping[str, Any] | None
) -> list[ErasureRow]:
    """The erasure outcome (``EraseResult.as_dict()``) as rows a person reads."""
    rows: list[ErasureRow] = []
    for item in (erasure or {}).get("categories", []) or []:
        category_id = str(item.get("category") or "")
        try:
            label = catalog.category(category_id).label(lang)
        except UnknownCatalogEntry:
            label = translate(lang, N_("Other data"))
        outcome = str(item.get("outcome") or "")
        exception = item.get("exception")
        done = translate(lang, OUTCOME_NAMES.get(outcome, OUTCOME_NAMES["kept"]))
        why = ""
        if exception:
            why = translate(lang, EXCEPTION_NAMES.get(str(exception), UNKNOWN_EXCEPTION))
        elif outcome == "kept":
            why = translate(lang, UNKNOWN_EXCEPTION)
        rows.append(ErasureRow(label, done, why, format_date(item.get("until"), lang)))
    return rows


def erasure_lines(catalog: Catalog, lang: str, erasure: Mapping[str, Any] | None) -> str:
    """The erasure table as plain text lines, for a mail."""
    lines = []
    for row in erasure_rows(catalog, lang, erasure):
        line = f"- {row.category}: {row.done}"
        if row.why:
            line += f". {row.why}"
        if row.until:
            line += " " + translate(lang, "Kept until %(date)s.", date=row.until)
        lines.append(line)
    return "\n".join(lines)
