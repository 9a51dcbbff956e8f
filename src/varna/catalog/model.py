"""The catalogue's types: frozen dataclasses with no I/O (promises C2, P4, R1, A1, C5, C6, P1, P7).

The loader (:mod:`varna.catalog.loader`) builds them from YAML and checks every cross
reference; code that holds a :class:`Catalog` can trust it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from varna.domain.errors import CatalogError

if TYPE_CHECKING:
    from varna.catalog.cookies import CookieCategory

T = TypeVar("T")


class UnknownCatalogEntry(CatalogError, LookupError):
    """A lookup named an id that the catalogue does not declare."""

    def __init__(self, kind: str, entry_id: str) -> None:
        self.kind = kind
        self.entry_id = entry_id
        super().__init__(f"unknown {kind} {entry_id!r}")


class Role(StrEnum):
    CONTROLLER = "controller"
    PROCESSOR = "processor"


class LegalBasis(StrEnum):
    """Art. 6(1) bases, plus the processor's ground: the controller's documented instruction."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    PROCESSOR_INSTRUCTION = "processor_instruction"


# The article each basis must cite: a purpose's ``article`` text has to contain it.
LEGAL_BASIS_ARTICLES: Mapping[LegalBasis, str] = {
    LegalBasis.CONSENT: "6(1)(a)",
    LegalBasis.CONTRACT: "6(1)(b)",
    LegalBasis.LEGAL_OBLIGATION: "6(1)(c)",
    LegalBasis.VITAL_INTERESTS: "6(1)(d)",
    LegalBasis.PUBLIC_TASK: "6(1)(e)",
    LegalBasis.LEGITIMATE_INTERESTS: "6(1)(f)",
    LegalBasis.PROCESSOR_INSTRUCTION: "28(3)(a)",
}


class RecipientKind(StrEnum):
    PROCESSOR = "processor"  # processes for us where we are controller (P7)
    SUB_PROCESSOR = "sub_processor"  # processes for us where we are processor (P1)
    RECIPIENT = "recipient"  # an independent controller (C6)
    AUTHORITY = "authority"


class TransferSafeguard(StrEnum):
    """The transfer tool for a recipient (R-TRF-01); ``none`` is valid only inside the EU/EEA."""

    NONE = "none"
    ADEQUACY = "adequacy"  # Art. 45 decision for the country
    DPF = "dpf"  # EU-US Data Privacy Framework, Decision (EU) 2023/1795
    SCC_2021_914 = "scc_2021_914"  # Art. 46(2)(c) + transfer impact assessment
    BCR = "bcr"  # Art. 47
    DEROGATION_49 = "derogation_49"  # occasional transfers only


class StartEvent(StrEnum):
    """What starts a retention clock."""

    CONTRACT_END = "contract_end"
    FISCAL_YEAR_END = "fiscal_year_end"
    TICKET_CLOSED = "ticket_closed"
    VISIT = "visit"
    LAST_CONTACT = "last_contact"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    INVOICE_SETTLED = "invoice_settled"
    RECORD_CREATED = "record_created"


class RetentionAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"


class PeriodUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


class Source(StrEnum):
    """Where a piece of personal data comes from (Art. 14(2)(f), 15(1)(g))."""

    PROVIDED_BY_SUBJECT = "provided_by_subject"
    FROM_EMPLOYER = "from_employer"
    FROM_CONTROLLER = "from_controller"
    FROM_SUB_PROCESSOR = "from_sub_processor"
    FROM_THIRD_PARTY = "from_third_party"
    OBSERVED = "observed"
    GENERATED = "generated"
    INFERRED = "inferred"  # derived by us (a score, a segment): never portable (Art. 20)


class ErasureMethod(StrEnum):
    """What erasing a table's rows for a person does (D4)."""

    DELETE = "delete"  # the rows go
    ANONYMISE = "anonymise"  # the rows stay, their links to the person are cut, ``clear`` emptied


class IdentifierKind(StrEnum):
    """The identifiers a person can be found by: given in a request (``PERSON_ID`` among
    them), or declared by a catalogued column as the ``lookup`` it holds."""

    EMAIL = "email"
    PHONE = "phone"
    PERSONNUMMER = "personnummer"
    ICCID = "iccid"
    IMSI = "imsi"
    MSISDN = "msisdn"
    END_USER_REF = "end_user_ref"
    EMAIL_HMAC = "email_hmac"  # the keyed hash kept on the suppression list (D8)
    PERSON_ID = "person_id"  # varna's own id of a person: given, never a column's lookup


# Identifiers a person carries themselves; the others name a SIM (processor data, A3).
PERSONAL_KINDS = frozenset(
    {
        IdentifierKind.EMAIL,
        IdentifierKind.PHONE,
        IdentifierKind.PERSONNUMMER,
        IdentifierKind.PERSON_ID,
    }
)
# The values of a person's own row (``people``): what their text forms are searched by.
CARRIED_KINDS = PERSONAL_KINDS - {IdentifierKind.PERSON_ID}
# The identifiers of a SIM: they route a request to the SIM's controller (A3).
SIM_KINDS = frozenset({IdentifierKind.ICCID, IdentifierKind.IMSI, IdentifierKind.MSISDN})
# What a column may declare as its ``lookup``, and what a request may give.
LOOKUP_KINDS = tuple(kind for kind in IdentifierKind if kind is not IdentifierKind.PERSON_ID)
GIVEN_KINDS = tuple(kind for kind in IdentifierKind if kind is not IdentifierKind.EMAIL_HMAC)


