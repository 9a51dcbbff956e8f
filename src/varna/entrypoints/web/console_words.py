"""The console's words for the values it stores: a request's kind and state, a refusal's
ground, an identity check and the fields a rectification may correct. Staff read these, never
the stored value itself."""

from __future__ import annotations

from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse

from varna.i18n import N_, translate
from varna.i18n.labels import field_label

KINDS: Final = {
    "access": N_("Access to data"),
    "portability": N_("Data portability"),
    "rectification": N_("Rectification"),
    "restriction": N_("Restriction"),
    "erasure": N_("Erasure"),
    "objection": N_("Objection"),
    "consent_withdrawal": N_("Consent withdrawal"),
    "marketing_objection": N_("Objection to marketing"),
}
STATES: Final = {
    "received": N_("received"),
    "verified": N_("verified"),
    "in_progress": N_("in progress"),
    "extended": N_("extended"),
    "completed": N_("completed"),
    "refused": N_("refused"),
    "forwarded": N_("forwarded"),
}
STATE_TONES: Final = {
    "received": "neutral",
    "verified": "info",
    "in_progress": "info",
    "extended": "warn",
    "completed": "ok",
    "refused": "danger",
    "forwarded": "neutral",
}
GROUNDS: Final = {
    "manifestly_unfounded": N_("Manifestly unfounded"),
    "excessive": N_("Excessive"),
    "further_copy": N_("A further copy (a fee)"),
    "identity_not_confirmed": N_("Identity not confirmed"),
}
IDENTITY: Final = {
    "needs_checking": N_("Identity needs checking"),
    "confirmed_by_staff": N_("Identity checked by staff"),
}
# The fields of a person's own record a rectification may correct.
RECTIFIABLE: Final = {
    "full_name": N_("Name"),
    "email": N_("E-mail address"),
    "phone": N_("Phone number"),
    "address": N_("Address"),
    "personnummer": N_("Personal identity number"),
}
IDENTIFIER_KINDS: Final = {
    "email": N_("E-mail address"),
    "phone": N_("Phone number"),
    "personnummer": N_("Personal identity number"),
    "iccid": N_("SIM card number (ICCID)"),
    "msisdn": N_("SIM phone number (MSISDN)"),
    "imsi": N_("SIM subscriber id (IMSI)"),
    "end_user_ref": N_("Customer's end-user reference"),
    "person_id": N_("Person number in varna"),
}


def word(table: dict[str, str], value: str | None, lang: str) -> str:
    """The word for ``value``; an unknown value gets a neutral word, never itself."""
    if not value:
        return "–"
    return translate(lang, table.get(value, N_("Other")))


def field_word(column: str, lang: str) -> str:
    return (
        translate(lang, RECTIFIABLE[column]) if column in RECTIFIABLE else field_label(column, lang)
    )


def masked(value: object) -> str:
    """An identifier typed with a request, as the case view shows it: its last four
    characters. It may be someone else's (that is what an identity check is about), so the
    console does not spread it; the last four are enough to compare with a document."""
    text = str(value or "")
    return "•" * 4 + " " + text[-4:] if len(text) > 4 else "•" * 4


def console_page(
    request: Request, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A console page in the frame, with the words above at hand."""
    from varna.entrypoints.web.pages import templates

    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "kind_word": lambda v: word(KINDS, v, lang),
            "state_word": lambda v: word(STATES, v, lang),
            "state_tone": lambda v: STATE_TONES.get(v, "neutral"),
            "ground_word": lambda v: word(GROUNDS, v, lang),
            "identity_word": lambda v: word(IDENTITY, v, lang),
            "identifier_word": lambda v: word(IDENTIFIER_KINDS, v, lang),
            "masked": masked,
            **context,
        },
        status_code=status,
    )
