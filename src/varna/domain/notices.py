"""The texts of the notices in the outbox (Art. 19, Art. 18(3), A3), framework-free.

A notice says only what its addressee must know to act:

* to a recipient in the disclosure log (``art19_*``): what happened (erasure, rectification,
  restriction), our notice reference, and which of our disclosures it concerns (their date,
  reference and categories). No name, e-mail, phone or personnummer: the recipient finds the
  person by the disclosure it received. A rectification names the corrected field only.
* to the person (``restriction_lifted``): that the restriction is lifted, and the right to
  complain to IMY (R-DSR-10).
* to a controller (``controller_erasure_*``, A3): which of its SIMs (ICCID) the request or the
  executed instruction concerns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

RECIPIENT_KINDS = frozenset({"art19_erasure", "art19_rectification", "art19_restriction"})
PERSON_KINDS = frozenset({"restriction_lifted"})
CONTROLLER_KINDS = frozenset({"controller_erasure_request", "controller_erasure_done"})

# Why a notice is not sent yet (kept on the notice; never personal data)
NO_ADDRESS = "no_address"
UNKNOWN_KIND = "unknown_kind"
SEND_FAILED = "send_failed"


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    kind: str
    recipient: str | None
    person_id: int | None
    organisation_id: int | None
    details: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UnsentNotice:
    """A notice not sent yet, as the console shows it: ids and counts, no person's data."""

    id: int
    kind: str
    recipient: str | None  # a catalogue recipient id (Art. 19 notices)
    organisation_id: int | None  # the customer told (A3 notices)
    attempts: int
    last_error: str | None  # a reason code: NO_ADDRESS, UNKNOWN_KIND, SEND_FAILED
    created_at: datetime

    @property
    def failed(self) -> bool:
        return self.last_error is not None


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One of our disclosures to a recipient, as the notice refers to it."""

    disclosed_at: datetime
    reference: str | None
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the notice is from (the catalogue's controller) and where to complain."""

    name: str
    email: str
    authority: str
    authority_website: str


_ACTIONS = {
    "art19_erasure": ("Radering", "Erasure", "raderat", "erased"),
    "art19_rectification": ("Rättelse", "Rectification", "rättat", "rectified"),
    "art19_restriction": (
        "Begränsning",
        "Restriction",
        "begränsat behandlingen av",
        "restricted the processing of",
    ),
}


def reference(notice: Notice) -> str:
    """Our reference for the notice: the addressee quotes it when answering."""
    return f"VARNA-N-{notice.id}"


def _day(moment: datetime | date) -> str:
    return moment.date().isoformat() if isinstance(moment, datetime) else moment.isoformat()


def recipient_message(notice: Notice, disclosures: Sequence[Disclosure], sender: Sender) -> Message:
    """Art. 19: tell a recipient which of our disclosures the erasure, rectification or
    restriction concerns, so that it does the same."""
    sv_title, en_title, sv_verb, en_verb = _ACTIONS[notice.kind]
    lines = [
        f"{sv_title} enligt artikel 19 GDPR / {en_title} under Article 19 GDPR",
        f"Referens / Reference: {reference(notice)}",
        "",
        f"Vi har {sv_verb} personuppgifter som vi tidigare lämnat till er.",
        f"We have {en_verb} personal data that we disclosed to you earlier.",
        "Utlämnanden det gäller / Disclosures concerned:",
    ]
    for item in disclosures:
        categories = ", ".join(item.categories) or "-"
        ref = item.reference or "-"
        lines.append(f"  {_day(item.disclosed_at)}  ref {ref}  ({categories})")
    if not disclosures:
        lines.append("  -")
    column = notice.details.get("column")
    if notice.kind == "art19_rectification" and column:
        lines += [
            f"Rättat fält / Corrected field: {column}",
            "Det rättade värdet lämnas på begäran via den kanal vi avtalat.",
            "The corrected value is provided on request through the agreed channel.",
        ]
    lines += ["", f"{sender.name} <{sender.email}>"]
    return Message(f"{en_title} (Art. 19 GDPR) {reference(notice)}", "\n".join(lines))


def person_message(notice: Notice, sender: Sender) -> Message:
    """Art. 18(3): the person is told before the restriction is lifted; the notice names IMY."""
    body = "\n".join(
        [
            "Begränsningen av behandlingen av dina personuppgifter har hävts.",
            "The restriction of the processing of your personal data has been lifted.",
            f"Referens / Reference: {reference(notice)}",
            "",
            f"Frågor / Questions: {sender.email}",
            f"Du har rätt att klaga hos {sender.authority} ({sender.authority_website}).",
            f"You have the right to complain to {sender.authority} ({sender.authority_website}).",
            "",
            sender.name,
        ]
    )
    return Message(f"Begränsning hävd / Restriction lifted {reference(notice)}", body)


def controller_message(notice: Notice, iccids: Sequence[str], sender: Sender) -> Message:
    """A3: the controller is asked to decide on (or told of) the erasure of its SIMs' data."""
    done = notice.kind == "controller_erasure_done"
    instruction = notice.details.get("instruction")
    head = (
        [
            "Vi har utfört er instruktion om radering.",
            "We have carried out your erasure instruction.",
            f"Instruktion / Instruction: {instruction}",
        ]
        if done
        else [
            "En person har begärt radering av uppgifter om slutanvändaren av era SIM-kort.",
            "A person has asked for erasure of the end user's data on your SIM cards.",
            "Ni är personuppgiftsansvarig: ge oss er instruktion (A3).",
            "You are the controller: please send us your instruction (A3).",
        ]
    )
    lines = [*head, f"Referens / Reference: {reference(notice)}", "SIM (ICCID):"]
    lines += [f"  {iccid}" for iccid in iccids] or ["  -"]
    lines += ["", f"{sender.name} <{sender.email}>"]
    title = "Erasure carried out" if done else "Erasure request for your SIMs"
    return Message(f"{title} (A3) {reference(notice)}", "\n".join(lines))