class LinkKind(StrEnum):
    """How the rows of a table reach a person or a controller."""

    SELF = "self"  # each row is the subject (people; organisations, a person if a sole trader)
    PERSON = "person"  # the column holds people.id
    ORGANISATION = "organisation"  # the column holds organisations.id
    VIA = "via"  # the column points to a row of another table that links further
    PSEUDONYM = "pseudonym"  # the column holds a key for a person kept elsewhere
    # the row is named by rows of another table (``to``) that match the person by their own
    # lookup columns and point at it with their ``via`` link (a SIM by its end-user reference)
    NAMED_BY = "named_by"


LINK_TARGETS: Mapping[LinkKind, str] = {
    LinkKind.PERSON: "people",
    LinkKind.ORGANISATION: "organisations",
}


@dataclass(frozen=True)
class Label:
    sv: str
    en: str

    def __call__(self, language: str) -> str:
        return self.sv if language == "sv" else self.en


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Controller:
    name: str
    orgnr: str
    address: str
    email: str
    website: str
    dpo: Contact


@dataclass(frozen=True)
class SupervisoryAuthority:
    name: str
    short_name: str
    website: str
    address: str
    email: str


@dataclass(frozen=True)
class Category:
    id: str
    label: Label
    direct_identifier: bool
    promises: tuple[str, ...]  # the promise ids of the policy that name it (C2, P4)


@dataclass(frozen=True)
class SubjectType:
    id: str
    label: Label
    role: Role


@dataclass(frozen=True)
class Purpose:
    id: str
    label: Label
    description: Label
    role: Role
    legal_basis: LegalBasis
    article: str
    consent_required: bool
    lia: str | None  # the stored balancing test, for legitimate interests (R-LB-01)


@dataclass(frozen=True)
class Recipient:
    id: str
    name: str
    kind: RecipientKind
    country: str  # ISO 3166-1 alpha-2
    agreement: str  # DPA reference, or the legal basis of a disclosure to an authority
    transfer_safeguard: TransferSafeguard
    tia: str | None  # transfer impact assessment, required with SCCs
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    description: Label
    in_eea: bool
    notices_to: str | None = None  # where Art. 19 notices go (erasure, rectification, restriction)


@dataclass(frozen=True)
class Period:
    amount: int
    unit: PeriodUnit

    def after(self, start: date) -> date:
        """``start`` plus this period; a day that does not exist becomes the month's last."""
        if self.unit is PeriodUnit.DAYS:
            return date.fromordinal(start.toordinal() + self.amount)
        months = self.amount * (12 if self.unit is PeriodUnit.YEARS else 1)
        index = start.year * 12 + start.month - 1 + months
        year, month = divmod(index, 12)
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return date(year, month + 1, day)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class RetentionRule:
    id: str
    start_event: StartEvent
    period: Period
    until_end_of_year: bool
    action: RetentionAction
    legal_source: str
    description: Label
    controller_instruction: bool  # the controller's DPA may set another period (A2)
    pack: str | None  # the policy pack this rule belongs to
    otherwise: str | None  # the rule that applies while that pack is switched off
    # The Art. 17(3) exception this rule carries: data under it is kept through an erasure
    # request until the rule's due date (bookkeeping, legal_obligation, evidence). None: none.
    exception: str | None = None
    # For a ``fiscal_year_end`` clock: the month the company's fiscal year ends with (12: the
    # calendar year; a setting, applied by :meth:`Catalog.with_fiscal_year_end`).
    fiscal_year_end_month: int = 12

    def due(self, start: date) -> date | None:
        """The last day data whose clock started on ``start`` is kept; None for ``keep``. A
        ``fiscal_year_end`` clock starts at the end of the fiscal year ``start`` falls in."""
        if self.action is RetentionAction.KEEP:
            return None
        if self.start_event is StartEvent.FISCAL_YEAR_END:
            start = fiscal_year_end(start, self.fiscal_year_end_month)
        end = self.period.after(start)
        return date(end.year, 12, 31) if self.until_end_of_year else end


def fiscal_year_end(day: date, end_month: int = 12) -> date:
    """The last day of the fiscal year ``day`` falls in, for a fiscal year that ends with
    month ``end_month`` (bokföringslagen 3 kap.: twelve whole months): 2025-09-01 with a
    fiscal year ending in June -> 2026-06-30; in December -> 2025-12-31."""
    year = day.year if day.month <= end_month else day.year + 1
    return date(year, end_month, calendar.monthrange(year, end_month)[1])


