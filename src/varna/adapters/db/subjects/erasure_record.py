"""An erasure's record (D4, A3, Art. 19) written in its transaction: the notices and the
controller requests they carry, the erasure run, the delivery job and the audit events.

On PostgreSQL all of it is one statement of data-modifying CTEs, its rows passed as JSON
arrays, so the text is the same for every erasure: one round trip instead of five or more
(each an insert that waited for the one before). The notices go in with ``ON CONFLICT
(dedupe_key) DO NOTHING``; a controller request is recorded only where its notice went in,
the delivery job only when some notice did. The audit events follow in a statement of their
own (the audit chain hashes each entry as it is written): the run's own names the run and
counts the notices queued anew, as the statement-by-statement path does on SQLite.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, text

from varna.adapters.db.audit import SqlAuditLog
from varna.adapters.db.types import UTCDateTime
from varna.adapters.jobs import SqlJobQueue
from varna.services.ports import AuditEvent
from varna.services.subjects.ports import ErasureRecord, RightsStore

RUN_TARGET = "erasure_run:"  # the audit target of a run: this and its id


def record_erasure(
    connection: Connection, rights: RightsStore, record: ErasureRecord
) -> tuple[int, int]:
    """The run's id and the number of notices queued anew."""
    if connection.dialect.name == "postgresql":
        run_id, notices = connection.execute(_STATEMENT, _params(record)).one()
        SqlAuditLog(connection).record_many(
            _events(record, int(run_id), int(notices)), at=record.at
        )
        return int(run_id), int(notices)
    return _one_by_one(connection, rights, record)


def _events(record: ErasureRecord, run_id: int, notices: int) -> list[AuditEvent]:
    """The erasure's audit events, the run's own last: it names the run and counts the
    notices queued anew."""
    summary = record.summary
    return [
        *record.events,
        AuditEvent(
            summary.actor,
            summary.action,
            f"{RUN_TARGET}{run_id}",
            {**summary.details, "notices": notices},
        ),
    ]


def _one_by_one(
    connection: Connection, rights: RightsStore, record: ErasureRecord
) -> tuple[int, int]:
    at = record.at
    fresh = [
        notice.dedupe_key
        for notice in record.notices
        if rights.enqueue(
            kind=notice.kind,
            dedupe_key=notice.dedupe_key,
            details=notice.details,
            at=at,
            recipient=notice.recipient,
            person_id=notice.person_id,
            organisation_id=notice.organisation_id,
        )
    ]
    for request in record.requests:
        if request.notice in fresh:
            rights.record_controller_request(
                organisation_id=request.organisation_id,
                person_id=request.person_id,
                kind=request.kind,
                sim_ids=request.sim_ids,
                status=request.status,
                instruction_ref=request.instruction_ref,
                at=at,
            )
    run_id = rights.record_erasure_run(
        record.person_id, record.actor, at, record.outcome, record.instruction
    )
    if fresh:
        task, key = record.wake
        SqlJobQueue(connection).enqueue(task, f"{key}{run_id}", request_id=None, at=at)
    SqlAuditLog(connection).record_many(_events(record, run_id, len(fresh)), at=at)
    return run_id, len(fresh)


def _params(record: ErasureRecord) -> dict[str, Any]:
    task, key = record.wake
    return {
        "at": record.at,
        "notices": json.dumps(
            [
                {
                    "kind": n.kind,
                    "recipient": n.recipient,
                    "person_id": n.person_id,
                    "organisation_id": n.organisation_id,
                    "dedupe_key": n.dedupe_key,
                    "details": dict(n.details),
                }
                for n in record.notices
            ]
        ),
        "requests": json.dumps(
            [
                {
                    "notice": r.notice,
                    "organisation_id": r.organisation_id,
                    "person_id": r.person_id,
                    "kind": r.kind,
                    "sim_ids": list(r.sim_ids),
                    "status": r.status,
                    "instruction_ref": r.instruction_ref,
                }
                for r in record.requests
            ]
        ),
        "person_id": record.person_id,
        "instruction": record.instruction,
        "actor": record.actor,
        "outcome": json.dumps(dict(record.outcome)),
        "task": task,
        "job_key": key,
    }


# The rows come in as JSON arrays, read in their order (WITH ORDINALITY), so ids follow the
# order of the record as they do one insert at a time.
_STATEMENT = text("""
WITH queued AS (
    INSERT INTO outbox (kind, recipient, person_id, organisation_id, dedupe_key, details,
                        created_at)
    SELECT n.v ->> 'kind', n.v ->> 'recipient', CAST(n.v ->> 'person_id' AS integer),
           CAST(n.v ->> 'organisation_id' AS integer), n.v ->> 'dedupe_key', n.v -> 'details',
           :at
    FROM json_array_elements(CAST(:notices AS json)) WITH ORDINALITY AS n(v, ord)
    ORDER BY n.ord
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING dedupe_key
), requested AS (
    INSERT INTO controller_requests (organisation_id, person_id, kind, sim_ids, status,
                                     instruction_ref, received_at, executed_at)
    SELECT CAST(r.v ->> 'organisation_id' AS integer), CAST(r.v ->> 'person_id' AS integer),
           r.v ->> 'kind', r.v -> 'sim_ids', r.v ->> 'status', r.v ->> 'instruction_ref', :at,
           CASE WHEN r.v ->> 'status' = 'executed' THEN :at END
    FROM json_array_elements(CAST(:requests AS json)) WITH ORDINALITY AS r(v, ord)
    JOIN queued ON queued.dedupe_key = r.v ->> 'notice'
    ORDER BY r.ord
), run AS (
    INSERT INTO erasure_runs (person_id, controller_instruction, actor, ran_at, outcome)
    VALUES (:person_id, :instruction, :actor, :at, CAST(:outcome AS json))
    RETURNING id
), woken AS (
    INSERT INTO jobs (task, job_key, request_id, state, attempts, run_after)
    SELECT :task, CAST(:job_key AS text) || run.id, NULL, 'queued', 0, :at
    FROM run
    WHERE EXISTS (SELECT FROM queued)
    ON CONFLICT (job_key) DO NOTHING
)
SELECT run.id, (SELECT count(*) FROM queued) FROM run
""").bindparams(bindparam("at", type_=UTCDateTime))


__all__ = ["RUN_TARGET", "record_erasure"]
