"""What a sweep works through, derived from the catalogue (R1, R2, R4, R5, P6).

* ``rows``: tables whose rows carry their own clock column (invoices by fiscal year, tickets by
  closure, web visits, leads by last contact, records of rights): a due row is deleted with the
  rows that hang on it through a ``via`` link (an invoice's lines and payments, a ticket's
  messages). A row that another table still points at (a lead that became an order) stays.
* ``subjects``: people whose every role is past its rule: contacts after their relationship
  ended (post-contract rule, R2), leads without an order after their last contact, newsletter
  subscribers once their consent is withdrawn, web visitors after their last visit; one
  target per rule, a person on the target of the first rule among their roles. Erased through
  the subject engine's decisions (what an exception keeps is kept).
* ``usage``: usage records, on the rule in force for traffic data (the LEK pack, or the
  processor rule when it is switched off): deleted, or anonymised into daily totals.
* ``columns``: columns with a shorter rule than their row (cell id and LAC/TAC, R-RET-05):
  emptied in place.
* ``vault``: evidence vault entries past their own end date (R6).
* ``contract_columns``: columns on the post-contract rule in rows that a longer rule keeps (an
  organisation's address and privacy contact, a payment's card token: the rows stay for
  bookkeeping): emptied once every contract of the organisation has ended and the rule's
  period has passed (R2).
* ``ledger``: the consent ledger's chains (a subject's events for one purpose), once the
  latest ended the consent and the proof rule's period has passed (C7).
* ``processor``: a customer's processor data (SIMs, their end-user references, devices) once
  every contract of that customer has ended and the processor rule's period (or the one in
  the customer's instruction) has passed (R2, A2, GDPR Art. 28(3)(g)); its usage records go
  on the ``usage`` target at the same point, whatever their own clock says.

A sweep must end in the same state whether it runs every day or once years later. So a target
whose clock reads the rows of another target's table runs before that target (usage, whose
clock is the settlement of invoices, before the bookkeeping rule deletes the invoices), and a
clock that reads other rows is bounded by those rows' own rule: usage is never kept longer
than the invoices of its time (``horizon``), even when they are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from varna.catalog.model import (
    Catalog,
    LinkKind,
    RetentionAction,
    RetentionRule,
    Role,
    StartEvent,
    TableEntry,
)


class TargetKind(StrEnum):
    ROWS = "rows"
    SUBJECTS = "subjects"
    USAGE = "usage"
    COLUMNS = "columns"
    VAULT = "vault"
    PROCESSOR = "processor"
    CONTRACT_COLUMNS = "contract_columns"
    LEDGER = "ledger"


class Action(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    CLEAR = "clear"  # columns emptied, the row stays
    MOVE = "move"  # to the evidence vault (R6)
    HOLD = "hold"  # kept: a legal hold or a legitimate-interest decision


# Clocks for tables whose catalogue entry names none: the column that starts the clock.
DEFAULT_CLOCKS = {
    "quote_requests": "received_at",
    "mail_outbox": "created_at",
    "privacy_center_links": "created_at",
}
ROW_CLOCK_EVENTS = frozenset(
    {
        StartEvent.FISCAL_YEAR_END,
        StartEvent.TICKET_CLOSED,
        StartEvent.VISIT,
        StartEvent.LAST_CONTACT,
        StartEvent.RECORD_CREATED,
    }
)
# Never swept as rows: the vault has its own end date; the subject engine handles people;
# usage has targets of its own.
NOT_ROW_TARGETS = frozenset({"evidence_vault", "people", "usage_records"})
# Rows whose retention runs from another column than the catalogue's clock: a legal hold's
# record (reason, reference, owner) runs from its release; a hold in force never goes.
SWEEP_CLOCKS = {"legal_holds": "released_at"}
PEOPLE = "people"
USAGE = "usage_records"
VAULT = "evidence_vault"
POST_CONTRACT = "post_contract"
USAGE_TRAFFIC = "usage_traffic"
USAGE_LOCATION = "usage_location"
VAULT_RULE = "evidence_vault"
INVOICES = "invoices"
# The rows the people targets' clocks read (contracts, leads' requests, visits, consents).
PEOPLE_CLOCKS = (
    "person_roles",
    "contracts",
    "orders",
    "quote_requests",
    "web_visits",
    "consent_events",
)
SIMS = "sims"
CONTRACTS = "contracts"
ORGANISATIONS = "organisations"
CONSENT_LEDGER = "consent_events"
LEDGER_KEYED = ("unsubscribe_tokens",)  # keyed by person and purpose: they go with the chain
PROCESSOR_RULE = "processor_contract_end"


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    kind: TargetKind
    table: str
    rule: RetentionRule  # the rule in force (packs applied)
    categories: tuple[str, ...]
    action: Action
    clock_column: str | None = None
    children: tuple[tuple[str, str], ...] = ()  # (table, column pointing at this table's id)
    columns: tuple[str, ...] = ()  # for ``columns`` targets: the columns emptied
    roles: tuple[str, ...] = ()  # for ``subjects`` targets: the person roles of its rule
    reads: tuple[str, ...] = ()  # tables its clock reads: their targets run after this one
    # The rule of the rows its clock reads: data started on or before that rule's cut-off is
    # due even when those rows are gone (usage: the bookkeeping rule of the invoices).
    horizon: RetentionRule | None = None
    # For ``columns`` targets: the target of their rows; rows it takes in the same sweep are
    # not counted as cleared (a dry run says what the run does).
    rows_of: Target | None = None
    # The processor rule (contract end): for ``usage``, all of an ended customer's records
    # are due once it has passed, whatever ``rule`` says.
    contract_end: RetentionRule | None = None


def _row_rule(catalog: Catalog, entry: TableEntry, clock: str) -> RetentionRule | None:
    if clock in entry.personal and len(entry.personal[clock].retention_rules) == 1:
        rule_id = entry.personal[clock].retention_rules[0]
    elif entry.retention is not None:
        rule_id = entry.retention
    else:
        rules = {r for column in entry.personal.values() for r in column.retention_rules}
        if len(rules) != 1:
            return None
        rule_id = rules.pop()
    rule = catalog.effective_retention(rule_id)
    if rule.start_event not in ROW_CLOCK_EVENTS or rule.action is RetentionAction.KEEP:
        return None
    return rule


def _categories(entry: TableEntry, columns: tuple[str, ...] | None = None) -> tuple[str, ...]:
    chosen = entry.personal.values() if columns is None else (entry.personal[c] for c in columns)
    return tuple(sorted({column.category for column in chosen}))


def _children(catalog: Catalog, table: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, link.column)
        for name, entry in sorted(catalog.tables.items())
        for link in entry.subject_link
        if link.kind is LinkKind.VIA and link.to == table and link.column
    )


def row_targets(catalog: Catalog) -> list[Target]:
    found = []
    for name, entry in sorted(catalog.tables.items()):
        clock = SWEEP_CLOCKS.get(name) or entry.clock_column or DEFAULT_CLOCKS.get(name)
        if name in NOT_ROW_TARGETS or clock is None or not entry.personal:
            continue
        rule = _row_rule(catalog, entry, clock)
        if rule is None:
            continue
        found.append(
            Target(
                key=name,
                kind=TargetKind.ROWS,
                table=name,
                rule=rule,
                categories=_categories(entry),
                action=Action.DELETE,
                clock_column=clock,
                children=_children(catalog, name),
            )
        )
    return found


def usage_targets(catalog: Catalog, *, totals: bool) -> list[Target]:
    """Usage records on the traffic rule in force, and cell-level columns on the location rule
    while it is shorter than the row's (R-RET-04, R-RET-05; the LEK pack, on by default)."""
    if USAGE not in catalog.tables:
        return []
    entry = catalog.table(USAGE)
    traffic = catalog.effective_retention(USAGE_TRAFFIC)
    anonymise = totals or traffic.action is RetentionAction.ANONYMISE
    billing = catalog.tables.get(INVOICES)
    horizon = None
    if billing is not None and billing.clock_column is not None:
        horizon = _row_rule(catalog, billing, billing.clock_column)
    reads = (INVOICES, SIMS, CONTRACTS)
    contract_end = None
    if PROCESSOR_RULE in catalog.retention_rules:
        contract_end = catalog.effective_retention(PROCESSOR_RULE)
    records = Target(
        key=USAGE,
        kind=TargetKind.USAGE,
        table=USAGE,
        rule=traffic,
        categories=_categories(entry),
        action=Action.ANONYMISE if anonymise else Action.DELETE,
        clock_column="started_at",
        reads=reads,
        horizon=horizon,
        contract_end=contract_end,
    )
    found = [records]
    location = catalog.effective_retention(USAGE_LOCATION)
    columns = tuple(
        column
        for column, declared in entry.personal.items()
        if USAGE_LOCATION in declared.retention_rules
    )
    if location.start_event is StartEvent.RECORD_CREATED and columns:
        found.append(
            Target(
                key=f"{USAGE}.cell_level",
                kind=TargetKind.COLUMNS,
                table=USAGE,
                rule=location,
                categories=_categories(entry, columns),
                action=Action.CLEAR,
                clock_column="started_at",
                columns=columns,
                reads=reads,
                rows_of=records,
            )
        )
    return found


