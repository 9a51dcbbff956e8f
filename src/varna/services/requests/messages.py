"""The texts varna sends about a request, written in English and translated through the
catalogue of words (Swedish in ``i18n/sv/mail.po``). Every mail names IMY and how to complain
(D7, R-DSR-10); a refusal also names the right to go to court (Art. 12(4)). Every mail to the
person links the request's status page (``status_link``) in the request's language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from varna.catalog import Catalog
from varna.domain.requests.codes import status_key
from varna.i18n import LANGUAGES, translate
from varna.i18n.formats import format_date
from varna.services.requests.answers import (
    COURT_TEXT,
    IMY_TEXT,
    REFUSAL_GROUNDS,
    erasure_lines,
)
from varna.services.requests.answers import KIND_NAMES as KIND_TEXTS


class _ByLanguage(Mapping[str, Any]):
    """``TEXTS[lang]``: a text (or a dict of texts) in a language, for the pages that read
    them as before."""

    def __init__(self, source: str | Mapping[str, str]) -> None:
        self._source = source

    def __getitem__(self, lang: str) -> Any:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        if isinstance(self._source, str):
            return translate(lang, self._source)
        return {key: translate(lang, text) for key, text in self._source.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


IMY = _ByLanguage(IMY_TEXT)
COURT = _ByLanguage(COURT_TEXT)
KIND_NAMES = _ByLanguage(KIND_TEXTS)


def _lang(language: str) -> str:
    return language if language in LANGUAGES else "sv"


def _name(lang: str, kind: str) -> str:
    return translate(lang, KIND_TEXTS[kind]) if kind in KIND_TEXTS else kind


def status_link(public_url: str, reference: str, *, secret: bytes, language: str) -> str:
    """The request's status page with the key that shows its answer (only the mails carry
    the key; the reference alone shows the state, never the answer)."""
    key = status_key(reference, key=secret)
    return (
        f"{public_url.rstrip('/')}/privacy/requests/status?request={reference}"
        f"&key={key}&lang={_lang(language)}"
    )


def _footer(lang: str, status_url: str | None, *, refusal: bool = False) -> str:
    parts = []
    if status_url:
        parts.append(
            translate(lang, "See the state of your request at any time:") + f"\n{status_url}\n"
        )
    parts.append(translate(lang, IMY_TEXT))
    if refusal:
        parts.append(translate(lang, COURT_TEXT))
    return "\n\n" + "\n".join(parts) + "\n"


def code_mail(
    language: str,
    *,
    request_id: int,
    code: str,
    verify_url: str,
    minutes: int = 30,
    status_url: str | None = None,
) -> tuple[str, str]:
    lang = _lang(language)
    subject = translate(lang, "Your code for request %(number)s", number=request_id)
    body = translate(
        lang,
        "We have received your request (number %(number)s). Confirm that this address is "
        "yours with the code:\n\n    %(code)s\n\nEnter it at %(url)s within %(minutes)s "
        "minutes. If you did not make a request, you can ignore this message.",
        number=request_id,
        code=code,
        url=verify_url,
        minutes=minutes,
    )
    return subject, body + _footer(lang, status_url)


def result_mail(
    language: str,
    *,
    request_id: int,
    kind: str,
    outcome: Mapping[str, Any],
    download_url: str | None,
    catalog: Catalog | None = None,
    link_days: int = 7,
    status_url: str | None = None,
) -> tuple[str, str]:
    """The answer; ``outcome`` is the erasure outcome (per category) when there is one."""
    lang = _lang(language)
    name = _name(lang, kind)
    subject = translate(
        lang, "Answer to your request %(number)s: %(kind)s", number=request_id, kind=name
    )
    lines = [translate(lang, "We have handled your request: %(kind)s.", kind=name)]
    if download_url:
        lines.append(
            translate(
                lang,
                "Open the link to read your data in the browser and download it as PDF, JSON "
                "or CSV. The link works for %(days)s days; on the page you can delete our copy "
                "of the answer at once.",
                days=link_days,
            )
            + f"\n{download_url}"
        )
    if outcome.get("categories") and catalog is not None:
        lines.append(
            translate(lang, "What we did with your data, category by category:")
            + "\n"
            + erasure_lines(catalog, lang, outcome)
        )
    return subject, "\n\n".join(lines) + _footer(lang, status_url)


def forwarded_mail(
    language: str, *, request_id: int, status_url: str | None = None
) -> tuple[str, str]:
    """To a person whose request names a SIM (A3): the same words whether or not the SIM
    exists, and no controller named, so the answer says nothing about whose SIM it is."""
    lang = _lang(language)
    subject = translate(lang, "Your request %(number)s is about a SIM card", number=request_id)
    body = translate(
        lang,
        "You gave a SIM card (its ICCID, IMSI or phone number) with your request. We process "
        "the data about a SIM card's user as a processor for the company that holds the SIM's "
        "subscription; that company is the controller. A request about a SIM's data therefore "
        "goes to that company, which will answer you, and we carry out its instructions.\n\n"
        "If you also want to know what we hold about you yourself, for example as a contact "
        "person at one of our customers, make a new request without the SIM's details.",
    )
    return subject, body + _footer(lang, status_url)


def identity_mail(
    language: str, *, request_id: int, status_url: str | None = None
) -> tuple[str, str]:
    """To a person whose typed identifiers do not fit the confirmed address (Art. 12(6)):
    the same words whatever the cause (someone else's, nobody's, not checkable)."""
    lang = _lang(language)
    subject = translate(
        lang, "Your request %(number)s: we need to check your identity", number=request_id
    )
    body = translate(
        lang,
        "Your request (number %(number)s) is confirmed. Before we can act on it we need to "
        "check that the details you gave with it belong to you. We will contact you at this "
        "address. We answer within one month of receiving the request.",
        number=request_id,
    )
    return subject, body + _footer(lang, status_url)


def controller_mail(*, request_id: int, kind: str, sim_ids: tuple[int, ...]) -> tuple[str, str]:
    """To the controller's privacy contact (A3, R-PRC-04); names SIMs by id only. In English
    (a business contact), through the catalogue all the same."""
    lang = "en"
    subject = translate(
        lang,
        "Data-subject request %(number)s about your SIMs (%(kind)s)",
        number=request_id,
        kind=_name(lang, kind),
    )
    body = translate(
        lang,
        "A person has made a request (%(kind)s) about the end user of SIMs you are the "
        "controller of (varna SIM ids: %(sims)s). As your processor we do not answer it "
        "ourselves. Please contact us with your instruction, quoting request %(number)s.",
        kind=_name(lang, kind),
        sims=", ".join(map(str, sim_ids)),
        number=request_id,
    )
    return subject, body + "\n\n" + translate(lang, IMY_TEXT) + "\n"


def refusal_mail(
    language: str,
    *,
    request_id: int,
    kind: str,
    ground: str,
    reason: str,
    status_url: str | None = None,
) -> tuple[str, str]:
    lang = _lang(language)
    name = _name(lang, kind)
    subject = translate(
        lang, "Decision on your request %(number)s: %(kind)s", number=request_id, kind=name
    )
    ground_text = translate(lang, REFUSAL_GROUNDS[ground]) if ground in REFUSAL_GROUNDS else ground
    body = translate(
        lang,
        "We have decided not to act on your request (%(ground)s). Reasons: %(reason)s",
        ground=ground_text,
        reason=reason,
    )
    return subject, body + _footer(lang, status_url, refusal=True)


def extension_mail(
    language: str,
    *,
    request_id: int,
    reason: str,
    new_due: str,
    status_url: str | None = None,
) -> tuple[str, str]:
    lang = _lang(language)
    subject = translate(lang, "Your request %(number)s: more time needed", number=request_id)
    body = translate(
        lang,
        "We need more time and will answer by %(date)s. Reasons: %(reason)s",
        date=format_date(new_due, lang),
        reason=reason,
    )
    return subject, body + _footer(lang, status_url)
