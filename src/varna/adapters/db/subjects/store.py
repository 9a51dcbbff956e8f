"""The subject store: resolution, counts, rows, erasure and mention removal over every
catalogued table, through :class:`~varna.adapters.db.subjects.walker.Walk` (set-based SQL)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    String,
    Text,
    and_,
    bindparam,
    case,
    func,
    not_,
    null,
    or_,
    select,
    update,
)
from sqlalchemy import delete as sql_delete

from varna.adapters.db.subjects.batched import count_where
from varna.adapters.db.subjects.facts import (
    HOLDS_ON,
    clock_source,
    erasure_facts,
    holds_json,
    holds_of,
    other_names,
    started_by,
)
from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.subjects.rows import StreamedQuery, date_columns, fetch_rows, rows_query
from varna.adapters.db.subjects.walker import FIRMS, PEOPLE, Walk, order_for_erasure
from varna.adapters.db.tables import metadata, organisations
from varna.catalog.model import Catalog
from varna.domain.subjects.erasure import ALL_ROWS, ENDED, Hold, TablePlan
from varna.domain.subjects.keys import PERSON_ID, PERSONAL_KINDS, SubjectKey, text_forms
from varna.domain.subjects.redaction import REDACTED
from varna.services.subjects.ports import ErasureFacts, SubjectScope, TableCount, TableRows

ERASED_MARKER = "[erased]"  # what a required text column holds once its content is erased
PERSON_VALUE_KINDS = ("email", "phone", "personnummer")


class SqlSubjectStore:
    def __init__(self, connection: Connection, catalog: Catalog) -> None:
        self._connection = connection
        self._catalog = catalog
        self._walked: tuple[SubjectScope, Walk] | None = None
        self._facts: tuple[Walk, date, ErasureFacts] | None = None
        self._holds: tuple[Walk, date, tuple[Hold, ...]] | None = None  # read with the counts

    def _walk(self, scope: SubjectScope) -> Walk:
        """One walk per scope while nothing changes (an erasure starts afresh)."""
        if self._walked is None or self._walked[0] is not scope:
            self._walked = (scope, Walk(self._connection, self._catalog, scope))
        return self._walked[1]

    # -- resolution ---------------------------------------------------------------------

    def resolve(
        self, keys: Sequence[SubjectKey], *, email_hash: Callable[[str], str]
    ) -> SubjectScope:
        values: dict[str, set[str]] = {}
        given_ids: set[int] = set()
        for key in keys:
            if key.kind == PERSON_ID:
                given_ids.add(int(key.value))
            else:
                values.setdefault(key.kind, set()).add(key.value)
        people = metadata.tables[PEOPLE]
        lookups = {
            column: entry.lookup.value
            for column, entry in self._catalog.table(PEOPLE).personal.items()
            if entry.lookup is not None
        }
        matches = [people.c[c].in_(sorted(values[k])) for c, k in lookups.items() if k in values]
        if given_ids:
            matches.append(people.c.id.in_(sorted(given_ids)))
        person_ids: list[int] = []
        names: list[str] = []
        if matches:
            query = select(people.c.id, people.c.full_name, *(people.c[c] for c in lookups))
            for row in self._connection.execute(query.where(or_(*matches)).order_by(people.c.id)):
                person_ids.append(row.id)
                if row.full_name and row.full_name != ERASED_MARKER:
                    names.append(row.full_name)
                for column, kind in lookups.items():
                    if getattr(row, column):
                        values.setdefault(kind, set()).add(getattr(row, column))
        own = {v for kind in PERSON_VALUE_KINDS for v in values.get(kind, ())}
        if own:
            values.setdefault("end_user_ref", set()).update(own)
        for address in values.get("email", ()):
            values.setdefault("email_hmac", set()).add(email_hash(address))
        terms = sorted(
            {
                form.lower()
                for kind in PERSONAL_KINDS - {PERSON_ID}
                for value in values.get(kind, ())
                for form in text_forms(SubjectKey(kind, value))
            }
        )
        scope = SubjectScope(
            keys=tuple(keys),
            person_ids=tuple(person_ids),
            anchors={},
            values={kind: tuple(sorted(v)) for kind, v in values.items()},
            names=tuple(names),
            mention_terms=tuple(terms),
            organisation_ids=self._sole_traders(values.get("personnummer", set())),
        )
        # The walk reads the anchors with its first ids, in one round trip.
        wanted = self._anchors(scope)
        walk = Walk(self._connection, self._catalog, scope, also=wanted)
        anchors = {name: tuple(ids) for (name, _), ids in zip(wanted, walk.also_ids, strict=True)}
        resolved = SubjectScope(
            keys=scope.keys,
            person_ids=scope.person_ids,
            anchors={name: ids for name, ids in anchors.items() if ids},
            values=scope.values,
            names=scope.names,
            mention_terms=scope.mention_terms,
            organisation_ids=scope.organisation_ids,
        )
        walk.scope = resolved  # the same person: only the anchors were added
        self._walked = (resolved, walk)
        return resolved

    def _sole_traders(self, personnummer: set[str]) -> tuple[int, ...]:
        """Organisations whose orgnr is one of these personnummer, however it is written:
        a sole trader (enskild firma) is the person (an AB's number is never a personnummer)."""
        forms = {f for v in personnummer for f in text_forms(SubjectKey("personnummer", v))}
        if not forms:
            return ()
        query = select(organisations.c.id).where(organisations.c.orgnr.in_(sorted(forms)))
        return tuple(sorted(self._connection.execute(query).scalars()))

    def _anchors(self, scope: SubjectScope) -> list[tuple[str, tuple[str, ...]]]:
        """Tables outside ``people`` with the lookup columns a given identifier can match
        (a SIM by its ICCID). Asked only when neither a person nor a firm was found: they
        tell whether the identifier names anything at all (``SubjectScope.found``)."""
        if scope.person_ids or scope.organisation_ids:
            return []
        given = {key.kind for key in scope.keys}
        wanted: list[tuple[str, tuple[str, ...]]] = []
        for name, entry in self._catalog.tables.items():
            if name == PEOPLE or name not in metadata.tables:
                continue
            columns = tuple(
                column
                for column, declared in entry.personal.items()
                if declared.lookup is not None
                and declared.lookup.value in scope.values
                and declared.lookup.value in given
            )
            if columns:
                wanted.append((name, columns))
        return wanted

    # -- reading ------------------------------------------------------------------------

    def counts(
        self, scope: SubjectScope, *, mentions: bool = True, holds_on: date | None = None
    ) -> list[TableCount]:
        """Rows per table and (with ``mentions``) per searched column, in one statement;
        tables whose links cannot match the person are not asked. With ``holds_on``, on
        PostgreSQL, the holds of that day are read in the same statement and kept for
        ``erasure_facts`` (one round trip fewer for an erasure)."""
        walk = self._walk(scope)
        asked = walk.count_conditions(mentions)
        conditions = [(name, where) for name, _, where in asked]
        if holds_on is not None and walk.postgres:
            holds = holds_json(bool(walk.person_ids), bool(scope.organisation_ids))
            params = {**walk.params, HOLDS_ON: holds_on}
            rows, held = count_where(self._connection, conditions, params, also=holds)
            self._holds = (walk, holds_on, holds_of(held))
        else:
            rows, _ = count_where(self._connection, conditions, walk.params)
        return [
            TableCount(name, found, column)
            for (name, column, _), found in zip(asked, rows, strict=True)
            if found
        ]

    def _count(self, name: str, condition: Any, params: dict[str, Any]) -> int:
        table = metadata.tables[name]
        query = select(func.count()).select_from(table).where(condition)
        return int(self._connection.execute(query, params).scalar_one())

    def fetch(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        walk = self._walk(scope)
        selected, query = rows_query(self._connection, walk, table, columns)
        rows = [] if query is None else fetch_rows(self._connection, query, walk.params)
        return TableRows(
            table, selected, rows, dates=date_columns(self._connection, table, selected)
        )

    def stream(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        walk = self._walk(scope)
        selected, query = rows_query(self._connection, walk, table, columns)
        rows: list[Any] | StreamedQuery = (
            [] if query is None else StreamedQuery(self._connection, query, walk.params)
        )
        return TableRows(
            table, selected, rows, dates=date_columns(self._connection, table, selected)
        )

    def mentions(self, scope: SubjectScope) -> list[TableRows]:
        walk = self._walk(scope)
        found: list[TableRows] = []
        for name, column in walk.mention_columns():
            condition = walk.mention(name, column)
            if condition is None:
                continue
            table = metadata.tables[name]
            key = key_of(table)
            query = select(key.label("id"), table.c[column]).where(condition).order_by(key)
            rows = [tuple(row) for row in self._connection.execute(query, walk.params)]
            if rows:
                found.append(TableRows(name, ("id", column), rows, mention_column=column))
        return found

    def other_names(self, scope: SubjectScope) -> set[str]:
        return other_names(self._connection, self._walk(scope))

    def owns(self, scope: SubjectScope, table: str, record_id: int) -> bool:
        walk = self._walk(scope)
        condition = walk.condition(table)
        if condition is None:
            return False
        sql_table = metadata.tables[table]
        key = key_of(sql_table)
        query = select(key).where(and_(condition, key == record_id))
        return self._connection.execute(query, walk.params).first() is not None

    def erasure_facts(self, scope: SubjectScope, today: date) -> ErasureFacts:
        """Read once per walk and day: planning and routing ask for the same facts."""
        walk = self._walk(scope)
        if self._facts is None or self._facts[0] is not walk or self._facts[1] != today:
            read = self._holds
            holds = read[2] if read and read[0] is walk and read[1] == today else None
            facts = erasure_facts(self._connection, walk, today, holds=holds)
            self._facts = (walk, today, facts)
        return self._facts[2]

    # -- writing ------------------------------------------------------------------------

    def erase(
        self,
        scope: SubjectScope,
        plans: Sequence[TablePlan],
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        walk = self._walk(scope)
        self._walked = None  # rows change from here on
        changed: dict[str, int] = {}
        order = order_for_erasure(walk, list(dict.fromkeys(plan.table for plan in plans)))
        for plan in sorted(plans, key=lambda plan: order.index(plan.table)):
            statement = _write_of(walk, plan)
            if statement is None:
                continue
            result = self._connection.execute(statement, walk.params)
            if result.rowcount > 0:
                changed[plan.table] = changed.get(plan.table, 0) + result.rowcount
            if on_step is not None:
                on_step(plan.table)
        return changed

    def pending(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> dict[str, int]:
        walk = self._walk(scope)
        found: dict[str, int] = {}
        for plan in plans:
            condition = _rows_of(walk, plan)
            if condition is None or plan.action == "none":
                continue
            values = _changes(walk, plan)
            if plan.action != "delete":
                if not values:
                    continue
                condition = and_(
                    condition,
                    _still_set(metadata.tables[plan.table], values),
                )
            rows = self._count(plan.table, condition, walk.params)
            if rows:
                found[plan.table] = found.get(plan.table, 0) + rows
        return found

    def erase_mentions(self, scope: SubjectScope) -> dict[str, int]:
        walk = self._walk(scope)
        forms = sorted(
            {
                form
                for kind in PERSON_VALUE_KINDS
                for value in scope.values.get(kind, ())
                for form in (*text_forms(SubjectKey(kind, value)), value)
            }
            | set(scope.names),
            key=len,
            reverse=True,
        )
        changed: dict[str, int] = {}
        for name, column in walk.mention_columns():
            table = metadata.tables[name]
            parts = [c for c in (walk.mention(name, column), walk.context(name)) if c is not None]
            if not parts or not forms:
                continue
            target = table.c[column]
            if self._catalog.table(name).personal[column].category == "free_text":
                replaced: Any = target
                for form in forms:
                    replaced = func.replace(replaced, form, REDACTED)
                statement = update(table).where(or_(*parts)).values({column: replaced})
            else:
                lowered = [form.lower() for form in forms]
                statement = (
                    update(table)
                    .where(and_(or_(*parts), func.lower(target).in_(lowered)))
                    .values({column: None})
                )
            result = self._connection.execute(statement, walk.params)
            if result.rowcount:
                changed[f"{name}.{column}"] = result.rowcount
        return changed

    def rectify(self, table: str, column: str, record_id: int, value: str | None) -> Any:
        sql_table = metadata.tables[table]
        where = key_of(sql_table) == record_id
        old = self._connection.execute(select(sql_table.c[column]).where(where)).scalar_one()
        self._connection.execute(update(sql_table).where(where).values({column: value}))
        return old


# the person's sole-trader firms, bound per request
_FIRMS: BindParameter[Any] = bindparam(FIRMS, expanding=True)

# (the table's condition template, the plan's shape) -> its DELETE or UPDATE, built once: a
# statement built afresh for every erasure costs SQLAlchemy a new cache key each time
_WRITES: dict[tuple[Any, ...], Any] = {}


def _write_of(walk: Walk, plan: TablePlan) -> Any:
    """The DELETE or UPDATE that applies ``plan`` to the person's rows, or None. Its values
    (the walk's ids and identifiers, the sole-trader firms) are bound from ``walk.params``."""
    template = walk.condition(plan.table)
    if template is None or plan.action == "none":
        return None
    firms = bool(walk.scope.organisation_ids)
    key = (id(template), plan.table, plan.action, plan.rows, plan.cutoff, plan.clear, firms)
    if key not in _WRITES:
        _WRITES[key] = _build_write(walk, plan)
    return _WRITES[key]


def _build_write(walk: Walk, plan: TablePlan) -> Any:
    condition = _rows_of(walk, plan)
    table = metadata.tables[plan.table]
    if plan.action == "delete":
        return sql_delete(table).where(condition)
    values = _changes(walk, plan)
    if not values:
        return None
    pending = and_(condition, _still_set(table, values))
    return update(table).where(pending).values(values)


def _rows_of(walk: Walk, plan: TablePlan) -> Any:
    """The person's rows of the plan's table, narrowed to the plan's clock starts (R4)."""
    condition = walk.condition(plan.table)
    source = clock_source(walk, plan.table)
    if condition is None or plan.rows == ALL_ROWS or plan.cutoff is None or source is None:
        return condition
    target, column, link = source
    clock = metadata.tables[target].c[column]
    ended = started_by(clock, plan.cutoff)
    part = ended if plan.rows == ENDED else or_(clock.is_(None), not_(ended))
    if link is not None:
        part = metadata.tables[plan.table].c[link].in_(select(key_of(clock.table)).where(part))
    return and_(condition, part)


def _changes(walk: Walk, plan: TablePlan) -> dict[str, Any]:
    """The new values of an anonymise or clear: emptied columns, cut person links, and cut
    links to the person's sole-trader firm (where the column may be empty)."""
    table = metadata.tables[plan.table]
    values: dict[str, Any] = {column: _empty(table, column) for column in plan.clear}
    firms = list(walk.scope.organisation_ids)
    if plan.action == "anonymise":
        for link in walk.entry(plan.table).subject_link:
            if link.kind.value == "person" and link.column:
                values[link.column] = None
            elif link.kind.value == "organisation" and link.column and firms:
                column = table.c[link.column]
                if column.nullable:  # another company's link stays
                    values[link.column] = case((column.in_(_FIRMS), null()), else_=column)
    return values


def _still_set(table: Any, values: dict[str, Any]) -> Any:
    """Rows where at least one of the columns does not hold its new value yet."""
    parts = []
    for c, v in values.items():
        if isinstance(v, ColumnElement):  # a link cut only where it names the firm
            parts.append(table.c[c].in_(_FIRMS))
        else:
            parts.append(table.c[c].is_not(None) if v is None else table.c[c] != v)
    return or_(*parts)


def _empty(table: Any, column: str) -> str | None:
    sql_column = table.c[column]
    if sql_column.nullable:
        return None
    if isinstance(sql_column.type, String | Text) or hasattr(sql_column.type, "impl"):
        return ERASED_MARKER
    raise ValueError(f"{table.name}.{column} is required and not text: it cannot be cleared")


__all__ = ["SqlSubjectStore"]
