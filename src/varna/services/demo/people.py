"""Fictional people: Swedish names from Faker ``sv_SE``, e-mail addresses on example.com,
example.net and ``.test`` domains only, phones from the PTS fiction block, some
personnummer and samordningsnummer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from varna.services.demo import identifiers as ids
from varna.services.demo.context import DemoContext, Row, slug

PUBLIC_DOMAINS = ("example.com", "example.net")
CONTACT_TITLES = (
    "VD",
    "Inköpare",
    "IT-chef",
    "Driftansvarig",
    "Ekonomiansvarig",
    "Teknisk chef",
    "Head of IoT",
    "Product Manager",
    "CTO",
    "Logistikansvarig",
)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    full_name: str
    email: str | None
    personnummer: str | None = None  # 12 digits, as stored


@dataclass
class PeopleFactory:
    """Makes people rows; every e-mail address and personnummer is unique in the set."""

    ctx: DemoContext
    rows: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    _emails: set[str] = field(default_factory=set)
    _pnrs: set[str] = field(default_factory=set)
    _phones: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._phones = list(ids.FICTION_PHONES)
        self.ctx.rng.shuffle(self._phones)

    def _email(self, first: str, last: str, domain: str) -> str:
        base = f"{slug(first).replace('-', '')}.{slug(last).replace('-', '')}"
        candidate, n = f"{base}@{domain}", 1
        while candidate in self._emails:
            n += 1
            candidate = f"{base}{n}@{domain}"
        self._emails.add(candidate)
        return candidate

    def new(
        self,
        *,
        source: str,
        domain: str | None = None,
        with_email: bool = True,
        phone_chance: float = 0.3,
        pnr_chance: float = 0.1,
        address_chance: float = 0.2,
        created_days_ago: int = 400,
    ) -> Person:
        ctx = self.ctx
        first, last = ctx.fake.first_name(), ctx.fake.last_name()
        email = None
        if with_email:
            email = self._email(first, last, domain or ctx.rng.choice(PUBLIC_DOMAINS))
        phone = self._phones.pop() if self._phones and ctx.chance(phone_chance) else None
        pnr = None
        if ctx.chance(pnr_chance):
            pnr = ids.personnummer(ctx.rng, ctx.as_of, self._pnrs, coordination=ctx.chance(0.15))
        address = ctx.fake.address().replace("\n", ", ") if ctx.chance(address_chance) else None
        person = Person(ctx.new_id("people"), f"{first} {last}", email, pnr)
        self.rows.append(
            {
                "id": person.id,
                "full_name": person.full_name,
                "email": email,
                "phone": phone,
                "address": address,
                "personnummer": pnr,
                "source": source,
                "created_at": ctx.past_moment(max(created_days_ago, 2)),
            }
        )
        return person

    def role(
        self,
        person: Person,
        role: str,
        *,
        organisation_id: int | None = None,
        title: str | None = None,
        started_on: date,
        ended_on: date | None = None,
    ) -> None:
        self.roles.append(
            {
                "id": self.ctx.new_id("person_roles"),
                "person_id": person.id,
                "organisation_id": organisation_id,
                "role": role,
                "title": title,
                "started_on": started_on,
                "ended_on": ended_on,
            }
        )
