"""The subject engine's answer to the consent gate: restriction (D3), objection (D5, D8)
and the direct-marketing suppression list (D8) stop consent-based processing of a person,
whatever the consent ledger says. Wired into the gate by the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from varna.domain.errors import InvalidIdentifier
from varna.domain.subjects.keys import keyed_hash
from varna.services.ports import UnitOfWork
from varna.services.subjects.objection import MARKETING_PURPOSES
from varna.services.subjects.ports import SubjectUnitOfWork
from varna.services.subjects.restrict import is_restricted


class SubjectRightsVeto:
    """Implements the consent gate's ``ProcessingVeto`` port."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def veto(self, uow: UnitOfWork, person_id: int | None, purpose: str) -> str | None:
        if person_id is None:
            return None
        work = cast(SubjectUnitOfWork, uow)
        if is_restricted(work, person_id):
            return "restricted"
        marketing = purpose in MARKETING_PURPOSES
        if person_id in work.rights.objected_people(purpose, absolute=marketing):
            return "objected"
        if marketing:
            email = work.rights.emails_of([person_id]).get(person_id)
            digest = self._hash(email) if email is not None else None
            if digest is not None and work.rights.is_suppressed(digest):
                return "suppressed"
        return None

    def _hash(self, email: str) -> str | None:
        try:
            return keyed_hash(email, self._secret)
        except InvalidIdentifier:
            return None  # an unusable stored address cannot be on the list

    def vetoed_people(self, uow: UnitOfWork, purpose: str) -> Mapping[int, str]:
        work = cast(SubjectUnitOfWork, uow)
        marketing = purpose in MARKETING_PURPOSES
        vetoed: dict[int, str] = {}
        if marketing:
            hashes = work.rights.suppressed_hashes()
            if hashes:
                for person_id, email in work.rights.emails_of().items():
                    if self._hash(email) in hashes:
                        vetoed[person_id] = "suppressed"
        for person_id in work.rights.objected_people(purpose, absolute=marketing):
            vetoed[person_id] = "objected"
        for person_id in work.rights.restricted_people():
            vetoed[person_id] = "restricted"
        return vetoed
