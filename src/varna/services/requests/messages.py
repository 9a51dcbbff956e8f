"""The texts varna sends about a request, in Swedish and English. Every answer names IMY and
how to complain (D7, R-DSR-10); a refusal also names the right to go to court (Art. 12(4))."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

IMY = {
    "sv": (
        "Om du är missnöjd med hur vi har hanterat dina personuppgifter kan du klaga hos "
        "Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy@imy.se, "
        "https://www.imy.se/privatperson/utfora-arenden/lamna-ett-klagomal/."
    ),
    "en": (
        "If you are unhappy with how we handled your personal data you can complain to the "
        "Swedish Authority for Privacy Protection, Integritetsskyddsmyndigheten (IMY), Box 8114, "
        "104 20 Stockholm, Sweden, imy@imy.se, "
        "https://www.imy.se/en/individuals/forms-and-e-services/file-a-complaint/."
    ),
}
COURT = {
    "sv": "Du har också rätt att väcka talan i domstol (allmän förvaltningsdomstol).",
    "en": "You also have the right to take the matter to court (an administrative court).",
}
KIND_NAMES = {
    "sv": {
        "access": "registerutdrag",
        "portability": "dataportabilitet",
        "rectification": "rättelse",
        "restriction": "begränsning av behandling",
        "erasure": "radering",
        "objection": "invändning",
        "consent_withdrawal": "återkallelse av samtycke",
        "marketing_objection": "invändning mot direktmarknadsföring och profilering",
    },
    "en": {
        "access": "access (register extract)",
        "portability": "data portability",
        "rectification": "rectification",
        "restriction": "restriction of processing",
        "erasure": "erasure",
        "objection": "objection",
        "consent_withdrawal": "withdrawal of consent",
        "marketing_objection": "objection to direct marketing and profiling",
    },
}


def _lang(language: str) -> str:
    return language if language in IMY else "sv"


def _footer(lang: str, *, refusal: bool = False) -> str:
    parts = [IMY[lang]] + ([COURT[lang]] if refusal else [])
    return "\n\n" + "\n".join(parts) + "\n"


def code_mail(
    language: str, *, request_id: int, code: str, verify_url: str, minutes: int = 30
) -> tuple[str, str]:
    lang = _lang(language)
    if lang == "sv":
        subject = f"Din kod för begäran {request_id}"
        body = (
            f"Vi har tagit emot din begäran (nummer {request_id}). Bekräfta att e-postadressen "
            f"är din med koden:\n\n    {code}\n\nAnge den på {verify_url} inom {minutes} minuter. "
            "Har du inte gjort någon begäran kan du bortse från det här meddelandet."
        )
    else:
        subject = f"Your code for request {request_id}"
        body = (
            f"We have received your request (number {request_id}). Confirm that this address "
            f"is yours with the code:\n\n    {code}\n\nEnter it at {verify_url} within {minutes} "
            "minutes. If you did not make a request, you can ignore this message."
        )
    return subject, body + _footer(lang)


def result_mail(
    language: str,
    *,
    request_id: int,
    kind: str,
    outcome: Mapping[str, Any],
    download_url: str | None,
) -> tuple[str, str]:
    lang = _lang(language)
    name = KIND_NAMES[lang].get(kind, kind)
    lines: list[str] = []
    if lang == "sv":
        subject = f"Svar på din begäran {request_id} ({name})"
        lines.append(f"Vi har behandlat din begäran om {name}.")
        if download_url:
            lines.append(
                "Öppna länken för att hämta dina uppgifter (hämtningen fungerar en gång och i 7 "
                f"dagar):\n{download_url}"
            )
    else:
        subject = f"Answer to your request {request_id} ({name})"
        lines.append(f"We have handled your request for {name}.")
        if download_url:
            lines.append(
                "Open the link to download your data (the download works once and for 7 "
                f"days):\n{download_url}"
            )
    lines.extend(_outcome_lines(lang, outcome))
    return subject, "\n\n".join(lines) + _footer(lang)


def _outcome_lines(lang: str, outcome: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for category in outcome.get("categories", []) or []:
        status, until = category.get("outcome"), category.get("until")
        reason = category.get("reason") or category.get("exception")
        line = f"- {category.get('category')}: {status}"
        if reason:
            line += f" ({reason})"
        if until:
            line += (" till och med " if lang == "sv" else " until ") + str(until)
        lines.append(line)
    if lines:
        head = "Per kategori:" if lang == "sv" else "Category by category:"
        return [head + "\n" + "\n".join(lines)]
    return []


def forwarded_mail(language: str, *, request_id: int) -> tuple[str, str]:
    """To a person whose request names a SIM (A3): the same words whether or not the SIM
    exists, and no controller named, so the answer says nothing about whose SIM it is."""
    lang = _lang(language)
    if lang == "sv":
        subject = f"Din begäran {request_id} gäller ett SIM-kort"
        body = (
            "Du angav ett SIM-kort (ICCID, IMSI eller telefonnummer) i din begäran. Uppgifterna "
            "om den som använder ett SIM-kort behandlar vi som personuppgiftsbiträde åt "
            "företaget som har SIM-kortets abonnemang; det företaget är personuppgiftsansvarigt. "
            "En begäran om ett SIM-korts uppgifter går därför till det företaget, som svarar "
            "dig, och vi utför dess instruktioner.\n\nVill du också veta vad vi har om dig "
            "själv, till exempel som kontaktperson hos en av våra kunder, gör en ny begäran "
            "utan SIM-kortets uppgifter."
        )
    else:
        subject = f"Your request {request_id} is about a SIM card"
        body = (
            "You gave a SIM card (its ICCID, IMSI or phone number) with your request. We "
            "process the data about a SIM card's user as a processor for the company that "
            "holds the SIM's subscription; that company is the controller. A request about a "
            "SIM's data therefore goes to that company, which will answer you, and we carry "
            "out its instructions.\n\nIf you also want to know what we hold about you "
            "yourself, for example as a contact person at one of our customers, make a new "
            "request without the SIM's details."
        )
    return subject, body + _footer(lang)


def identity_mail(language: str, *, request_id: int) -> tuple[str, str]:
    """To a person whose typed identifiers do not fit the confirmed address (Art. 12(6)):
    the same words whatever the cause (someone else's, nobody's, not checkable)."""
    lang = _lang(language)
    if lang == "sv":
        subject = f"Din begäran {request_id}: vi behöver kontrollera din identitet"
        body = (
            f"Din begäran (nummer {request_id}) är bekräftad. Innan vi kan utföra den behöver "
            "vi kontrollera att uppgifterna du lämnade med den hör till dig. Vi hör av oss "
            "till den här adressen. Vi svarar inom en månad från att vi tog emot begäran."
        )
    else:
        subject = f"Your request {request_id}: we need to check your identity"
        body = (
            f"Your request (number {request_id}) is confirmed. Before we can act on it we "
            "need to check that the details you gave with it belong to you. We will contact "
            "you at this address. We answer within one month of receiving the request."
        )
    return subject, body + _footer(lang)


def controller_mail(*, request_id: int, kind: str, sim_ids: tuple[int, ...]) -> tuple[str, str]:
    """To the controller's privacy contact (A3, R-PRC-04); names SIMs by id only."""
    subject = f"Data-subject request {request_id} about your SIMs ({kind})"
    body = (
        f"A person has made a request for {KIND_NAMES['en'].get(kind, kind)} about the end user "
        f"of SIMs you are the controller of (varna SIM ids: {', '.join(map(str, sim_ids))}). "
        "As your processor we do not answer it ourselves. Please contact us with your "
        f"instruction, quoting request {request_id}."
    )
    return subject, body


def refusal_mail(
    language: str, *, request_id: int, kind: str, ground: str, reason: str
) -> tuple[str, str]:
    lang = _lang(language)
    name = KIND_NAMES[lang].get(kind, kind)
    if lang == "sv":
        subject = f"Beslut om din begäran {request_id} ({name})"
        body = f"Vi har beslutat att inte tillmötesgå din begäran ({ground}). Skäl: {reason}"
    else:
        subject = f"Decision on your request {request_id} ({name})"
        body = f"We have decided not to act on your request ({ground}). Reasons: {reason}"
    return subject, body + _footer(lang, refusal=True)


def extension_mail(language: str, *, request_id: int, reason: str, new_due: str) -> tuple[str, str]:
    lang = _lang(language)
    if lang == "sv":
        subject = f"Din begäran {request_id}: längre svarstid"
        body = f"Vi behöver mer tid och svarar senast {new_due}. Skäl: {reason}"
    else:
        subject = f"Your request {request_id}: more time needed"
        body = f"We need more time and will answer by {new_due}. Reasons: {reason}"
    return subject, body + _footer(lang)