def processor_targets(catalog: Catalog) -> list[Target]:
    """Processor tables besides usage whose every personal column runs on the contract-end
    rule (SIMs, end-user references, devices): one target each, rows of a customer whose
    contracts have all ended go once the rule's period has passed."""
    found = []
    for name, entry in sorted(catalog.tables.items()):
        if entry.role is not Role.PROCESSOR or name == USAGE or not entry.personal:
            continue
        rule_ids = {r for column in entry.personal.values() for r in column.retention_rules}
        rules = [catalog.effective_retention(rule_id) for rule_id in sorted(rule_ids)]
        if len({rule.id for rule in rules}) != 1:
            continue
        rule = rules[0]
        if rule.start_event is not StartEvent.CONTRACT_END or rule.action is RetentionAction.KEEP:
            continue
        found.append(
            Target(
                key=name,
                kind=TargetKind.PROCESSOR,
                table=name,
                rule=rule,
                categories=_categories(entry),
                action=Action.DELETE,
                reads=(CONTRACTS,) if name == SIMS else (SIMS, CONTRACTS),
            )
        )
    return found


def organisation_linked(catalog: Catalog, name: str) -> bool:
    """True when rows of ``name`` lead to one organisation: the organisation itself, a
    column that points at it, or a ``via`` link to a table that does (a payment's invoice)."""
    entry = catalog.table(name)
    for link in entry.subject_link:
        if link.kind is LinkKind.ORGANISATION and link.column:
            return True
        if link.kind is LinkKind.SELF and name == ORGANISATIONS:
            return True
    return any(
        link.kind is LinkKind.VIA and link.to and organisation_linked(catalog, link.to)
        for link in entry.subject_link
    )


