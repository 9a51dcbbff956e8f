"""Read a catalogue YAML, check every entry and cross reference, build the :class:`Catalog`.

Errors name the dotted path of the bad entry, for example
``tables.people.personal.email.category: unknown category 'contct'``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from varna.catalog import geography
from varna.catalog.cookies import load_cookies
from varna.catalog.model import (
    LEGAL_BASIS_ARTICLES,
    Catalog,
    Category,
    Contact,
    Controller,
    LegalBasis,
    Period,
    PeriodUnit,
    Purpose,
    Recipient,
    RecipientKind,
    RetentionAction,
    RetentionRule,
    Role,
    StartEvent,
    SubjectType,
    SupervisoryAuthority,
    TransferSafeguard,
)
from varna.catalog.reader import (
    CatalogEntryError,
    Node,
    choice,
    label,
    parse_yaml,
    reference,
    references,
)
from varna.catalog.table_entries import load_tables

SUPPORTED_VERSION = 1
DEFAULT_RESOURCE = "default.yaml"
PROMISE_ID = re.compile(r"^[A-Z]\d+$")
PERIOD = re.compile(r"^(\d+) (day|month|year)s?$")


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and check the catalogue at ``path``, or the built-in ``catalog/default.yaml``."""
    if path is None:
        resource = resources.files("varna.catalog").joinpath(DEFAULT_RESOURCE)
        return parse_catalog(
            resource.read_text(encoding="utf-8"), source=f"varna/catalog/{DEFAULT_RESOURCE}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CatalogEntryError(
            "", f"cannot read the catalogue: {reason}", source=str(path)
        ) from None
    return parse_catalog(text, source=str(path))


def parse_catalog(text: str, *, source: str | None = None) -> Catalog:
    """Build a catalogue from YAML text; ``source`` names the file in error messages."""
    try:
        return build_catalog(Node(parse_yaml(text)))
    except CatalogEntryError as exc:
        raise CatalogEntryError(exc.path, exc.reason, source=source) from None


def build_catalog(root: Node) -> Catalog:
    root.keys(
        required=(
            "version",
            "controller",
            "supervisory_authority",
            "categories",
            "subjects",
            "purposes",
            "recipients",
            "retention_rules",
            "tables",
        ),
        optional=("packs", "cookies"),
    )
    version_node = root.key("version")
    if version_node.integer() != SUPPORTED_VERSION:
        raise version_node.error(f"this varna reads catalogue version {SUPPORTED_VERSION}")
    packs_node = root.optional("packs")
    packs = {k: n.boolean() for k, n in packs_node.items()} if packs_node else {}
    categories = {k: _category(k, n) for k, n in root.key("categories").items()}
    subjects = {k: _subject(k, n) for k, n in root.key("subjects").items()}
    purposes = {k: _purpose(k, n) for k, n in root.key("purposes").items()}
    rules = _retention_rules(root.key("retention_rules"), packs)
    recipients = {
        k: _recipient(k, n, purposes, categories) for k, n in root.key("recipients").items()
    }
    tables = load_tables(root.key("tables"), categories, subjects, purposes, rules)
    cookies_node = root.optional("cookies")
    cookies = load_cookies(cookies_node, purposes, recipients) if cookies_node else None
    return Catalog(
        version=SUPPORTED_VERSION,
        controller=_controller(root.key("controller")),
        supervisory_authority=_authority(root.key("supervisory_authority")),
        packs=MappingProxyType(packs),
        categories=MappingProxyType(categories),
        subjects=MappingProxyType(subjects),
        purposes=MappingProxyType(purposes),
        recipients=MappingProxyType(recipients),
        retention_rules=MappingProxyType(rules),
        tables=MappingProxyType(tables),
        cookies=cookies if cookies is not None else MappingProxyType({}),
    )


# -- sections -------------------------------------------------------------------------------


def _controller(node: Node) -> Controller:
    node.keys(required=("name", "orgnr", "address", "email", "website", "dpo"))
    dpo = node.key("dpo")
    dpo.keys(required=("name", "email"))
    return Controller(
        name=node.key("name").text(),
        orgnr=node.key("orgnr").text(),
        address=node.key("address").text(),
        email=node.key("email").text(),
        website=node.key("website").text(),
        dpo=Contact(name=dpo.key("name").text(), email=dpo.key("email").text()),
    )


