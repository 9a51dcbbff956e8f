"""The use case: build the demo data set into an empty database, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from varna.domain.audit import AuditAction
from varna.domain.errors import VarnaError
from varna.services.demo import billing, business, engagement, fleet
from varna.services.demo.context import DemoContext, Row
from varna.services.demo.people import PeopleFactory
from varna.services.demo.sizes import SIZES
from varna.services.demo.usage import usage_rows
from varna.services.ports import AuditEvent, Clock, DemoUnitOfWork

SAMPLE_COUNT = 5
T = TypeVar("T")


class DemoRefused(VarnaError):
    """The demo cannot be built here (the database already holds business data)."""


class BuildProgress(Protocol):
    """Told about each stage of the build (a Rich progress bar in the CLI)."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, count: int) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class DemoCommand:
    size: str = "default"
    seed: int = 1
    as_of: date | None = None
    reset: bool = False


@dataclass(frozen=True, slots=True)
class DemoSamples:
    """Identifiers that exist in the set, to try in the product."""

    emails: list[str]
    iccids: list[str]
    msisdns: list[str]
    customers: list[str]
    end_user_refs: list[str]  # the customers' references for their SIMs' end users


@dataclass(frozen=True, slots=True)
class DemoResult:
    size: str
    seed: int
    as_of: date
    tables: dict[str, int]
    samples: DemoSamples

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "samples": asdict(self.samples),
            "size": self.size,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
        }


def _spread(items: list[T], count: int) -> list[T]:
    """Up to ``count`` items spread evenly over ``items`` (deterministic)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def _ticking(rows: Iterable[Row], progress: BuildProgress, every: int = 5_000) -> Iterator[Row]:
    for n, row in enumerate(rows, 1):
        if n % every == 0:
            progress.advance(every)
        yield row


def build_demo(
    uow: DemoUnitOfWork,
    command: DemoCommand,
    *,
    actor: str,
    clock: Clock,
    progress: BuildProgress | None = None,
) -> DemoResult:
    """Build the demo data set of ``command.size`` from ``command.seed``, with dates anchored
    on ``command.as_of`` (default: today, UTC). Refuses a database that already holds
    business data unless ``command.reset``. Everything is written in one transaction."""
    if command.size not in SIZES:
        raise DemoRefused(f"unknown size {command.size!r}; choose one of {', '.join(SIZES)}")
    size = SIZES[command.size]
    as_of = command.as_of or clock.now().date()
    tell = progress or _Silent()
    ctx = DemoContext(size=size, seed=command.seed, as_of=as_of)
    with uow:
        if uow.demo.holds_business_data():
            if not command.reset:
                raise DemoRefused(
                    "the database already holds business data; run `varna demo --reset` to "
                    "empty the business tables first, or point VARNA_DATABASE_URL at an empty "
                    "database"
                )
            tell.stage("emptying business tables", None)
            uow.demo.empty_business_tables()

        tell.stage("people and organisations", None)
        people = PeopleFactory(ctx)
        rows = business.BusinessRows()
        orgs = business.organisations(ctx, people, rows)
        customers = [org for org in orgs if org.kind == "customer"]
        counts = business.sim_counts(ctx, len(customers), size.sims)
        business.contracts_and_orders(ctx, customers, rows, counts)
        sims = fleet.sims_and_devices(ctx, customers, counts, rows)
        contacts = [person for org in customers for person in org.contacts]
        more = engagement.EngagementRows()
        engagement.leads_and_subscribers(ctx, people, contacts, more)
        engagement.tickets(ctx, customers, more)
        bills = billing.invoices(ctx, customers)

        store = uow.demo
        for table, table_rows in (
            ("organisations", rows.organisations),
            ("people", people.rows),
            ("person_roles", people.roles),
            ("disclosures", business.credit_checks(customers)),
            ("quote_requests", rows.quote_requests + more.quote_requests),
            ("orders", rows.orders),
            ("contracts", rows.contracts),
            ("sims", rows.sims),
            ("sim_end_users", rows.sim_end_users),
            ("devices", rows.devices),
            ("invoices", bills.invoices),
            ("invoice_lines", bills.invoice_lines),
            ("payments", bills.payments),
            ("support_tickets", more.support_tickets),
            ("ticket_messages", more.ticket_messages),
        ):
            tell.stage(table, len(table_rows))
            store.insert(table, _ticking(table_rows, tell))
        tell.stage("web_visits", size.web_visits)
        store.insert("web_visits", _ticking(engagement.web_visits(ctx, more.web_visitors), tell))

        tell.stage("usage_records (per SIM)", len(sims))
        first_day = as_of - timedelta(days=size.usage_days)
        store.load_usage(
            usage_rows(
                sims,
                seed=command.seed,
                first_day=first_day,
                days=size.usage_days,
                scale=size.usage_scale,
                on_sim_done=lambda: tell.advance(1),
            ),
            first_day=first_day,
            last_day=as_of,
        )
        tell.stage("finishing", None)
        store.finish()
        store.mark_demo(at=clock.now(), size=size.name, seed=command.seed)
        tables = store.row_counts()
        uow.audit.record(
            AuditEvent(
                actor,
                AuditAction.DEMO_BUILT,
                None,
                {"size": size.name, "seed": command.seed, "rows": tables},
            ),
            at=clock.now(),
        )
        uow.commit()

    active = [sim for sim in sims if sim.status == "activated"]
    running = [org for org in customers if org.running]
    ended = [org for org in customers if not org.running]
    named = _spread(running, SAMPLE_COUNT) + ended[: max(0, SAMPLE_COUNT - len(running))]
    emails = [person.email for person in contacts if person.email]
    samples = DemoSamples(
        emails=_spread(emails, SAMPLE_COUNT),
        iccids=[sim.iccid for sim in _spread(active, SAMPLE_COUNT)],
        msisdns=[sim.msisdn for sim in _spread(active, SAMPLE_COUNT)],
        customers=[org.name for org in named],
        end_user_refs=_spread([r["end_user_ref"] for r in rows.sim_end_users], SAMPLE_COUNT),
    )
    return DemoResult(size.name, command.seed, as_of, tables, samples)