def contract_column_targets(catalog: Catalog) -> list[Target]:
    """Per controller table linked to an organisation: its columns whose rule runs from the
    contract's end, when other columns of the row are kept longer under a legal exception
    (the row stays; only these columns are emptied)."""
    found = []
    for name, entry in sorted(catalog.tables.items()):
        if entry.role is not Role.CONTROLLER or name == PEOPLE or not entry.personal:
            continue
        ended: dict[str, RetentionRule] = {}
        kept_longer = False
        for column, declared in entry.personal.items():
            rules = [catalog.effective_retention(r) for r in declared.retention_rules]
            if rules and all(r.start_event is StartEvent.CONTRACT_END for r in rules):
                if all(r.action is not RetentionAction.KEEP for r in rules):
                    ended[column] = rules[0]
            elif any(r.exception is not None for r in rules):
                kept_longer = True
        if not ended or not kept_longer or not organisation_linked(catalog, name):
            continue
        rule = next(iter(ended.values()))
        columns = tuple(column for column, r in ended.items() if r.id == rule.id)
        found.append(
            Target(
                key=f"{name}.after_contract",
                kind=TargetKind.CONTRACT_COLUMNS,
                table=name,
                rule=rule,
                categories=_categories(entry, columns),
                action=Action.CLEAR,
                columns=columns,
                # before the target that deletes its rows with their parent (a payment goes
                # with its invoice), so that a dry run's count is what the run empties
                reads=(CONTRACTS, *(link.to for link in entry.subject_link if link.to)),
            )
        )
    return found


