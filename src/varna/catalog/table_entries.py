"""The ``tables`` section: per table, how rows reach a person or a controller, and per
column, whether it holds personal data and under which category, subject, role, purposes,
retention rule and source (R1, A1)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from varna.catalog.model import (
    LINK_TARGETS,
    LOOKUP_KINDS,
    Category,
    ColumnEntry,
    Erasure,
    ErasureMethod,
    IdentifierKind,
    LinkKind,
    Purpose,
    RetentionRule,
    Role,
    Source,
    SubjectLink,
    SubjectType,
    TableEntry,
)
from varna.catalog.reader import Node, choice, choices, reference, references


def load_tables(
    section: Node,
    categories: Mapping[str, Category],
    subjects: Mapping[str, SubjectType],
    purposes: Mapping[str, Purpose],
    rules: Mapping[str, RetentionRule],
) -> dict[str, TableEntry]:
    tables: dict[str, TableEntry] = {}
    for name, node in section.items():
        node.keys(
            required=("role", "subject_link", "other"),
            optional=("controller_column", "personal", "retention", "erasure", "clock"),
        )
        role = choice(node.key("role"), Role, "role")
        other_node = node.key("other")
        other = other_node.texts(allow_empty=True)
        personal: dict[str, ColumnEntry] = {}
        personal_node = node.optional("personal")
        for column, column_node in personal_node.items() if personal_node else ():
            if column in other:
                raise column_node.error("is listed under both personal and other")
            personal[column] = _column(
                name, column, column_node, role, categories, subjects, purposes, rules
            )
        columns = (*personal, *other)
        links = _links(node.key("subject_link"), name, columns)
        if personal and not links:
            raise node.key("subject_link").error(
                "a table with personal columns must say how its rows reach a person"
            )
        retention_node = node.optional("retention")
        clock_node = node.optional("clock")
        if clock_node is not None and clock_node.text() not in columns:
            raise clock_node.error(f"{clock_node.text()!r} is not a column of {name}")
        tables[name] = TableEntry(
            name=name,
            role=role,
            controller_column=_controller_column(node, role, personal, links),
            subject_link=links,
            personal=MappingProxyType(personal),
            other=other,
            retention=reference(retention_node, rules, "retention rule")
            if retention_node
            else None,
            erasure=_erasure(node.optional("erasure"), personal),
            clock_column=clock_node.text() if clock_node else None,
        )
    _check_link_targets(section, tables)
    return tables


def _column(
    table: str,
    column: str,
    node: Node,
    table_role: Role,
    categories: Mapping[str, Category],
    subjects: Mapping[str, SubjectType],
    purposes: Mapping[str, Purpose],
    rules: Mapping[str, RetentionRule],
) -> ColumnEntry:
    node.keys(
        required=("category", "subject", "retention", "purposes", "source"),
        optional=("role", "lookup", "search_text", "extract"),
    )
    role_node = node.optional("role")
    role = choice(role_node, Role, "role") if role_node else table_role
    subject_node = node.key("subject")
    subject_ids = references(subject_node, subjects, "subject type")
    for subject_id in subject_ids:
        if subjects[subject_id].role is not role:
            raise subject_node.error(
                f"{subject_id!r} is a subject of {subjects[subject_id].role.value} data; "
                f"this column's role is {role.value} (A1)"
            )
    lookup_node, search_node = node.optional("lookup"), node.optional("search_text")
    purposes_node = node.key("purposes")
    purpose_ids = references(purposes_node, purposes, "purpose")
    for purpose_id in purpose_ids:
        if purposes[purpose_id].role is not role:
            raise purposes_node.error(
                f"{purpose_id!r} is a {purposes[purpose_id].role.value} purpose; "
                f"this column's role is {role.value} (A1)"
            )
    return ColumnEntry(
        table=table,
        column=column,
        category=reference(node.key("category"), categories, "category"),
        subjects=subject_ids,
        role=role,
        retention=_retention(node.key("retention"), subject_ids, rules),
        purposes=purpose_ids,
        sources=choices(node.key("source"), Source, "source"),
        lookup=_lookup(lookup_node) if lookup_node else None,
        search_text=search_node.boolean() if search_node else False,
        redact_in_extract=_redacted(node.optional("extract")),
    )


def _lookup(node: Node) -> IdentifierKind:
    """The identifier a column holds; a person's own id is never a column's lookup."""
    value = node.text()
    if value not in LOOKUP_KINDS:
        expected = ", ".join(kind.value for kind in LOOKUP_KINDS)
        raise node.error(f"unknown lookup kind {value!r}; expected one of {expected}")
    return IdentifierKind(value)


def _redacted(node: Node | None) -> bool:
    if node is None:
        return False
    if node.text() != "redact":
        raise node.error("the only extract option is redact (data about someone else, 15(4))")
    return True


def _erasure(node: Node | None, personal: Mapping[str, ColumnEntry]) -> Erasure | None:
    """``erasure: delete`` or ``erasure: {method: anonymise, clear: [columns]}`` (D4)."""
    if node is None:
        return None
    if isinstance(node.value, str):
        return Erasure(method=choice(node, ErasureMethod, "erasure method"), clear=())
    node.keys(required=("method",), optional=("clear",))
    clear_node = node.optional("clear")
    clear = clear_node.texts(allow_empty=True) if clear_node else ()
    for column in clear:
        if column not in personal:
            raise node.error(f"clear names {column!r}, which is not a personal column")
    return Erasure(method=choice(node.key("method"), ErasureMethod, "erasure method"), clear=clear)


def _retention(
    node: Node, subject_ids: tuple[str, ...], rules: Mapping[str, RetentionRule]
) -> tuple[tuple[str, str], ...]:
    """One rule for every subject, or a mapping subject -> rule that covers each of them."""
    if isinstance(node.value, str):
        rule_id = reference(node, rules, "retention rule")
        return tuple((subject_id, rule_id) for subject_id in subject_ids)
    node.keys(required=subject_ids)
    return tuple(
        (subject_id, reference(node.key(subject_id), rules, "retention rule"))
        for subject_id in subject_ids
    )


def _links(node: Node, table: str, columns: tuple[str, ...]) -> tuple[SubjectLink, ...]:
    links: list[SubjectLink] = []
    for entry in node.entries():
        entry.keys(required=("kind",), optional=("column", "to"))
        kind = choice(entry.key("kind"), LinkKind, "link kind")
        column_node, to_node = entry.optional("column"), entry.optional("to")
        if kind is LinkKind.SELF:
            if column_node is not None or to_node is not None:
                raise entry.error("a self link names no column and no table")
            links.append(SubjectLink(kind=kind, column=None, to=None))
            continue
        if kind is LinkKind.NAMED_BY:
            if column_node is not None:
                raise column_node.error(
                    "a named_by link names no column (the other table's via link does)"
                )
            if to_node is None:
                raise Node(None, f"{entry.path}.to").error(
                    "a named_by link names the table whose rows name this one"
                )
            links.append(SubjectLink(kind=kind, column=None, to=to_node.text()))
            continue
        if column_node is None:
            raise Node(None, f"{entry.path}.column").error("is required")
        column = column_node.text()
        if column not in columns:
            raise column_node.error(
                f"{column!r} is not a column of {table} (list it under personal or other)"
            )
        if kind is LinkKind.VIA:
            if to_node is None:
                raise Node(None, f"{entry.path}.to").error("a via link names the table it leads to")
            links.append(SubjectLink(kind=kind, column=column, to=to_node.text()))
            continue
        if to_node is not None:
            raise to_node.error(f"a {kind.value} link needs no table")
        links.append(SubjectLink(kind=kind, column=column, to=LINK_TARGETS.get(kind)))
    return tuple(links)


def _controller_column(
    node: Node, role: Role, personal: Mapping[str, ColumnEntry], links: tuple[SubjectLink, ...]
) -> str | None:
    column_node = node.optional("controller_column")
    has_processor_data = role is Role.PROCESSOR or any(
        entry.role is Role.PROCESSOR for entry in personal.values()
    )
    if column_node is None:
        if has_processor_data:
            raise Node(None, f"{node.path}.controller_column").error(
                "processor data must name the column that leads to its controller (A1)"
            )
        return None
    column = column_node.text()
    if not any(
        link.column == column and link.kind in (LinkKind.ORGANISATION, LinkKind.VIA)
        for link in links
    ):
        raise column_node.error(f"{column!r} must be an organisation or via link in subject_link")
    return column


def _check_link_targets(section: Node, tables: Mapping[str, TableEntry]) -> None:
    """Every link leads to a declared table, and processor data reaches an organisation."""
    for name, table in tables.items():
        for index, link in enumerate(table.subject_link):
            if link.to is not None and (link.to not in tables or link.to == name):
                path = f"{section.path}.{name}.subject_link[{index}]"
                raise Node(link.to, path).error(
                    f"leads to {link.to!r}, not another catalogued table"
                )
            if link.kind is LinkKind.NAMED_BY and link.to is not None:
                _check_named_by(section, tables, name, index, tables[link.to])
        if table.controller_column is not None:
            _resolve_controller(section, tables, name, seen=())


def _check_named_by(
    section: Node, tables: Mapping[str, TableEntry], name: str, index: int, other: TableEntry
) -> None:
    """A ``named_by`` table points back at this one with a ``via`` link and has a lookup
    column to match the person by."""
    path = f"{section.path}.{name}.subject_link[{index}]"
    if not any(link.kind is LinkKind.VIA and link.to == name for link in other.subject_link):
        raise Node(other.name, path).error(f"{other.name} has no via link to {name}")
    if not any(entry.lookup is not None for entry in other.personal.values()):
        raise Node(other.name, path).error(
            f"{other.name} has no lookup column to match a person by"
        )


def _resolve_controller(
    section: Node, tables: Mapping[str, TableEntry], name: str, seen: tuple[str, ...]
) -> None:
    path = f"{section.path}.{name}.controller_column"
    table = tables[name]
    if name in seen or table.controller_column is None:
        raise Node(None, path).error(
            f"the controller of {seen[0] if seen else name} cannot be reached through {name}"
        )
    link = next(link for link in table.subject_link if link.column == table.controller_column)
    if link.kind is LinkKind.VIA and link.to is not None:
        _resolve_controller(section, tables, link.to, (*seen, name))
