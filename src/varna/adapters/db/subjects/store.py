"""The subject store: resolution, the inventory, rows, erasure and mention removal over every
catalogued table, with the statements of a :class:`~varna.adapters.db.subjects.plan.SubjectPlan`.
Nothing is kept between calls: each binds the values of the scope it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    String,
    and_,
    case,
    func,
    not_,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update

from varna.adapters.db.person_key import IDENTIFIERS, INDEXED, blind_index, seal_update
from varna.adapters.db.subjects.build import indexed
from varna.adapters.db.subjects.keys import key_of
from varna.adapters.db.subjects.plan import (
    FIRMS,
    GIVEN_IDS,
    ORGANISATIONS,
    ORGNR,
    TODAY,
    SubjectPlan,
    TableSql,
    bind,
    given_of,
    values_of,
)
from varna.adapters.db.subjects.rows import StreamedQuery, date_columns, fetch_rows, rows_query
from varna.adapters.db.tables import metadata, people
from varna.adapters.fieldcrypt import crypto_of, key_id_of
from varna.catalog.model import CARRIED_KINDS, LOOKUP_KINDS, IdentifierKind
from varna.domain.retention.clocks import day_after, start_of_day
from varna.domain.subjects.erasure import ALL_ROWS, ENDED, Hold, TablePlan
from varna.domain.subjects.keys import SubjectKey, text_forms
from varna.domain.subjects.redaction import REDACTED
from varna.domain.subjects.steps import ERASED_MARKER, ErasureStep, erasure_steps
from varna.services.subjects.ports import (
    ErasureFacts,
    Inventory,
    SubjectScope,
    TableCount,
    TableRows,
)

FREE_TEXT = "free_text"  # a mention in free text is replaced; an identifier column is emptied


class SqlSubjectStore:
    def __init__(self, connection: Connection, plan: SubjectPlan) -> None:
        self._connection = connection
        self._plan = plan

    def _run(self, statement: Any, params: dict[str, Any]) -> Any:
        return self._connection.execute(statement, params)

    # -- resolution ---------------------------------------------------------------------

    def resolve(
        self, keys: Sequence[SubjectKey], *, email_hash: Callable[[str], str]
    ) -> SubjectScope:
        plan = self._plan
        values: dict[str, set[str]] = {}
        given_ids: set[int] = set()
        for key in keys:
            if key.kind == IdentifierKind.PERSON_ID:
                given_ids.add(int(key.value))
            else:
                values.setdefault(key.kind, set()).add(key.value)
        lookups = plan.people_lookups
        person_ids: list[int] = []
        names: list[str] = []
        if given_ids or any(values.get(kind) for kind in lookups.values()):
            params: dict[str, Any] = {GIVEN_IDS: sorted(given_ids)}
            params.update(
                {
                    values_of(k): sorted(self._indexes(c, k, values.get(k, ())))
                    for c, k in lookups.items()
                }
            )
            rows = self._run(plan.people, params).all()
            shredded = self._shredded({r.key_id for r in rows if r.id not in given_ids})
            for row in rows:
                if row.id not in given_ids and row.key_id in shredded:
                    continue  # found by an old blind index in a restored copy: shredded
                person_ids.append(row.id)
                if row.full_name and row.full_name != ERASED_MARKER:
                    names.append(row.full_name)
                for column, kind in lookups.items():
                    if getattr(row, column):
                        values.setdefault(kind, set()).add(getattr(row, column))
        own = {v for kind in CARRIED_KINDS for v in values.get(kind, ())}
        if own:
            values.setdefault(IdentifierKind.END_USER_REF, set()).update(own)
        for address in values.get(IdentifierKind.EMAIL, ()):
            values.setdefault(IdentifierKind.EMAIL_HMAC, set()).add(email_hash(address))
        terms = sorted(
            {
                form.lower()
                for kind in CARRIED_KINDS
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
            organisation_ids=self._sole_traders(values.get(IdentifierKind.PERSONNUMMER, set())),
        )
        return self._targets(scope)

    def _indexes(self, column: str, kind: str, given: Iterable[str]) -> set[str]:
        """What the lookup of ``people.<column>`` compares: the blind indexes of the values."""
        if "_bidx" not in indexed(column).name:
            return set(given)
        found = {blind_index(self._connection, column, value) for value in given}
        return {index for index in found if index is not None}

    def _shredded(self, key_ids: set[str | None]) -> set[str | None]:
        """Of these people's data keys, those destroyed (the person was erased)."""
        crypto = crypto_of(self._connection)
        wanted = {k for k in key_ids if k is not None}
        if crypto is None or crypto.keys is None or not wanted:
            return set()
        return set(wanted - crypto.keys.existing(wanted))

    def _sole_traders(self, personnummer: set[str]) -> tuple[int, ...]:
        """Organisations whose orgnr is one of these personnummer, however it is written:
        a sole trader (enskild firma) is the person (an AB's number is never a personnummer)."""
        kind = IdentifierKind.PERSONNUMMER
        forms = {f for v in personnummer for f in text_forms(SubjectKey(kind, v))}
        if not forms:
            return ()
        return tuple(self._run(self._plan.firms, {ORGNR: sorted(forms)}).scalars())

    def _targets(self, scope: SubjectScope) -> SubjectScope:
        """The scope with the ids of the ``via`` targets (and the controllers of those that
        are processor data), and the anchors: rows outside ``people`` that an identifier
        given names, asked only when neither a person nor a firm was found (they tell
        whether the identifier names anything at all, ``SubjectScope.found``)."""
        given = {key.kind for key in scope.keys}
        anchored = not (scope.person_ids or scope.organisation_ids)
        targets: dict[str, tuple[int, ...]] = {}
        controllers: dict[int, list[int]] = {}
        anchors: dict[str, tuple[int, ...]] = {}
        for layer in self._plan.layers:
            statement = layer.with_anchors if anchored else layer.statement
            if statement is None:
                continue
            params = bind(self._plan, scope)
            for kind in LOOKUP_KINDS:
                wanted = kind in given
                params[given_of(kind)] = list(scope.values.get(kind, ())) if wanted else []
            names = (*layer.targets, *(layer.anchors if anchored else ()))
            found: list[list[int]] = [[] for _ in names]
            for index, row_id, owner in self._run(statement, params):
                found[index].append(row_id)
                if index < len(layer.targets) and layer.owners[index] is not None:
                    controllers.setdefault(owner, []).append(row_id)
            read = zip(layer.targets, found[: len(layer.targets)], strict=True)
            targets.update({name: tuple(sorted(ids)) for name, ids in read})
            rest = zip(names[len(layer.targets) :], found[len(layer.targets) :], strict=True)
            anchors.update({name: tuple(sorted(ids)) for name, ids in rest if ids})
            scope = _with(scope, targets=dict(targets))
        return _with(
            scope,
            anchors=anchors,
            controllers={org: tuple(sorted(ids)) for org, ids in sorted(controllers.items())},
        )

    # -- reading ------------------------------------------------------------------------

    def inventory(self, scope: SubjectScope, today: date) -> Inventory:
        plan = self._plan
        params = {**bind(plan, scope), TODAY: today}
        counted = [sql for sql in plan.tables.values() if sql.condition is not None]
        statement = plan.counts_and_mentions if scope.mention_terms else plan.counts
        row = self._run(statement, params).one()._mapping
        counts = [TableCount(s.name, int(row[f"c:{s.name}"])) for s in counted]
        if scope.mention_terms:
            counts += [
                TableCount(s.name, int(row[f"m:{s.name}:{column}"]), column)
                for s in counted
                for column in s.mentions
            ]
        found = tuple(count for count in counts if count.rows)
        linked = {c.table for c in found if c.mention_column is None}
        if not linked:
            return Inventory(found, ErasureFacts(False, (), {}, scope.controllers))
        clock_rows = self._clock_rows(scope, linked, params)
        clocks: dict[str, date | None] = {
            name: max((s for s in starts if s is not None), default=None)
            for name, starts in clock_rows.items()
        }
        own = [plan.clocks[n] for n in sorted(linked) if n in plan.clocks and n not in clocks]
        if own:
            latest = self._run(select(*own), params).one()._mapping
            clocks.update({name: _clock(value) for name, value in latest.items()})
        for sql in counted:  # rows reached through another table run on its clock
            if sql.name not in clocks:
                for target in sql.via:
                    if target in clocks:
                        clocks[sql.name] = clocks[target]
        holds = tuple(
            Hold(r.id, r.kind, r.review_date, r.scope, r.scope_table)
            for r in (self._run(plan.holds, params) if row["holds"] else ())
        )
        facts = ErasureFacts(bool(row["running"]), holds, clocks, scope.controllers, clock_rows)
        return Inventory(found, facts)

    def _clock_rows(
        self, scope: SubjectScope, linked: set[str], params: dict[str, Any]
    ) -> dict[str, dict[date | None, int]]:
        """Clock start -> the person's rows, for tables kept under an exception on their
        clock (R4), and the sole-trader firm's own row on the latest of its records'."""
        found: dict[str, dict[date | None, int]] = {}
        for name, statement in self._plan.clock_rows.items():
            if name not in linked:
                continue
            starts: dict[date | None, int] = {}
            for value, rows in self._run(statement, params):
                starts[_clock(value)] = starts.get(_clock(value), 0) + int(rows)
            if starts:
                found[name] = starts
        if scope.organisation_ids:
            latest = [
                start
                for statement in self._plan.firm_clocks
                if (start := _clock(self._run(statement, params).scalar_one())) is not None
            ]
            if latest:
                found[ORGANISATIONS] = {max(latest): len(scope.organisation_ids)}
        return found

    def rows(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        selected, query = rows_query(self._plan, self._connection, table, columns)
        params = bind(self._plan, scope)
        rows = [] if query is None else fetch_rows(self._connection, query, params)
        dates = date_columns(self._connection, table, selected)
        return TableRows(table, selected, rows, dates=dates)

    def stream(self, scope: SubjectScope, table: str, columns: Sequence[str]) -> TableRows:
        selected, query = rows_query(self._plan, self._connection, table, columns)
        params = bind(self._plan, scope)
        rows: list[Any] | StreamedQuery = (
            [] if query is None else StreamedQuery(self._connection, query, params)
        )
        dates = date_columns(self._connection, table, selected)
        return TableRows(table, selected, rows, dates=dates)

    def mentions(self, scope: SubjectScope) -> list[TableRows]:
        if not scope.mention_terms:
            return []
        params = bind(self._plan, scope)
        found: list[TableRows] = []
        for sql in self._plan.tables.values():
            for column, where in sql.mentions.items():
                query = select(sql.key.label("id"), sql.table.c[column]).where(where)
                rows = [tuple(row) for row in self._run(query.order_by(sql.key), params)]
                if rows:
                    found.append(TableRows(sql.name, ("id", column), rows, mention_column=column))
        return found

    def other_names(self, scope: SubjectScope) -> set[str]:
        if not scope.person_ids:
            return set()
        names = self._run(self._plan.other_names, bind(self._plan, scope)).scalars()
        return {name for name in names if name}

    def owns(self, scope: SubjectScope, table: str, record_id: int) -> bool:
        sql = self._plan.tables.get(table)
        if sql is None or sql.condition is None:
            return False
        query = select(sql.key).where(sql.condition, sql.key == record_id)
        return self._run(query, bind(self._plan, scope)).first() is not None

    # -- writing ------------------------------------------------------------------------

    def apply(
        self,
        scope: SubjectScope,
        plans: Sequence[TablePlan],
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        params = bind(self._plan, scope)
        changed: dict[str, int] = {}
        before = self._data_keys(scope.person_ids)
        for step in self._steps(scope, plans):
            result = self._run(self._write(step), params)
            if result.rowcount > 0:
                changed[step.table] = changed.get(step.table, 0) + result.rowcount
            if on_step is not None:
                on_step(step.table)
        self._shred(before)
        return changed

    def _data_keys(self, person_ids: Sequence[int]) -> dict[str, str]:
        """The data keys (key id -> "person:<id>") the people's stored identifiers name."""
        if not person_ids or crypto_of(self._connection) is None:
            return {}
        stored = [type_coerce(people.c[c], String) for c in IDENTIFIERS]
        rows = self._run(select(people.c.id, *stored).where(people.c.id.in_(person_ids)), {})
        return {
            key_id: f"person:{row[0]}"
            for row in rows
            for value in row[1:]
            if (key_id := key_id_of(value)) is not None
        }

    def _shred(self, before: dict[str, str]) -> None:
        """Crypto-shredding (D4): the data keys that no identifier names any more once the
        erasure has run are destroyed when the transaction commits (marked first, in the key
        store, so that a crash in between leaves them for ``varna keys shred``). A kept
        identifier keeps its key."""
        crypto = crypto_of(self._connection)
        if not before or crypto is None:
            return
        people_ids = sorted({int(owner.split(":")[1]) for owner in before.values()})
        still = self._data_keys(people_ids)
        gone = {key_id: owner for key_id, owner in before.items() if key_id not in still}
        crypto.shred_after_commit(self._connection, gone)

    def pending(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> dict[str, int]:
        steps = self._steps(scope, plans)
        if not steps:
            return {}
        counts = [
            select(func.count())
            .select_from(self._plan.tables[step.table].table)
            .where(self._pending(step))
            .scalar_subquery()
            for step in steps
        ]
        row = self._run(select(*counts), bind(self._plan, scope)).one()
        found: dict[str, int] = {}
        for step, rows in zip(steps, row, strict=True):
            if rows:
                found[step.table] = found.get(step.table, 0) + int(rows)
        return found

    def _steps(self, scope: SubjectScope, plans: Sequence[TablePlan]) -> tuple[ErasureStep, ...]:
        sole_trader = bool(scope.organisation_ids)
        return erasure_steps(plans, self._plan.erasures, sole_trader=sole_trader)

    def _write(self, step: ErasureStep) -> Any:
        sql = self._plan.tables[step.table]
        if step.delete:
            return sql_delete(sql.table).where(self._rows_of(sql, step))
        values: dict[str, Any] = dict(step.values)
        for column in INDEXED:  # a person's blind index goes with the value it indexes
            if sql.table is people and column in values:
                values[f"{column}_bidx"] = blind_index(self._connection, column, values[column])
        for column in step.firm_links:  # only where it names the firm: another company's stays
            linked = sql.table.c[column]
            values[column] = case((self._plan.among(linked, FIRMS), null()), else_=linked)
        return sql_update(sql.table).where(self._pending(step)).values(values)

    def _pending(self, step: ErasureStep) -> ColumnElement[bool]:
        """The rows the step still changes: all of a delete's; those of an update where a
        column does not hold its new value yet."""
        sql = self._plan.tables[step.table]
        rows = self._rows_of(sql, step)
        if step.delete:
            return rows
        table = sql.table
        still = [table.c[c].is_not(None) if v is None else table.c[c] != v for c, v in step.values]
        still += [self._plan.among(table.c[c], FIRMS) for c in step.firm_links]
        return and_(rows, or_(*still))

    def _rows_of(self, sql: TableSql, step: ErasureStep) -> ColumnElement[bool]:
        """The person's rows of the step's table, narrowed to its clock starts (R4)."""
        assert sql.condition is not None
        if step.rows == ALL_ROWS or step.cutoff is None or sql.clock is None:
            return sql.condition
        clock = metadata.tables[sql.clock.table].c[sql.clock.column]
        ended = started_by(clock, step.cutoff)
        part = ended if step.rows == ENDED else or_(clock.is_(None), not_(ended))
        if sql.clock.link is not None:
            target = select(key_of(clock.table)).where(part)
            part = sql.table.c[sql.clock.link].in_(target)
        return and_(sql.condition, part)

    def erase_mentions(self, scope: SubjectScope) -> dict[str, int]:
        forms = sorted(
            {
                form
                for kind in CARRIED_KINDS
                for value in scope.values.get(kind, ())
                for form in (*text_forms(SubjectKey(kind, value)), value)
            }
            | set(scope.names),
            key=len,
            reverse=True,
        )
        if not forms:
            return {}
        params = bind(self._plan, scope)
        changed: dict[str, int] = {}
        for sql in self._plan.tables.values():
            hanging = sql.context is not None and any(scope.targets.get(t) for t in sql.via)
            if not sql.mentions or not (scope.mention_terms or hanging):
                continue
            for column, mention in sql.mentions.items():
                where = or_(mention, sql.context) if sql.context is not None else mention
                target = sql.table.c[column]
                if self._plan.catalog.table(sql.name).personal[column].category == FREE_TEXT:
                    replaced: Any = target
                    for form in forms:
                        replaced = func.replace(replaced, form, REDACTED)
                    statement = sql_update(sql.table).where(where).values({column: replaced})
                else:
                    lowered = [form.lower() for form in forms]
                    statement = (
                        sql_update(sql.table)
                        .where(and_(where, func.lower(target).in_(lowered)))
                        .values({column: None})
                    )
                result = self._run(statement, params)
                if result.rowcount:
                    changed[f"{sql.name}.{column}"] = result.rowcount
        return changed

    def rectify(self, table: str, column: str, record_id: int, value: str | None) -> Any:
        sql_table = metadata.tables[table]
        where = key_of(sql_table) == record_id
        old = self._connection.execute(select(sql_table.c[column]).where(where)).scalar_one()
        values: dict[str, Any] = {column: value}
        if sql_table is people:  # the person's data key, and the value's blind index
            values = seal_update(self._connection, record_id, values)
        self._connection.execute(sql_update(sql_table).where(where).values(values))
        return old


def started_by(column: Column[Any], cutoff: date) -> ColumnElement[bool]:
    """Rows whose clock started on or before ``cutoff`` (a fiscal year: its 31 December)."""
    if isinstance(column.type, Integer):
        return column <= (cutoff.year if cutoff >= date(cutoff.year, 12, 31) else cutoff.year - 1)
    if isinstance(column.type, Date):
        return column <= cutoff
    return column < start_of_day(day_after(cutoff))


def _clock(value: Any) -> date | None:
    if isinstance(value, int):
        return date(value, 12, 31)  # a fiscal year that is the calendar year: its last day
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _with(scope: SubjectScope, **changes: Any) -> SubjectScope:
    return replace(scope, **changes)


__all__ = ["SqlSubjectStore", "started_by"]
