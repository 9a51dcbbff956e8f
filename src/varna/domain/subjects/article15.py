"""What a register extract tells besides the data (Art. 15(1)-(2); docs/legal.md section 4), built
from the catalogue for the columns the person's data was found in (D1, D7)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from varna.catalog.model import Catalog, ColumnEntry, LegalBasis, Role

RIGHTS = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
    "withdraw_consent",
    "complaint",
)

RIGHT_TEXT = {
    "access": (
        "Du har rätt att få ett kostnadsfritt registerutdrag; du behöver inte ange skäl.",
        "You may get a free copy of your data; you need not give a reason.",
    ),
    "rectification": (
        "Du har rätt att få felaktiga eller ofullständiga uppgifter rättade.",
        "You may have wrong or incomplete data corrected.",
    ),
    "erasure": (
        "Du har rätt att få uppgifter raderade, utom när lag, avtal eller rättsliga "
        "anspråk kräver att vi sparar dem; vi säger då vad vi sparar, varför och hur "
        "länge.",
        "You may have data erased, except where law, a contract or legal claims require "
        "us to keep it; we then tell you what we keep, why and until when.",
    ),
    "restriction": (
        "Du har rätt att begära att behandlingen begränsas, t.ex. medan en rättelse prövas.",
        "You may have processing restricted, e.g. while a correction is checked.",
    ),
    "objection": (
        "Du har rätt att invända mot behandling som grundar sig på berättigat intresse, "
        "och alltid mot direktmarknadsföring.",
        "You may object to processing based on legitimate interests, and always to "
        "direct marketing.",
    ),
    "portability": (
        "Du har rätt att få ut uppgifter du har lämnat i ett maskinläsbart format "
        "(dataportabilitet).",
        "You may receive the data you provided in a machine-readable format (data portability).",
    ),
    "withdraw_consent": (
        "Du kan när som helst återkalla ett samtycke.",
        "You may withdraw a consent at any time.",
    ),
    "complaint": (
        "Du har rätt att klaga hos Integritetsskyddsmyndigheten (IMY).",
        "You may complain to the Swedish Authority for Privacy Protection (IMY).",
    ),
}

AUTOMATED_DECISIONS = {
    "exists": False,
    "sv": "Vi fattar inga beslut som enbart grundas på automatiserad behandling, inklusive "
    "profilering, som har rättsliga följder för dig eller på liknande sätt påverkar dig "
    "(art. 22).",
    "en": "We make no decisions based solely on automated processing, including profiling, "
    "that produce legal effects for you or similarly affect you (Art. 22).",
}


def _label(catalog_label: Any) -> dict[str, str]:
    return {"sv": catalog_label.sv, "en": catalog_label.en}


def article15(catalog: Catalog, entries: Iterable[ColumnEntry]) -> dict[str, Any]:
    """The Art. 15 information for the columns in ``entries`` (those holding the person's data)."""
    found = list(entries)
    category_ids = sorted({e.category for e in found})
    purpose_ids = sorted({p for e in found for p in e.purposes})
    purposes = [catalog.purpose(p) for p in purpose_ids]
    recipients = [
        r
        for r in catalog.recipients.values()
        if set(r.purposes) & set(purpose_ids)
        and (not r.categories or set(r.categories) & set(category_ids))
    ]
    authority = catalog.supervisory_authority
    controller = catalog.controller
    return {
        "controller": {
            "name": controller.name,
            "orgnr": controller.orgnr,
            "address": controller.address,
            "email": controller.email,
            "website": controller.website,
            "dpo": {"name": controller.dpo.name, "email": controller.dpo.email},
        },
        "purposes": [
            {
                "id": p.id,
                "label": _label(p.label),
                "description": _label(p.description),
                "role": p.role.value,
                "legal_basis": p.legal_basis.value,
                "article": p.article,
                "legitimate_interest": p.lia
                if p.legal_basis is LegalBasis.LEGITIMATE_INTERESTS
                else None,
            }
            for p in purposes
        ],
        "categories": [{"id": c, "label": _label(catalog.category(c).label)} for c in category_ids],
        "recipients": [
            {
                "id": r.id,
                "name": r.name,
                "kind": r.kind.value,
                "country": r.country,
                "in_eea": r.in_eea,
                "description": _label(r.description),
                "transfer_safeguards": None
                if r.in_eea
                else {"tool": r.transfer_safeguard.value, "tia": r.tia, "agreement": r.agreement},
            }
            for r in sorted(recipients, key=lambda r: r.id)
        ],
        "retention": _retention(catalog, found),
        "sources": _sources(found),
        "processor_data": sorted(
            {f"{e.table}.{e.column}" for e in found if e.role is Role.PROCESSOR}
        ),
        "rights": [{"right": r, "sv": RIGHT_TEXT[r][0], "en": RIGHT_TEXT[r][1]} for r in RIGHTS],
        "complaint": {
            "authority": authority.name,
            "short_name": authority.short_name,
            "website": authority.website,
            "address": authority.address,
            "email": authority.email,
        },
        "automated_decisions": dict(AUTOMATED_DECISIONS),
    }


def _retention(catalog: Catalog, found: list[ColumnEntry]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in found:
        for rule_id in entry.retention_rules:
            rule = catalog.effective_retention(rule_id)
            rows.setdefault(
                (entry.category, rule.id),
                {
                    "category": entry.category,
                    "rule": rule.id,
                    "period": str(rule.period),
                    "starts_at": rule.start_event.value,
                    "action": rule.action.value,
                    "criteria": _label(rule.description),
                    "legal_source": rule.legal_source,
                },
            )
    return sorted(rows.values(), key=lambda r: (r["category"], r["rule"]))


def _sources(found: list[ColumnEntry]) -> list[dict[str, Any]]:
    by_category: dict[str, set[str]] = {}
    for entry in found:
        by_category.setdefault(entry.category, set()).update(s.value for s in entry.sources)
    return [{"category": c, "sources": sorted(s)} for c, s in sorted(by_category.items())]
