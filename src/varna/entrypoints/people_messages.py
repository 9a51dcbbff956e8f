"""What an error means for a person, in words from the catalogue: the pages show it and the
API puts it in its error body's ``message`` (the ``detail`` stays as it was, for programs).

An exception's own text is written for logs and programs, in English, and may quote what
was sent; the words here are fixed texts (N_) that quote nothing, translated where shown."""

from __future__ import annotations

from varna.domain.consent.age import AgeNotConfirmed, ChildConsentRefused
from varna.domain.errors import InputRefused, InvalidIdentifier
from varna.i18n import N_
from varna.services.consent.center_links import TooManyAsks, TooManyAsksFromClient
from varna.services.consent.decisions import InvalidLink, StaleNotice, UnknownSubject

NOT_UTF8 = N_(
    "The form could not be read (it was not sent as UTF-8). Nothing was saved. Please send "
    "it again."
)
TOO_MANY_ASKS = N_(
    "A link has already been asked for this address. If we know the address, the link is in "
    "the e-mail we sent: use it, or ask for a new one in an hour."
)
TOO_MANY_HERE = N_("Too many requests from here right now. Please try again in an hour.")
NOT_AN_ADDRESS = N_("That is not an e-mail address. Please check it and try again.")
AGE_NOT_CONFIRMED = N_(
    "To give a consent, confirm that you are 13 or older, or act for a business. Nothing was saved."
)
CHILD_REFUSED = N_("Our services are not aimed at children under 13. Nothing was saved.")
STALE_NOTICE = N_(
    "The text has changed since the page was shown. Nothing was saved: read it again and choose."
)
LINK_ASKED = N_(
    "If we know the address, an e-mail with a link to your consents is on its way. The link "
    "works for 24 hours."
)
LINK_INVALID = N_("The link is unknown or has expired. Ask for a new link.")
NOT_SAVED = N_("What was sent could not be saved. Nothing was saved: check it and try again.")

# The words for an answer's status code, when the error has none of its own.
BY_STATUS: dict[int, str] = {
    400: N_("The request could not be read. Please check it and try again."),
    401: N_("Please sign in to the privacy console first."),
    403: N_("You may not do this."),
    404: N_("There is nothing here: the address is unknown or the link has expired."),
    405: N_("This address does not take this kind of request."),
    409: N_("This could not be done in the current state. Nothing was changed."),
    410: N_("This link has expired or was already used."),
    413: N_("What was sent is too large."),
    415: N_("What was sent is not in a format we read (send JSON)."),
    422: N_("Some of what was sent is not valid. Nothing was saved: check it and try again."),
    429: N_("Too many requests right now. Please try again later."),
    500: N_("Something went wrong on our side. Nothing was changed. Please try again later."),
}
BY_ERROR: tuple[tuple[type[Exception], str], ...] = (
    (TooManyAsks, TOO_MANY_ASKS),
    (TooManyAsksFromClient, TOO_MANY_HERE),
    (AgeNotConfirmed, AGE_NOT_CONFIRMED),
    (ChildConsentRefused, CHILD_REFUSED),
    (StaleNotice, STALE_NOTICE),
    (InvalidLink, LINK_INVALID),
    (UnknownSubject, BY_STATUS[404]),
)


def for_status(status: int) -> str:
    """The words (English msgid) for an answer's status code."""
    if status in BY_STATUS:
        return BY_STATUS[status]
    return BY_STATUS[500] if status >= 500 else BY_STATUS[400]


def for_error(exc: Exception, status: int) -> str:
    """The words (English msgid) for an error answered with ``status``."""
    for kind, text in BY_ERROR:
        if isinstance(exc, kind):
            return text
    if isinstance(exc, InputRefused) and exc.field == "email":
        return NOT_AN_ADDRESS
    if isinstance(exc, InvalidIdentifier) and exc.kind == "email":
        return NOT_AN_ADDRESS
    if isinstance(exc, InputRefused):
        return NOT_SAVED
    return for_status(status)
