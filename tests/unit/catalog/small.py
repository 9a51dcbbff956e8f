"""A small valid catalogue as plain data: one controller table, one processor table chained
to a customer, two rules in a pack. Tests break one entry of it at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Data = dict[str, Any]


def small_catalogue() -> Data:
    def label(sv: str, en: str) -> dict[str, str]:
        return {"sv": sv, "en": en}

    return {
        "version": 1,
        "controller": {
            "name": "Provbolaget AB",
            "orgnr": "556036-0793",
            "address": "Gatan 1, Ort",
            "email": "info@example.com",
            "website": "https://example.com",
            "dpo": {"name": "Dataskyddsombud", "email": "dpo@example.com"},
        },
        "supervisory_authority": {
            "name": "Integritetsskyddsmyndigheten",
            "short_name": "IMY",
            "website": "https://www.imy.se",
            "address": "Box 8114, 104 20 Stockholm",
            "email": "imy@imy.se",
        },
        "packs": {"traffic": True},
        "categories": {
            "email": {**label("E-post", "E-mail"), "direct_identifier": True},
            "sim_identifier": {**label("SIM", "SIM"), "direct_identifier": True},
        },
        "subjects": {
            "customer_contact": {**label("Kontakt", "Contact"), "role": "controller"},
            "end_user": {**label("Slutanvändare", "End user"), "role": "processor"},
        },
        "purposes": {
            "contract": {
                **label("Avtal", "Contract"),
                "description": label("Avtalet", "The contract"),
                "role": "controller",
                "legal_basis": "contract",
                "article": "GDPR Art. 6(1)(b)",
                "consent_required": False,
            },
            "newsletter": {
                **label("Nyhetsbrev", "Newsletter"),
                "description": label("Brev", "Letters"),
                "role": "controller",
                "legal_basis": "consent",
                "article": "GDPR Art. 6(1)(a)",
                "consent_required": True,
            },
            "iot_service": {
                **label("IoT", "IoT"),
                "description": label("Tjänsten", "The service"),
                "role": "processor",
                "legal_basis": "processor_instruction",
                "article": "GDPR Art. 28(3)(a)",
                "consent_required": False,
            },
        },
        "recipients": {
            "mail_host": {
                "name": "Posten",
                "kind": "processor",
                "country": "SE",
                "agreement": "DPA-1",
                "transfer_safeguard": "none",
                "purposes": ["contract"],
                **label("Post", "Mail"),
            },
        },
        "retention_rules": {
            "post_contract": {
                "start_event": "contract_end",
                "period": "365 days",
                "action": "delete",
                "legal_source": "GDPR Art. 5(1)(e)",
                **label("Ett år", "One year"),
            },
            "short_traffic": {
                "start_event": "record_created",
                "period": "30 days",
                "action": "delete",
                "legal_source": "LEK",
                "pack": "traffic",
                "otherwise": "post_contract",
                **label("Trafik", "Traffic"),
            },
        },
        "tables": {
            "organisations": {
                "role": "controller",
                "subject_link": [{"kind": "self"}],
                "other": ["id"],
            },
            "people": {
                "role": "controller",
                "subject_link": [{"kind": "self"}],
                "other": ["id", "organisation_id"],
                "personal": {
                    "email": {
                        "category": "email",
                        "subject": "customer_contact",
                        "retention": "post_contract",
                        "purposes": ["contract"],
                        "source": "provided_by_subject",
                        "lookup": "email",
                    },
                },
            },
            "sims": {
                "role": "processor",
                "controller_column": "customer_id",
                "subject_link": [{"kind": "organisation", "column": "customer_id"}],
                "other": ["id", "customer_id"],
                "personal": {
                    "iccid": {
                        "category": "sim_identifier",
                        "subject": "end_user",
                        "retention": "short_traffic",
                        "purposes": ["iot_service"],
                        "source": "from_controller",
                        "lookup": "iccid",
                    },
                },
            },
        },
    }


def write(tmp_path: Path, data: Data, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
