"""The consent gate: the one function every consent-based purpose passes before it touches a
person's data (C5, C7, D6, D8).

``may_process`` allows a purpose for a subject only when no veto (restriction, objection,
suppression list) stands and the ledger's current state for it is a consent given under a
notice that still says the same about that purpose. A withdrawal is the last event at once,
so processing on that consent stops at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from varna.catalog import Catalog
from varna.domain.consent import (
    ConsentEvent,
    ConsentState,
    ConsentSubject,
    Notice,
    NoticeVersion,
    Status,
    fold,
)
from varna.domain.consent.expiry import ValidityPolicy
from varna.domain.errors import VarnaError
from varna.services.consent.notice import build_notice, cookie_key, keys_granting
from varna.services.consent.ports import ConsentUnitOfWork, ProcessingVeto


class NotConsentBased(VarnaError):
    """The gate was asked about a purpose that rests on another legal basis."""

    def __init__(self, purpose: str) -> None:
        super().__init__(f"purpose {purpose!r} is not consent-based; the gate decides none other")


@dataclass(frozen=True, slots=True)
class GateDecision:
    allowed: bool
    reason: str  # "consent" when allowed; else never_asked, refused, withdrawn, ..., a veto

    def __bool__(self) -> bool:
        return self.allowed


class ConsentGate:
    """Built once per process (bootstrap) with the current notice and the vetoes."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        vetoes: Sequence[ProcessingVeto] = (),
        validity_months: Mapping[str, int] | None = None,
    ) -> None:
        self.catalog = catalog
        self.notice: Notice = build_notice(catalog)
        self.vetoes = tuple(vetoes)
        # how long each consent lasts (domain/consent/expiry.py); bad settings are refused
        self.validity = ValidityPolicy.of(validity_months or {}, keys=self.notice.keys)
        self._versions: dict[str, NoticeVersion] = {}

    # -- notice versions -------------------------------------------------------------------

    def _known(self, uow: ConsentUnitOfWork, version: str) -> NoticeVersion | None:
        if version not in self._versions:
            self._versions.update({v.version: v for v in uow.consent.notice_versions()})
        return self._versions.get(version)

    def still_current(self, uow: ConsentUnitOfWork) -> _StillCurrent:
        return _StillCurrent(self, uow)

    def valid_versions(self, uow: ConsentUnitOfWork, key: str) -> tuple[str, ...]:
        """The notice versions under which a consent to ``key`` still counts."""
        self._versions.update({v.version: v for v in uow.consent.notice_versions()})
        return tuple(v.version for v in self._versions.values() if self.notice.still_covers(v, key))

    def publish(self, uow: ConsentUnitOfWork, *, at: datetime) -> None:
        """Keep the current notice version in the ledger (idempotent)."""
        published = self.notice.published()
        if published.version not in self._versions:
            uow.consent.publish_notice(published, at=at)
            self._versions[published.version] = published

    def fold(
        self, uow: ConsentUnitOfWork, events: Sequence[ConsentEvent], *, at: datetime
    ) -> dict[str, ConsentState]:
        """The current state as the gate sees it: consent under a changed notice text counts
        as outdated, consent older than its validity as expired."""
        return fold(
            events, at=at, still_current=self.still_current(uow), lapsed=self.validity.lapsed
        )

    # -- the gate --------------------------------------------------------------------------

    def may_process(
        self, uow: ConsentUnitOfWork, subject: ConsentSubject, purpose: str, *, at: datetime
    ) -> GateDecision:
        if not self.catalog.purpose(purpose).consent_required:
            raise NotConsentBased(purpose)
        for veto in self.vetoes:
            reason = veto.veto(uow, subject.person_id, purpose)
            if reason is not None:
                return GateDecision(False, reason)
        if subject.person_id is not None:
            keys: tuple[str, ...] = (purpose,)
        else:
            keys = keys_granting(self.catalog, purpose)[1:]
        if not keys:
            return GateDecision(False, "never_asked")
        states = self.fold(uow, uow.consent.events_of(subject, keys), at=at)
        best = Status.NEVER_ASKED
        for key in keys:
            state = states.get(key)
            if state is None:
                continue
            if state.granted:
                return GateDecision(True, "consent")
            best = state.status
        return GateDecision(False, best.value)


class _StillCurrent:
    """Whether consent given under a version still covers a key in the current notice."""

    def __init__(self, gate: ConsentGate, uow: ConsentUnitOfWork) -> None:
        self._gate, self._uow = gate, uow

    def __call__(self, version: str, key: str) -> bool:
        known = self._gate._known(self._uow, version)
        return known is not None and self._gate.notice.still_covers(known, key)


__all__ = ["ConsentGate", "GateDecision", "NotConsentBased", "cookie_key"]
