"""Storage of data-subject requests: requests and their timeline, one-time codes,
download tokens, the intake log for rate limiting, and the SIMs' controllers (A3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, exists, func, insert, select, update

from varna.adapters.db.tables import (
    download_tokens,
    organisations,
    request_codes,
    request_events,
    request_intake_log,
    sims,
    staff_accounts,
    staff_recovery_codes,
    staff_sessions,
    subject_requests,
)
from varna.domain.requests.codes import StoredCode
from varna.domain.requests.kinds import RequestKind
from varna.services.requests.ports import (
    Controller,
    NewRequest,
    RequestEvent,
    RequestRecord,
    StaffAccount,
    StaffSessionRow,
)

MAX_ID = 2**31 - 1  # the largest INTEGER id
EXTRACT_KINDS = (RequestKind.ACCESS, RequestKind.PORTABILITY)  # answered by a download link


def _record(row: RowMapping) -> RequestRecord:
    return RequestRecord(
        id=int(row["id"]),
        reference=row["reference"],
        kind=row["kind"],
        state=row["state"],
        email=row["email"],
        identifiers=dict(row["identifiers"] or {}),
        details=row["details"],
        language=row["language"],
        received_at=row["received_at"],
        due_date=row["due_date"],
        extension_months=int(row["extension_months"]),
        extension_reason=row["extension_reason"],
        refusal_ground=row["refusal_ground"],
        refusal_reason=row["refusal_reason"],
        person_id=row["person_id"],
        controller_id=row["controller_id"],
        outcome=row["outcome"],
        verified_at=row["verified_at"],
        closed_at=row["closed_at"],
    )


class SqlRequestStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, request: NewRequest) -> int:
        key = self._connection.execute(
            insert(subject_requests).values(
                reference=request.reference,
                kind=request.kind,
                state="received",
                email=request.email,
                email_hmac=request.email_hmac,
                identifiers=dict(request.identifiers),
                details=request.details,
                language=request.language,
                received_at=request.received_at,
                due_date=request.due_date,
                extension_months=0,
            )
        ).inserted_primary_key
        assert key is not None
        request_id = int(key[0])
        self._event(request_id, "received", "subject", request.received_at, None)
        return request_id

    def _event(
        self, request_id: int, state: str, actor: str, at: datetime, note: str | None
    ) -> None:
        self._connection.execute(
            insert(request_events).values(
                request_id=request_id, state=state, actor=actor, at=at, note=note
            )
        )

    def get(self, request_id: int) -> RequestRecord | None:
        if not 0 < request_id <= MAX_ID:  # names no row (PostgreSQL would refuse the number)
            return None
        row = (
            self._connection.execute(
                select(subject_requests).where(subject_requests.c.id == request_id)
            )
            .mappings()
            .first()
        )
        return None if row is None else _record(row)

    def by_reference(self, reference: str) -> RequestRecord | None:
        row = (
            self._connection.execute(
                select(subject_requests).where(subject_requests.c.reference == reference)
            )
            .mappings()
            .first()
        )
        return None if row is None else _record(row)

    def change_state(
        self,
        request_id: int,
        *,
        from_states: Sequence[str],
        to_state: str,
        actor: str,
        at: datetime,
        note: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> bool:
        values: dict[str, Any] = {"state": to_state, **(fields or {})}
        changed = self._connection.execute(
            update(subject_requests)
            .where(subject_requests.c.id == request_id, subject_requests.c.state.in_(from_states))
            .values(**values)
        ).rowcount
        if changed != 1:
            return False
        self._event(request_id, to_state, actor, at, note)
        return True

    def events(self, request_id: int) -> list[RequestEvent]:
        rows = self._connection.execute(
            select(request_events)
            .where(request_events.c.request_id == request_id)
            .order_by(request_events.c.id)
        ).mappings()
        return [RequestEvent(r["state"], r["actor"], r["at"], r["note"]) for r in rows]

    def listing(
        self, *, states: Sequence[str] = (), kinds: Sequence[str] = (), due_before: date | None
    ) -> list[RequestRecord]:
        query = select(subject_requests).order_by(
            subject_requests.c.due_date, subject_requests.c.id
        )
        if states:
            query = query.where(subject_requests.c.state.in_(states))
        if kinds:
            query = query.where(subject_requests.c.kind.in_(kinds))
        if due_before is not None:
            query = query.where(subject_requests.c.due_date < due_before)
        return [_record(r) for r in self._connection.execute(query).mappings()]

    # -- one-time codes -------------------------------------------------------------------

    def add_code(self, request_id: int, code_hash: str, expires_at: datetime) -> None:
        self._connection.execute(
            insert(request_codes).values(
                request_id=request_id, code_hash=code_hash, expires_at=expires_at, attempts=0
            )
        )

    def latest_code(self, request_id: int) -> tuple[int, StoredCode] | None:
        row = (
            self._connection.execute(
                select(request_codes)
                .where(request_codes.c.request_id == request_id)
                .order_by(request_codes.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        stored = StoredCode(
            row["code_hash"], row["expires_at"], int(row["attempts"]), row["used_at"]
        )
        return int(row["id"]), stored

    def count_wrong_try(self, code_id: int) -> None:
        self._connection.execute(
            update(request_codes)
            .where(request_codes.c.id == code_id)
            .values(attempts=request_codes.c.attempts + 1)
        )

    def use_code(self, code_id: int, at: datetime) -> None:
        self._connection.execute(
            update(request_codes).where(request_codes.c.id == code_id).values(used_at=at)
        )

    # -- download tokens ------------------------------------------------------------------

    def add_token(self, request_id: int, token_hash: str, expires_at: datetime) -> None:
        self._connection.execute(
            insert(download_tokens).values(
                request_id=request_id, token_hash=token_hash, expires_at=expires_at
            )
        )

    def use_token(self, token_hash: str, at: datetime) -> int | None:
        row = self._connection.execute(
            select(download_tokens.c.id, download_tokens.c.request_id).where(
                download_tokens.c.token_hash == token_hash,
                download_tokens.c.used_at.is_(None),
                download_tokens.c.expires_at > at,
            )
        ).first()
        if row is None:
            return None
        used = self._connection.execute(
            update(download_tokens)
            .where(download_tokens.c.id == row.id, download_tokens.c.used_at.is_(None))
            .values(used_at=at)
        ).rowcount
        return int(row.request_id) if used == 1 else None

    def token_request(self, token_hash: str, at: datetime) -> int | None:
        request_id = self._connection.execute(
            select(download_tokens.c.request_id).where(
                download_tokens.c.token_hash == token_hash,
                download_tokens.c.used_at.is_(None),
                download_tokens.c.expires_at > at,
            )
        ).scalar()
        return None if request_id is None else int(request_id)

    def set_outcome(self, request_id: int, outcome: Mapping[str, Any]) -> None:
        self._connection.execute(
            update(subject_requests)
            .where(subject_requests.c.id == request_id)
            .values(outcome=dict(outcome))
        )

    def with_lapsed_links(self, at: datetime) -> list[int]:
        # only the kinds answered with an extract; a dropped copy leaves its summary, which
        # the caller skips (requests are few: hundreds a year)
        tokens = download_tokens.c
        usable = (tokens.used_at.is_(None)) & (tokens.expires_at > at)
        query = (
            select(subject_requests.c.id)
            .where(
                subject_requests.c.state == "completed",
                subject_requests.c.kind.in_([k.value for k in EXTRACT_KINDS]),
                exists().where(tokens.request_id == subject_requests.c.id),
                ~exists().where(tokens.request_id == subject_requests.c.id, usable),
            )
            .order_by(subject_requests.c.id)
        )
        return list(self._connection.execute(query).scalars())

    # -- rate limiting --------------------------------------------------------------------

    def log_intake(self, key_hmacs: Sequence[str], at: datetime) -> None:
        if key_hmacs:
            self._connection.execute(
                insert(request_intake_log), [{"key_hmac": k, "at": at} for k in key_hmacs]
            )

    def intake_count(self, key_hmac: str, since: datetime) -> int:
        return int(
            self._connection.execute(
                select(func.count()).where(
                    request_intake_log.c.key_hmac == key_hmac, request_intake_log.c.at >= since
                )
            ).scalar_one()
        )

    def forget_intake_before(self, at: datetime) -> None:
        self._connection.execute(delete(request_intake_log).where(request_intake_log.c.at < at))

    # -- processor data (A3) --------------------------------------------------------------

    def controllers_of_sims(self, identifiers: Mapping[str, str]) -> list[Controller]:
        conditions = [
            getattr(sims.c, kind) == value
            for kind, value in identifiers.items()
            if kind in ("iccid", "imsi", "msisdn")
        ]
        if not conditions:
            return []
        found: dict[int, list[int]] = {}
        for sim_id, customer_id in self._connection.execute(
            select(sims.c.id, sims.c.customer_id)
            .where(*conditions[:1])
            .union(*(select(sims.c.id, sims.c.customer_id).where(c) for c in conditions[1:]))
            if len(conditions) > 1
            else select(sims.c.id, sims.c.customer_id).where(conditions[0])
        ):
            found.setdefault(int(customer_id), []).append(int(sim_id))
        if not found:
            return []
        rows = self._connection.execute(
            select(organisations.c.id, organisations.c.name, organisations.c.privacy_contact_email)
            .where(organisations.c.id.in_(found))
            .order_by(organisations.c.id)
        )
        return [
            Controller(int(r.id), r.name, r.privacy_contact_email, tuple(sorted(found[int(r.id)])))
            for r in rows
        ]


class SqlStaffStore:
    """Staff accounts (privacy officer, support) and their sessions (hashed tokens)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_account(self, login: str, role: str, password_hash: str, at: datetime) -> int:
        key = self._connection.execute(
            insert(staff_accounts).values(
                login=login, role=role, password_hash=password_hash, created_at=at
            )
        ).inserted_primary_key
        assert key is not None
        return int(key[0])

    def account(self, login: str) -> StaffAccount | None:
        row = (
            self._connection.execute(
                select(staff_accounts).where(
                    staff_accounts.c.login == login, staff_accounts.c.disabled_at.is_(None)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _staff_account(row)

    def account_by_id(self, account_id: int) -> StaffAccount | None:
        row = (
            self._connection.execute(
                select(staff_accounts).where(staff_accounts.c.id == account_id)
            )
            .mappings()
            .first()
        )
        return None if row is None else _staff_account(row)

    def all_accounts(self) -> list[StaffAccount]:
        rows = self._connection.execute(
            select(staff_accounts).order_by(staff_accounts.c.login)
        ).mappings()
        return [_staff_account(row) for row in rows]

    def active_officers(self) -> int:
        count = self._connection.execute(
            select(func.count()).where(
                staff_accounts.c.role == "privacy_officer", staff_accounts.c.disabled_at.is_(None)
            )
        ).scalar_one()
        return int(count)

    def update_account(self, account_id: int, **values: object) -> None:
        allowed = {
            "role",
            "password_hash",
            "disabled_at",
            "totp_secret",
            "totp_enrolled_at",
            "totp_last_step",
            "last_login_at",
        }
        assert set(values) <= allowed, sorted(set(values) - allowed)
        self._connection.execute(
            update(staff_accounts).where(staff_accounts.c.id == account_id).values(**values)
        )

    def claim_totp_step(self, account_id: int, step: int) -> bool:
        claimed = self._connection.execute(
            update(staff_accounts)
            .where(
                staff_accounts.c.id == account_id,
                (staff_accounts.c.totp_last_step.is_(None))
                | (staff_accounts.c.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return claimed.rowcount == 1

    def add_session(
        self,
        account_id: int,
        token_hash: str,
        at: datetime,
        expires: datetime,
        *,
        second_factor_done: bool = True,
    ) -> None:
        self._connection.execute(
            insert(staff_sessions).values(
                account_id=account_id,
                token_hash=token_hash,
                created_at=at,
                expires_at=expires,
                last_seen_at=at,
                second_factor_done=second_factor_done,
            )
        )

    def session_account(self, token_hash: str, at: datetime) -> StaffAccount | None:
        found = self.session(token_hash, at)
        return found.account if found is not None and found.second_factor_done else None

    def session(self, token_hash: str, at: datetime) -> StaffSessionRow | None:
        row = (
            self._connection.execute(
                select(
                    staff_accounts,
                    staff_sessions.c.created_at.label("session_created_at"),
                    staff_sessions.c.expires_at.label("session_expires_at"),
                    staff_sessions.c.last_seen_at.label("session_last_seen_at"),
                    staff_sessions.c.second_factor_done.label("session_done"),
                )
                .join(staff_sessions, staff_sessions.c.account_id == staff_accounts.c.id)
                .where(
                    staff_sessions.c.token_hash == token_hash,
                    staff_sessions.c.expires_at > at,
                    staff_accounts.c.disabled_at.is_(None),
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StaffSessionRow(
            _staff_account(row),
            row["session_created_at"],
            row["session_expires_at"],
            row["session_last_seen_at"],
            bool(row["session_done"]),
        )

    def touch_session(self, token_hash: str, at: datetime) -> None:
        self._connection.execute(
            update(staff_sessions)
            .where(staff_sessions.c.token_hash == token_hash)
            .values(last_seen_at=at)
        )

    def end_sessions(self, account_id: int) -> int:
        ended = self._connection.execute(
            delete(staff_sessions).where(staff_sessions.c.account_id == account_id)
        )
        return int(ended.rowcount)

    def replace_recovery_codes(self, account_id: int, hashes: list[str], at: datetime) -> None:
        self._connection.execute(
            delete(staff_recovery_codes).where(staff_recovery_codes.c.account_id == account_id)
        )
        if hashes:
            self._connection.execute(
                insert(staff_recovery_codes),
                [{"account_id": account_id, "code_hash": h, "created_at": at} for h in hashes],
            )

    def use_recovery_code(self, account_id: int, code_hash: str, at: datetime) -> bool:
        used = self._connection.execute(
            update(staff_recovery_codes)
            .where(
                staff_recovery_codes.c.account_id == account_id,
                staff_recovery_codes.c.code_hash == code_hash,
                staff_recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=at)
        )
        return used.rowcount == 1

    def recovery_codes_left(self, account_id: int) -> int:
        count = self._connection.execute(
            select(func.count()).where(
                staff_recovery_codes.c.account_id == account_id,
                staff_recovery_codes.c.used_at.is_(None),
            )
        ).scalar_one()
        return int(count)

    def end_session(self, token_hash: str) -> None:
        self._connection.execute(
            delete(staff_sessions).where(staff_sessions.c.token_hash == token_hash)
        )


def _staff_account(row: RowMapping) -> StaffAccount:
    last_step = row["totp_last_step"]
    return StaffAccount(
        int(row["id"]),
        row["login"],
        row["role"],
        row["password_hash"],
        totp_secret=row["totp_secret"],
        totp_enrolled_at=row["totp_enrolled_at"],
        totp_last_step=None if last_step is None else int(last_step),
        last_login_at=row["last_login_at"],
        disabled_at=row["disabled_at"],
    )