def ledger_targets(catalog: Catalog) -> list[Target]:
    """The consent ledger on its proof rule, when the rule runs from the consent's end, and
    the tables keyed by a chain (a person's unsubscribe token for one purpose)."""
    found = []
    for name in (CONSENT_LEDGER, *LEDGER_KEYED):
        if name not in catalog.tables or CONSENT_LEDGER not in catalog.tables:
            continue
        entry = catalog.table(name)
        rule_ids = {r for column in entry.personal.values() for r in column.retention_rules}
        rules = {catalog.effective_retention(rule_id) for rule_id in rule_ids}
        if len({rule.id for rule in rules}) != 1:
            continue
        rule = rules.pop()
        if rule.start_event is StartEvent.CONSENT_WITHDRAWN and rule.action is not (
            RetentionAction.KEEP
        ):
            found.append(
                Target(
                    key=name,
                    kind=TargetKind.LEDGER,
                    table=name,
                    rule=rule,
                    categories=_categories(entry),
                    action=Action.DELETE,
                    reads=(CONSENT_LEDGER,) if name != CONSENT_LEDGER else (),
                )
            )
    return found


def person_role_rules(catalog: Catalog) -> dict[str, RetentionRule]:
    """The rule in force for each person role (subject type) the ``people`` table declares,
    in catalogue order; the post-contract roles first."""
    if PEOPLE not in catalog.tables:
        return {}
    found: dict[str, RetentionRule] = {}
    for column in catalog.table(PEOPLE).personal.values():
        for subject, rule_id in column.retention:
            found.setdefault(subject, catalog.effective_retention(rule_id))
    return dict(sorted(found.items(), key=lambda item: item[1].id != POST_CONTRACT))


def consent_purpose(catalog: Catalog, rule: RetentionRule) -> str | None:
    """The consent a "until consent is withdrawn" rule waits on: the consent-based purpose
    of the same name (the ``newsletter`` rule: the ``newsletter`` purpose)."""
    purpose = catalog.purposes.get(rule.id)
    return purpose.id if purpose is not None and purpose.consent_required else None


def subject_targets(catalog: Catalog) -> list[Target]:
    """One target per rule of the person roles; ``people`` is the post-contract one (R2)."""
    by_rule: dict[str, list[str]] = {}
    rules: dict[str, RetentionRule] = {}
    for role, rule in person_role_rules(catalog).items():
        if rule.action is RetentionAction.KEEP:
            continue
        by_rule.setdefault(rule.id, []).append(role)
        rules[rule.id] = rule
    return [
        Target(
            key=PEOPLE if rule_id == POST_CONTRACT else f"{PEOPLE}.{rule_id}",
            kind=TargetKind.SUBJECTS,
            table=PEOPLE,
            rule=rules[rule_id],
            categories=_categories(catalog.table(PEOPLE)),
            action=Action.ANONYMISE,
            roles=tuple(roles),
            reads=PEOPLE_CLOCKS,
        )
        for rule_id, roles in by_rule.items()
    ]


def in_dependency_order(targets: list[Target]) -> tuple[Target, ...]:
    """The targets in their given order, except that a target whose clock reads a table comes
    before the target that deletes that table's rows (stable; a cycle keeps the given order)."""
    left = list(targets)
    ordered: list[Target] = []
    while left:
        ready = next(
            (t for t in left if not any(t.table in other.reads for other in left if other != t)),
            left[0],
        )
        ordered.append(ready)
        left.remove(ready)
    return tuple(ordered)


def sweep_targets(catalog: Catalog, *, usage_totals: bool = True) -> tuple[Target, ...]:
    """Every target, in the order a sweep runs them: people first (their rows of other tables
    go with them), then rows, usage, cell-level columns, processor rows, and the vault; a
    target whose clock reads another's table before it (:func:`in_dependency_order`: usage
    before the invoices, end-user references and devices before the SIMs)."""
    found: list[Target] = subject_targets(catalog)
    found.extend(row_targets(catalog))
    found.extend(usage_targets(catalog, totals=usage_totals))
    found.extend(processor_targets(catalog))
    found.extend(contract_column_targets(catalog))
    found.extend(ledger_targets(catalog))
    if VAULT in catalog.tables and VAULT_RULE in catalog.retention_rules:
        found.append(
            Target(
                key=VAULT,
                kind=TargetKind.VAULT,
                table=VAULT,
                rule=catalog.effective_retention(VAULT_RULE),
                categories=_categories(catalog.table(VAULT)),
                action=Action.DELETE,
                clock_column="end_date",
            )
        )
    return in_dependency_order(found)
