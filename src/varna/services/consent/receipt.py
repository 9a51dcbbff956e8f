"""A consent receipt in the spirit of the Kantara Initiative Consent Receipt v1.1: what the
person agreed to, with whom, under which notice, when and how (C7, GDPR Art. 7(1))."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from varna.catalog import Catalog
from varna.domain.consent import ConsentState, ConsentSubject
from varna.services.consent.notice import COOKIE_PREFIX

RECEIPT_VERSION = "KI-CR-v1.1.0"
RECEIPT_NAMESPACE = uuid.UUID("0f6f6d9e-8f0b-4c55-9a55-6b0c1a7e5f20")


def consent_receipt(
    catalog: Catalog,
    subject: ConsentSubject,
    states: dict[str, ConsentState],
    *,
    notice_version: str,
    policy_url: str,
    at: datetime,
    validity_months: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The receipt for ``subject``: one entry per purpose with its state and its proof;
    ``validity_months`` says how long each consent lasts before it expires."""
    controller = catalog.controller
    purposes = []
    for key, state in states.items():
        if key.startswith(COOKIE_PREFIX):
            category = catalog.cookies[key.removeprefix(COOKIE_PREFIX)]
            label, served = category.label("en"), category.purposes
        else:
            label, served = catalog.purpose(key).label("en"), (key,)
        pii = sorted(
            {
                entry.category
                for _, _, entry in catalog.personal_columns()
                if set(served) & set(entry.purposes)
            }
        )
        recipients = [r for r in catalog.recipients.values() if set(served) & set(r.purposes)]
        event = state.last_event
        purposes.append(
            {
                "purpose": label,
                "purposeId": key,
                "purposeCategory": list(served) or [key],
                "consentType": "EXPLICIT",
                "piiCategory": pii,
                "primaryPurpose": False,
                "termination": (
                    f"until withdrawn, at most {validity_months[key]} months (then we ask again)"
                    if validity_months and key in validity_months
                    else "until withdrawn"
                )
                + "; withdraw in the privacy center or with the link in any message",
                "thirdPartyDisclosure": bool(recipients),
                "thirdPartyName": [r.name for r in recipients],
                "state": state.status.value,
                "givenAt": state.given_at.isoformat() if state.given_at else None,
                "lastEvent": None
                if event is None
                else {
                    "event": event.kind.value,
                    "at": event.at.isoformat(),
                    "channel": event.channel.value,
                    "language": event.language,
                    "noticeVersion": event.notice_version,
                    "noticeTextSha256": event.text_hash,
                },
            }
        )
    principal = subject.reference if subject.person_id is not None else "browser"
    return {
        "version": RECEIPT_VERSION,
        "jurisdiction": "SE",
        "consentTimestamp": int(at.timestamp()),
        "collectionMethod": "varna consent ledger (banner, privacy center, API)",
        "consentReceiptID": str(
            uuid.uuid5(RECEIPT_NAMESPACE, f"{principal}:{at.isoformat()}:{notice_version}")
        ),
        "language": "en",
        "piiPrincipalId": principal,
        "piiControllers": [
            {
                "piiController": controller.name,
                "contact": controller.dpo.name,
                "address": controller.address,
                "email": controller.email,
                "piiControllerUrl": controller.website,
            }
        ],
        "policyUrl": policy_url,
        "noticeVersion": notice_version,
        "services": [{"service": controller.name, "purposes": purposes}],
        "sensitive": False,
        "spiCat": [],
    }