@dataclass(frozen=True)
class Erasure:
    method: ErasureMethod
    clear: tuple[str, ...]  # anonymise: personal columns emptied (NULL, or a placeholder)


@dataclass(frozen=True)
class SubjectLink:
    kind: LinkKind
    column: str | None  # None for ``self`` and ``named_by``
    to: str | None  # the table the column points to (people, organisations or a ``via``
    # table), or for ``named_by`` the table whose rows name this one


@dataclass(frozen=True)
class ColumnEntry:
    """One column that holds personal data."""

    table: str
    column: str
    category: str
    subjects: tuple[str, ...]
    role: Role
    retention: tuple[tuple[str, str], ...]  # (subject type, retention rule id)
    purposes: tuple[str, ...]
    sources: tuple[Source, ...]
    lookup: IdentifierKind | None = None  # the identifier this column holds, for finding a person
    search_text: bool = False  # free text searched for mentions of a person's identifiers
    redact_in_extract: bool = False  # about someone else (a staff member): redacted (15(4))

    def retention_for(self, subject: str) -> str:
        for subject_id, rule_id in self.retention:
            if subject_id == subject:
                return rule_id
        raise UnknownCatalogEntry(f"subject of {self.table}.{self.column}", subject)

    @property
    def retention_rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule_id for _, rule_id in self.retention))


@dataclass(frozen=True)
class TableEntry:
    name: str
    role: Role
    controller_column: str | None  # for processor data: the column leading to the controller
    subject_link: tuple[SubjectLink, ...]
    personal: Mapping[str, ColumnEntry]
    other: tuple[str, ...]
    retention: str | None  # a rule for the rows themselves, where one applies
    erasure: Erasure | None = None  # how a person's rows are erased (D4)
    clock_column: str | None = None  # the column that starts the retention clock of a row

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.personal, *self.other)


@dataclass(frozen=True)
class Catalog:
    version: int
    controller: Controller
    supervisory_authority: SupervisoryAuthority
    packs: Mapping[str, bool]
    categories: Mapping[str, Category]
    subjects: Mapping[str, SubjectType]
    purposes: Mapping[str, Purpose]
    recipients: Mapping[str, Recipient]
    retention_rules: Mapping[str, RetentionRule]
    tables: Mapping[str, TableEntry]
    # The cookie categories of our websites, in banner order (C8); see catalog/cookies.py.
    cookies: Mapping[str, CookieCategory] = field(default_factory=lambda: MappingProxyType({}))

    def category(self, category_id: str) -> Category:
        return _lookup(self.categories, "category", category_id)

    def subject(self, subject_id: str) -> SubjectType:
        return _lookup(self.subjects, "subject type", subject_id)

    def purpose(self, purpose_id: str) -> Purpose:
        return _lookup(self.purposes, "purpose", purpose_id)

    def recipient(self, recipient_id: str) -> Recipient:
        return _lookup(self.recipients, "recipient", recipient_id)

    def retention_rule(self, rule_id: str) -> RetentionRule:
        return _lookup(self.retention_rules, "retention rule", rule_id)

    def with_fiscal_year_end(self, end_month: int) -> Catalog:
        """This catalogue for a company whose fiscal year ends with month ``end_month``: the
        rules on a ``fiscal_year_end`` clock (bookkeeping, R4) count from that year's end."""
        if not 1 <= end_month <= 12:
            raise ValueError(f"a fiscal year ends with a month 1-12, not {end_month}")
        rules = {
            rule_id: replace(rule, fiscal_year_end_month=end_month)
            if rule.start_event is StartEvent.FISCAL_YEAR_END
            else rule
            for rule_id, rule in self.retention_rules.items()
        }
        return replace(self, retention_rules=MappingProxyType(rules))

    def effective_retention(self, rule_id: str) -> RetentionRule:
        """The rule in force for ``rule_id``: its ``otherwise`` rule while its pack is off."""
        rule = self.retention_rule(rule_id)
        while rule.pack is not None and not self.packs[rule.pack] and rule.otherwise:
            rule = self.retention_rule(rule.otherwise)
        return rule

    def table(self, name: str) -> TableEntry:
        return _lookup(self.tables, "table", name)

    def personal_columns(self) -> Iterator[tuple[str, str, ColumnEntry]]:
        for table in self.tables.values():
            for column, entry in table.personal.items():
                yield table.name, column, entry

    def columns_of_category(self, category_id: str) -> tuple[ColumnEntry, ...]:
        self.category(category_id)
        return tuple(e for _, _, e in self.personal_columns() if e.category == category_id)

    def consent_purposes(self) -> tuple[Purpose, ...]:
        return tuple(p for p in self.purposes.values() if p.consent_required)

    def recipients_outside_eea(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients.values() if not r.in_eea)

    def sub_processors(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients.values() if r.kind is RecipientKind.SUB_PROCESSOR)


def _lookup(entries: Mapping[str, T], kind: str, entry_id: str) -> T:
    try:
        return entries[entry_id]
    except KeyError:
        raise UnknownCatalogEntry(kind, entry_id) from None
