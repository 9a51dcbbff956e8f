"""Leads and their quote requests, newsletter subscribers, web visitors, support tickets
with free-text messages (Swedish and English), and web visits from documentation IP ranges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from varna.services.demo.business import Organisation, Sim
from varna.services.demo.context import DemoContext, Row
from varna.services.demo.people import PeopleFactory, Person

CUSTOMER_MESSAGES = (
    "Hej! SIM-kortet {iccid} har slutat skicka data sedan i går. Kan ni kontrollera?",
    "Hej, vi ser ingen trafik från {msisdn}. Min kollega {colleague} har startat om enheten.",
    "Kan ni skicka en kopia av senaste fakturan till {colleague}? Tack!",
    "Vi behöver stänga av tio SIM-kort i {city}. Hur går vi tillväga?",
    "Hello, the tracker with SIM {iccid} has been roaming since Monday. Please advise.",
    "Hi, please add my colleague {colleague} as a contact for our account.",
    "Our terminal in {city} reports no network. MSISDN {msisdn}.",
)
STAFF_MESSAGES = (
    "Tack för ditt meddelande! Vi har återställt sessionen, hör av dig om problemet kvarstår.",
    "Thanks, we have reset the PDP context. Let us know if the problem persists.",
    "Vi har uppdaterat kontaktuppgifterna för ert konto.",
    "Fakturan är skickad igen. / The invoice has been sent again.",
)
SUBJECTS = (
    "Ingen datatrafik",
    "Fakturafråga",
    "Ny kontaktperson",
    "Roaming",
    "Avsluta SIM-kort",
    "No connectivity",
    "Invoice copy",
)
QUOTE_MESSAGES = (
    "Vi utvärderar IoT-uppkoppling för {n} mätare. Vad kostar det per månad?",
    "We are looking for connectivity for {n} asset trackers across the Nordics.",
    "Hej, kan ni ge offert på {n} SIM-kort med roaming i Norge och Finland?",
)
PATHS = (
    "/",
    "/priser",
    "/iot-sim",
    "/kontakt",
    "/offert",
    "/om-oss",
    "/integritet",
    "/en/",
    "/en/pricing",
    "/en/contact",
    "/blogg/nb-iot-eller-lte-m",
    "/nyhetsbrev",
)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36",
)
IPV4_DOC_NETS = ("192.0.2", "198.51.100", "203.0.113")
WEB_VISIT_DAYS = 400


@dataclass
class EngagementRows:
    quote_requests: list[Row] = field(default_factory=list)
    support_tickets: list[Row] = field(default_factory=list)
    ticket_messages: list[Row] = field(default_factory=list)
    web_visitors: list[Person] = field(default_factory=list)


def leads_and_subscribers(
    ctx: DemoContext, people: PeopleFactory, contacts: list[Person], rows: EngagementRows
) -> None:
    """Leads with a quote request that never became an order, newsletter subscribers (new
    people and some customer contacts) and web visitors who left an e-mail address."""
    for _ in range(ctx.size.leads):
        lead = people.new(source="web_form", created_days_ago=900)
        asked = ctx.rng.randint(3, 900)
        people.role(
            lead,
            "lead",
            started_on=ctx.day(asked),
            ended_on=ctx.day(asked - 1) if asked > 400 and ctx.chance(0.5) else None,
        )
        n = ctx.rng.choice((10, 25, 50, 200, 1_000))
        rows.quote_requests.append(
            {
                "id": ctx.new_id("quote_requests"),
                "person_id": lead.id,
                "organisation_id": None,
                "company_name": ctx.fake.company(),
                "message": ctx.rng.choice(QUOTE_MESSAGES).format(n=n),
                "sim_count": n,
                "received_at": ctx.moment(ctx.day(asked)),
                "source": "web_form",
            }
        )
    for _ in range(ctx.size.newsletter_subscribers):
        reuse = contacts and ctx.chance(0.3)
        subscriber = ctx.rng.choice(contacts) if reuse else people.new(source="newsletter_form")
        since = ctx.rng.randint(1, 1_500)
        left = ctx.chance(0.15)
        people.role(
            subscriber,
            "newsletter_subscriber",
            started_on=ctx.day(since),
            ended_on=ctx.day(ctx.rng.randint(0, since)) if left else None,
        )
    for _ in range(ctx.size.web_visitors):
        visitor = people.new(source="web_form", phone_chance=0.0, pnr_chance=0.0)
        people.role(visitor, "web_visitor", started_on=ctx.day(ctx.rng.randint(1, WEB_VISIT_DAYS)))
        rows.web_visitors.append(visitor)


def tickets(ctx: DemoContext, customers: list[Organisation], rows: EngagementRows) -> None:
    """Support tickets of customer contacts; messages mention colleagues, ICCIDs, MSISDNs."""
    with_sims = [org for org in customers if org.sims]
    for _ in range(ctx.size.tickets):
        org = ctx.rng.choice(with_sims)
        author = ctx.rng.choice(org.contacts)
        colleague = ctx.rng.choice(org.contacts)
        sim: Sim = ctx.rng.choice(org.sims)
        last = org.terminated_on or ctx.as_of
        opened = ctx.moment(last - timedelta(days=ctx.rng.randint(1, 700)))
        closed = ctx.chance(0.85)
        ticket_id = ctx.new_id("support_tickets")
        sent = opened
        for n in range(ctx.rng.randint(1, 4)):
            from_staff = n % 2 == 1
            template = ctx.rng.choice(STAFF_MESSAGES if from_staff else CUSTOMER_MESSAGES)
            body = template.format(
                iccid=sim.iccid,
                msisdn=sim.msisdn,
                colleague=colleague.full_name,
                city=ctx.fake.city(),
            )
            rows.ticket_messages.append(
                {
                    "id": ctx.new_id("ticket_messages"),
                    "ticket_id": ticket_id,
                    "author_person_id": None if from_staff else author.id,
                    "author_staff": f"agent-{ctx.rng.randint(1, 12):02d}" if from_staff else None,
                    "body": body,
                    "sent_at": sent,
                }
            )
            sent += timedelta(minutes=ctx.rng.randint(10, 3_000))
        rows.support_tickets.append(
            {
                "id": ticket_id,
                "organisation_id": org.id,
                "person_id": author.id,
                "subject": ctx.rng.choice(SUBJECTS),
                "status": "closed" if closed else "open",
                "opened_at": opened,
                "closed_at": sent if closed else None,
            }
        )


def _ip(ctx: DemoContext) -> str:
    if ctx.chance(0.2):
        return f"2001:db8:{ctx.rng.getrandbits(16):x}::{ctx.rng.getrandbits(16):x}"
    return f"{ctx.rng.choice(IPV4_DOC_NETS)}.{ctx.rng.randint(1, 254)}"


def web_visits(ctx: DemoContext, visitors: list[Person]) -> Iterator[Row]:
    """Page views over the last 400 days; most anonymous, some by known visitors."""
    cookies = [f"{ctx.rng.getrandbits(128):032x}" for _ in range(max(1, ctx.size.web_visits // 6))]
    known = {person.id: f"{ctx.rng.getrandbits(128):032x}" for person in visitors}
    known_ids = list(known)
    for _ in range(ctx.size.web_visits):
        person_id = ctx.rng.choice(known_ids) if known_ids and ctx.chance(0.1) else None
        yield {
            "id": ctx.new_id("web_visits"),
            "person_id": person_id,
            "visited_at": ctx.moment(
                ctx.day(ctx.rng.randint(1, WEB_VISIT_DAYS)), business_hours=False
            ),
            "path": ctx.rng.choice(PATHS),
            "ip_address": _ip(ctx),
            "cookie_id": known[person_id] if person_id else ctx.rng.choice(cookies),
            "user_agent": ctx.rng.choice(USER_AGENTS),
        }