def _authority(node: Node) -> SupervisoryAuthority:
    node.keys(required=("name", "short_name", "website", "address", "email"))
    return SupervisoryAuthority(
        name=node.key("name").text(),
        short_name=node.key("short_name").text(),
        website=node.key("website").text(),
        address=node.key("address").text(),
        email=node.key("email").text(),
    )


def _category(category_id: str, node: Node) -> Category:
    node.keys(required=("sv", "en", "direct_identifier"), optional=("promises",))
    promises_node = node.optional("promises")
    promises = promises_node.texts(allow_empty=True) if promises_node else ()
    for index, promise in enumerate(promises):
        if not PROMISE_ID.match(promise):
            raise Node(promise, f"{node.path}.promises[{index}]").error(
                f"{promise!r} is not a promise id such as C2 or P4"
            )
    return Category(
        id=category_id,
        label=label(node),
        direct_identifier=node.key("direct_identifier").boolean(),
        promises=promises,
    )


def _subject(subject_id: str, node: Node) -> SubjectType:
    node.keys(required=("sv", "en", "role"))
    return SubjectType(
        id=subject_id, label=label(node), role=choice(node.key("role"), Role, "role")
    )


def _purpose(purpose_id: str, node: Node) -> Purpose:
    node.keys(
        required=("sv", "en", "description", "role", "legal_basis", "article", "consent_required"),
        optional=("lia",),
    )
    role = choice(node.key("role"), Role, "role")
    basis = choice(node.key("legal_basis"), LegalBasis, "legal basis")
    article_node = node.key("article")
    article = article_node.text()
    if LEGAL_BASIS_ARTICLES[basis] not in article:
        raise article_node.error(
            f"the legal basis {basis.value} is Art. {LEGAL_BASIS_ARTICLES[basis]}; "
            "the article text must cite it"
        )
    consent_node = node.key("consent_required")
    consent_required = consent_node.boolean()
    if consent_required != (basis is LegalBasis.CONSENT):
        raise consent_node.error("must be true exactly when the legal basis is consent (C5)")
    if (role is Role.PROCESSOR) != (basis is LegalBasis.PROCESSOR_INSTRUCTION):
        raise node.key("role").error(
            "a processor purpose rests on the controller's instruction (processor_instruction), "
            "and only a processor purpose does"
        )
    lia_node = node.optional("lia")
    if basis is LegalBasis.LEGITIMATE_INTERESTS and lia_node is None:
        raise Node(None, f"{node.path}.lia").error(
            "legitimate interests need a recorded balancing test (R-LB-01)"
        )
    description = node.key("description")
    description.keys(required=("sv", "en"))
    return Purpose(
        id=purpose_id,
        label=label(node),
        description=label(description),
        role=role,
        legal_basis=basis,
        article=article,
        consent_required=consent_required,
        lia=lia_node.text() if lia_node else None,
    )


def _period(node: Node) -> Period:
    match = PERIOD.match(node.text().strip())
    if match is None:
        raise node.error("expected a period such as '365 days', '24 months' or '7 years'")
    return Period(amount=int(match.group(1)), unit=PeriodUnit(match.group(2) + "s"))


def _retention_rules(section: Node, packs: Mapping[str, bool]) -> dict[str, RetentionRule]:
    rules: dict[str, RetentionRule] = {}
    for rule_id, node in section.items():
        node.keys(
            required=("start_event", "period", "action", "legal_source", "sv", "en"),
            optional=(
                "until_end_of_year",
                "controller_instruction",
                "pack",
                "otherwise",
                "exception",
            ),
        )
        pack_node, otherwise_node = node.optional("pack"), node.optional("otherwise")
        if pack_node is not None:
            reference(pack_node, packs, "pack")
        if otherwise_node is not None and pack_node is None:
            raise otherwise_node.error("only a rule that belongs to a pack has an otherwise rule")
        flag = node.optional("until_end_of_year")
        instruction = node.optional("controller_instruction")
        rules[rule_id] = RetentionRule(
            id=rule_id,
            start_event=choice(node.key("start_event"), StartEvent, "start event"),
            period=_period(node.key("period")),
            until_end_of_year=flag.boolean() if flag else False,
            action=choice(node.key("action"), RetentionAction, "action"),
            legal_source=node.key("legal_source").text(),
            description=label(node),
            controller_instruction=instruction.boolean() if instruction else False,
            pack=pack_node.text() if pack_node else None,
            otherwise=otherwise_node.text() if otherwise_node else None,
            exception=_exception(node.optional("exception")),
        )
    for rule_id, rule in rules.items():
        if rule.otherwise is None:
            continue
        node = Node(rule.otherwise, f"{section.path}.{rule_id}.otherwise")
        reference(node, rules, "retention rule")
        if rules[rule.otherwise].pack is not None:
            raise node.error("the otherwise rule must not itself belong to a pack")
    return rules


