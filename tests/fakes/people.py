"""The people and organisations the stores read (the business tables, reduced to what the
services ask about): e-mail, personnummer and phone of a person, a customer's privacy
contact and SIMs."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.transaction import FakeStore


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    email: str | None = None
    personnummer: str | None = None
    phone: str | None = None
    name: str = "Testa Testsson"


@dataclass(frozen=True, slots=True)
class Sim:
    id: int
    iccid: str
    imsi: str
    msisdn: str
    customer_id: int


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str
    kind: str = "customer"
    privacy_contact: str | None = None
    email: str | None = None
    orgnr: str | None = None
    sim_ids: tuple[int, ...] = field(default=())


class FakeDirectory(FakeStore):
    """What the business tables hold, as far as the services ask."""

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.organisations: dict[int, Organisation] = {}
        self.sims: dict[int, Sim] = {}
        self._next = 1

    def add_person(
        self,
        *,
        email: str | None = None,
        personnummer: str | None = None,
        phone: str | None = None,
        name: str = "Testa Testsson",
    ) -> int:
        person_id = self._take()
        self.people[person_id] = Person(person_id, email, personnummer, phone, name)
        return person_id

    def add_customer(
        self, name: str = "Testbolaget AB", *, privacy_contact: str | None = None
    ) -> int:
        organisation_id = self._take()
        self.organisations[organisation_id] = Organisation(
            organisation_id, name, privacy_contact=privacy_contact
        )
        return organisation_id

    def add_sim(self, customer_id: int, *, iccid: str, imsi: str, msisdn: str) -> int:
        sim_id = self._take()
        self.sims[sim_id] = Sim(sim_id, iccid, imsi, msisdn, customer_id)
        return sim_id

    def _take(self) -> int:
        taken, self._next = self._next, self._next + 1
        return taken

    def person_by(self, kind: str, value: str) -> list[int]:
        """People whose ``kind`` (email, personnummer, phone, person_id) is ``value``."""
        if kind == "person_id":
            return [int(value)] if int(value) in self.people else []
        return sorted(p.id for p in self.people.values() if getattr(p, kind, None) == value)
