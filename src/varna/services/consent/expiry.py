"""The consent expiry sweep (C7, R-LB-02): a consent older than its validity period gets an
``expired`` event, dated when it lapsed, so the fold, the gate and marketing selection treat
it as missing. Idempotent: a consent that has expired is no longer the last ``given`` event,
so a second run adds nothing. The period per purpose is in ``domain/consent/expiry.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from varna.domain.audit import AuditAction, SystemActor
from varna.domain.consent import Channel, ConsentEvent, EventKind
from varna.domain.consent.expiry import ValidityPolicy
from varna.services.consent.gate import ConsentGate
from varna.services.consent.ports import ConsentUnitOfWork
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent

SCHEDULER = SystemActor.CONSENT_SCHEDULER


@dataclass(frozen=True, slots=True)
class ExpireCommand:
    as_of: datetime  # consents that have lapsed by then expire
    dry_run: bool = False


@dataclass(frozen=True)
class ExpiryReport:
    as_of: datetime
    dry_run: bool
    expired: dict[str, int]  # ledger key -> consents expired (or, dry run, that would be)
    months: dict[str, int]  # ledger key -> its validity period

    @property
    def total(self) -> int:
        return sum(self.expired.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "expired": self.total,
            "expired_by_purpose": dict(sorted(self.expired.items())),
            "validity_months": dict(sorted(self.months.items())),
        }


def expire_consents(
    ctx: ServiceContext[ConsentUnitOfWork],
    command: ExpireCommand,
    *,
    gate: ConsentGate,
    policy: ValidityPolicy,
    actor: str,
) -> ExpiryReport:
    """One transaction: the expired events of every key of the notice and the audit event."""
    as_of = command.as_of
    keys = gate.notice.keys
    counts: Counter[str] = Counter()
    with ctx.uow() as work:
        work.consent.lock_expiry()
        events: list[ConsentEvent] = []
        for key in keys:
            candidates = work.consent.last_given(
                key, given_before=policy.given_before(key, as_of), as_of=as_of
            )
            for given in candidates:  # each has lapsed by as_of, so it lapsed at or before
                lapsed = policy.lapses_at(key, given.at)
                events.append(
                    replace(given, kind=EventKind.EXPIRED, channel=Channel.EXPIRY, at=lapsed)
                )
                counts[key] += 1
        if not command.dry_run and events:
            work.consent.append(events)
            work.audit.record(
                AuditEvent(
                    actor=actor,
                    action=AuditAction.CONSENT_EXPIRED,
                    target="consent_events",
                    details={"as_of": as_of.isoformat(), "expired": dict(sorted(counts.items()))},
                ),
                at=ctx.clock.now(),
            )
            work.commit()
    return ExpiryReport(
        as_of=as_of,
        dry_run=command.dry_run,
        expired={k: v for k, v in counts.items() if v},
        months={key: policy.months_for(key) for key in keys},
    )


# -- the daily run ------------------------------------------------------------------------------


def daily_expiry_job(
    ctx: ServiceContext[ConsentUnitOfWork], *, gate: ConsentGate, policy: ValidityPolicy
) -> ExpiryReport:
    """What the worker runs once a day (and at its start): expire what has lapsed by now.
    Safe when several workers run it at once (the store serialises the sweeps)."""
    command = ExpireCommand(as_of=ctx.clock.now())
    return expire_consents(ctx, command, gate=gate, policy=policy, actor=SCHEDULER)