ERASURE_EXCEPTIONS = ("bookkeeping", "legal_obligation", "evidence")


def _exception(node: Node | None) -> str | None:
    """D4: only an Art. 17(3) ground keeps data through erasure; legitimate interest is none."""
    if node is None:
        return None
    value = node.text()
    if value not in ERASURE_EXCEPTIONS:
        raise node.error(
            f"unknown erasure exception {value!r}; expected one of {', '.join(ERASURE_EXCEPTIONS)}"
        )
    return value


def _recipient(
    recipient_id: str,
    node: Node,
    purposes: Mapping[str, Purpose],
    categories: Mapping[str, Category],
) -> Recipient:
    node.keys(
        required=(
            "name",
            "kind",
            "country",
            "agreement",
            "transfer_safeguard",
            "purposes",
            "sv",
            "en",
        ),
        optional=("tia", "categories", "notices_to"),
    )
    kind = choice(node.key("kind"), RecipientKind, "recipient kind")
    notices_node = node.optional("notices_to")
    notices_to = notices_node.text() if notices_node else None
    if notices_node and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", notices_to or ""):
        raise notices_node.error("notices_to must be an e-mail address (Art. 19 notices)")
    country_node = node.key("country")
    country = country_node.text()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise country_node.error(f"{country!r} is not an ISO 3166-1 alpha-2 country code")
    safeguard_node = node.key("transfer_safeguard")
    safeguard = choice(safeguard_node, TransferSafeguard, "transfer safeguard")
    tia_node = node.optional("tia")
    _check_transfer(safeguard_node, country, safeguard, kind, tia_node is not None)
    purposes_node = node.key("purposes")
    purpose_ids = references(purposes_node, purposes, "purpose")
    wanted = {RecipientKind.SUB_PROCESSOR: Role.PROCESSOR, RecipientKind.PROCESSOR: Role.CONTROLLER}
    for purpose_id in purpose_ids:
        if kind in wanted and purposes[purpose_id].role is not wanted[kind]:
            raise purposes_node.error(
                f"a {kind.value} serves {wanted[kind].value} purposes; "
                f"{purpose_id!r} is a {purposes[purpose_id].role.value} purpose (A1)"
            )
    categories_node = node.optional("categories")
    return Recipient(
        id=recipient_id,
        name=node.key("name").text(),
        kind=kind,
        country=country,
        agreement=node.key("agreement").text(),
        transfer_safeguard=safeguard,
        tia=tia_node.text() if tia_node else None,
        purposes=purpose_ids,
        categories=references(categories_node, categories, "category") if categories_node else (),
        description=label(node),
        in_eea=geography.in_eea(country),
        notices_to=notices_to,
    )


def _check_transfer(
    node: Node, country: str, safeguard: TransferSafeguard, kind: RecipientKind, has_tia: bool
) -> None:
    """R-TRF-01: a recipient outside the EU/EEA needs a transfer tool that fits its country."""
    if geography.in_eea(country):
        if safeguard is not TransferSafeguard.NONE:
            raise node.error(f"{country} is in the EU/EEA: no transfer tool applies; use none")
        return
    if safeguard is TransferSafeguard.NONE:
        tools = ", ".join(s.value for s in TransferSafeguard if s is not TransferSafeguard.NONE)
        raise node.error(
            f"{country} is outside the EU/EEA: a transfer needs a safeguard ({tools}) (R-TRF-01)"
        )
    if safeguard is TransferSafeguard.ADEQUACY and country not in geography.ADEQUATE_COUNTRIES:
        raise node.error(f"there is no adequacy decision for {country}")
    if safeguard is TransferSafeguard.DPF and country not in geography.DPF_COUNTRIES:
        raise node.error("the Data Privacy Framework covers importers in the United States only")
    if safeguard is TransferSafeguard.SCC_2021_914 and not has_tia:
        raise node.error("standard contractual clauses need a transfer impact assessment (tia)")
    if safeguard is TransferSafeguard.DEROGATION_49 and kind in (
        RecipientKind.PROCESSOR,
        RecipientKind.SUB_PROCESSOR,
    ):
        raise node.error("an Art. 49 derogation covers occasional transfers, not a processor")
