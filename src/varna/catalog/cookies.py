"""The ``cookies`` section: cookie categories and every cookie or storage entry a site of
ours sets, with who sets it, why, for how long and who receives it (C8, R-CK-01).

``necessary`` is the one category that needs no consent. Every other category is asked for
first (LEK 9 kap. 28 §) and may name the consent purposes of the catalogue it serves, so that
a yes in the banner is a consent to those purposes (``preferences`` serves none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from varna.catalog.model import Label, Purpose, Recipient
from varna.catalog.reader import Node, choice, label, references

NECESSARY = "necessary"
# The first layer of the banner offers these, in this order (EDPB 05/2020, PTS).
CATEGORY_ORDER = ("necessary", "preferences", "statistics", "marketing")


class StorageKind(StrEnum):
    COOKIE = "cookie"
    LOCAL_STORAGE = "local_storage"


@dataclass(frozen=True)
class Cookie:
    name: str
    storage: StorageKind
    set_by: str  # who sets it: first party (our domain) or a named recipient
    purpose: Label
    lifetime: Label
    recipients: tuple[str, ...]  # recipient ids of the catalogue; () = nobody else


@dataclass(frozen=True)
class CookieCategory:
    id: str
    label: Label
    description: Label
    purposes: tuple[str, ...]  # the consent purposes a yes to this category grants
    cookies: tuple[Cookie, ...]

    @property
    def necessary(self) -> bool:
        return self.id == NECESSARY


def load_cookies(
    section: Node, purposes: Mapping[str, Purpose], recipients: Mapping[str, Recipient]
) -> Mapping[str, CookieCategory]:
    section.mapping()
    ids = [key for key, _ in section.items()]
    if sorted(ids) != sorted(CATEGORY_ORDER):
        raise section.error(f"the cookie categories are exactly {', '.join(CATEGORY_ORDER)}")
    categories: dict[str, CookieCategory] = {}
    seen: set[str] = set()
    for category_id in CATEGORY_ORDER:
        node = section.key(category_id)
        node.keys(required=("sv", "en", "description", "cookies"), optional=("purposes",))
        purposes_node = node.optional("purposes")
        purpose_ids = references(purposes_node, purposes, "purpose") if purposes_node else ()
        if category_id == NECESSARY and purpose_ids:
            raise node.key("purposes").error("strictly necessary cookies rest on no consent")
        for purpose_id in purpose_ids:
            if not purposes[purpose_id].consent_required:
                raise node.key("purposes").error(
                    f"{purpose_id!r} is not a consent purpose; non-essential cookies need "
                    "consent (LEK 9 kap. 28 §)"
                )
        description = node.key("description")
        description.keys(required=("sv", "en"))
        cookies = tuple(_cookie(entry, recipients) for entry in node.key("cookies").entries())
        for cookie, entry in zip(cookies, node.key("cookies").entries(), strict=True):
            if cookie.name in seen:
                raise entry.key("name").error(f"{cookie.name!r} is declared twice")
            seen.add(cookie.name)
        categories[category_id] = CookieCategory(
            id=category_id,
            label=label(node),
            description=label(description),
            purposes=purpose_ids,
            cookies=cookies,
        )
    return MappingProxyType(categories)


def _cookie(node: Node, recipients: Mapping[str, Recipient]) -> Cookie:
    node.keys(
        required=("name", "storage", "set_by", "purpose", "lifetime"), optional=("recipients",)
    )
    purpose, lifetime = node.key("purpose"), node.key("lifetime")
    purpose.keys(required=("sv", "en"))
    lifetime.keys(required=("sv", "en"))
    recipients_node = node.optional("recipients")
    return Cookie(
        name=node.key("name").text(),
        storage=choice(node.key("storage"), StorageKind, "storage"),
        set_by=node.key("set_by").text(),
        purpose=label(purpose),
        lifetime=label(lifetime),
        recipients=references(recipients_node, recipients, "recipient") if recipients_node else (),
    )
