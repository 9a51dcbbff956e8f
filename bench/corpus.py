"""Seeded, labelled synthetic corpus of support-ticket texts (Swedish and English).

Every planted identifier is fictional and well-formed (valid checksums, test ranges: ICCID
8946..., e-mail at example.com/.org/.net, IPs from the documentation ranges, PTS/Ofcom drama
phone numbers). Decoys look like identifiers but are not: broken checksums, order numbers,
dates, amounts, versions, 15-digit numbers failing Luhn, "sjukt bra", "the union of two sets".

``generate(n, seed)`` returns ``Doc(text, spans)``; ``spans`` are gold ``(type, start, end)``.
For identifiers the gold span is the identifier itself (for ``cell_id`` the value after the
label). For special categories it is the planted phrase.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from varna.domain.scan.checksums import iban_check_digits, luhn_check_digit


@dataclass
class Doc:
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    lang: str = "sv"


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[str, int, int]] = []
        self.pos = 0

    def add(self, s: str, gold: str | None = None) -> None:
        if gold:
            self.spans.append((gold, self.pos, self.pos + len(s)))
        self.parts.append(s)
        self.pos += len(s)


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


def _luhn_broken(rng: random.Random, prefix: str, length: int) -> str:
    s = _luhn_complete(rng, prefix, length)
    return s[:-1] + str((int(s[-1]) + rng.randint(1, 9)) % 10)


# ---- identifier generators: return (text, gold type) ---------------------------------------


def g_person(rng: random.Random) -> tuple[str, str]:
    samordning = rng.random() < 0.2
    born = date(1935, 1, 1) + timedelta(days=rng.randint(0, 365 * 70))
    day = born.day + (60 if samordning else 0)
    ymd = f"{born.year:04d}{born.month:02d}{day:02d}"
    ten = _luhn_complete(rng, ymd[2:], 10)
    sep = "+" if born.year < 1925 else "-"
    r = rng.random()
    if r < 0.5:
        s = f"{ten[:6]}{sep}{ten[6:]}"
    elif r < 0.75:
        s = f"{ymd[:2]}{ten[:6]}-{ten[6:]}"
    elif r < 0.9 or ten[0] == "0":
        s = f"{ymd[:2]}{ten}"
    else:
        s = ten
    return s, "samordningsnummer" if samordning else "personnummer"


def g_orgnr(rng: random.Random) -> tuple[str, str]:
    first = rng.choice("25789")
    ten = _luhn_complete(rng, first + str(rng.randint(0, 9)) + str(rng.randint(2, 9)), 10)
    r = rng.random()
    s = f"{ten[:6]}-{ten[6:]}" if r < 0.7 else (ten if r < 0.85 else "16" + ten)
    return s, "orgnr"


def g_iccid(rng: random.Random) -> tuple[str, str]:
    s = _luhn_complete(
        rng, "8946" + rng.choice(["01", "07", "08", "20", "24"]), rng.choice([19, 19, 20])
    )
    if rng.random() < 0.2:
        s = " ".join(s[i : i + 4] for i in range(0, len(s), 4))
    return s, "iccid"


def g_imsi(rng: random.Random) -> tuple[str, str]:
    mccmnc = rng.choice(
        ["24001", "24007", "24008", "24024", "23410", "26201", "20408", "24201", "24405"]
    )
    return mccmnc + "".join(rng.choice(string.digits) for _ in range(10)), "imsi"


_TACS = ["35209900", "35332211", "86753104", "86920304", "01326300", "99001234", "35875605"]


def g_imei(rng: random.Random) -> tuple[str, str]:
    s = _luhn_complete(rng, rng.choice(_TACS), 15)
    r = rng.random()
    if r < 0.15:
        s = f"{s[:2]}-{s[2:8]}-{s[8:14]}-{s[14]}"
    elif r < 0.3:
        s = f"{s[:2]} {s[2:8]} {s[8:14]} {s[14]}"
    return s, "imei"


def g_imeisv(rng: random.Random) -> tuple[str, str]:
    s = rng.choice(_TACS) + "".join(rng.choice(string.digits) for _ in range(8))
    if rng.random() < 0.2:
        s = f"{s[:2]}-{s[2:8]}-{s[8:14]}-{s[14:]}"
    return s, "imeisv"


def g_phone(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.6:
        n = f"{rng.randint(5, 99):02d}"
        s = rng.choice(
            [
                f"070-174 06 {n}",
                f"070-17406{n}",
                f"07017406{n}",
                f"+46 70 174 06 {n}",
                f"+46 (0)70-174 06 {n}",
                f"+4670174 06{n}",
                f"0046 70 174 06 {n}",
            ]
        )
    elif r < 0.75:
        n = f"{rng.randint(0, 99):02d}"
        s = rng.choice([f"031-390 06 {n}", f"031-39006{n}", f"+46 31 390 06 {n}"])
    elif r < 0.85:
        n = f"{rng.randint(0, 99):02d}"
        s = rng.choice([f"08-465 004 {n}", f"+46 8 465 004 {n}"])
    else:
        n = f"{rng.randint(0, 999):03d}"
        s = rng.choice([f"+44 20 7946 0{n}", f"+442079460{n}", f"+44 (0)20 7946 0{n}"])
    return s, "phone"


_FIRST = ["anna", "erik", "lars", "maria", "karin", "johan", "sara", "olof", "åsa", "jonas", "emma"]
_LAST = ["svensson", "lindqvist", "berg", "nilsson", "öberg", "holm", "ek", "strand", "wikström"]


def g_email(rng: random.Random) -> tuple[str, str]:
    local = rng.choice(
        [
            f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}",
            rng.choice(_FIRST),
            f"{rng.choice(_FIRST)}{rng.randint(1, 99)}",
            "support+iot",
        ]
    )
    return (
        f"{local}@{rng.choice(['example.com', 'example.org', 'example.net', 'mail.example.com'])}",
        "email",
    )


def g_ipv4(rng: random.Random) -> tuple[str, str]:
    base = rng.choice(
        ["192.0.2", "198.51.100", "203.0.113", f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}"]
    )
    return f"{base}.{rng.randint(1, 254)}", "ipv4"


def g_ipv6(rng: random.Random) -> tuple[str, str]:
    h = lambda: f"{rng.randint(0, 0xFFFF):x}"  # noqa: E731
    r = rng.random()
    if r < 0.5:
        s = f"2001:db8:{h()}:{h()}::{h()}"
    elif r < 0.8:
        s = "2001:db8:" + ":".join(h() for _ in range(6))
    else:
        s = f"2001:db8::{h()}"
    return s, "ipv6"


def g_mac(rng: random.Random) -> tuple[str, str]:
    b = [0x02] + [rng.randint(0, 255) for _ in range(5)]
    r = rng.random()
    if r < 0.5:
        s = ":".join(f"{x:02X}" for x in b)
    elif r < 0.8:
        s = "-".join(f"{x:02x}" for x in b)
    else:
        hx = "".join(f"{x:02x}" for x in b)
        s = f"{hx[:4]}.{hx[4:8]}.{hx[8:]}"
    return s, "mac"


def g_iban(rng: random.Random) -> tuple[str, str]:
    country, bban = rng.choice(
        [
            ("SE", "5000" + "".join(rng.choice(string.digits) for _ in range(16))),
            ("DE", "".join(rng.choice(string.digits) for _ in range(18))),
            ("GB", "NWBK" + "".join(rng.choice(string.digits) for _ in range(14))),
            ("NO", "".join(rng.choice(string.digits) for _ in range(11))),
            ("FI", "".join(rng.choice(string.digits) for _ in range(14))),
            ("DK", "".join(rng.choice(string.digits) for _ in range(14))),
        ]
    )
    s = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.6:
        s = " ".join(s[i : i + 4] for i in range(0, len(s), 4))
    return s, "iban"


def g_bankgiro(rng: random.Random) -> tuple[str, str]:
    s = _luhn_complete(rng, str(rng.randint(1, 9)), rng.choice([7, 8]))
    return f"{s[:-4]}-{s[-4:]}", "bankgiro"


def g_plusgiro(rng: random.Random) -> tuple[str, str]:
    s = _luhn_complete(rng, str(rng.randint(1, 9)), rng.choice([5, 6, 7, 8]))
    if len(s) == 7 and rng.random() < 0.5:
        return f"{s[:2]} {s[2:4]} {s[4:6]}-{s[6]}", "plusgiro"
    return f"{s[:-1]}-{s[-1]}", "plusgiro"


def g_card(rng: random.Random) -> tuple[str, str]:
    prefix, length = rng.choice(
        [
            ("4", 16),
            ("4571", 16),
            ("51", 16),
            ("55", 16),
            ("2221", 16),
            ("2720", 16),
            ("34", 15),
            ("37", 15),
            ("6011", 16),
            ("6759", 16),
        ]
    )
    s = _luhn_complete(rng, prefix, length)
    r = rng.random()
    if length == 15:
        s = f"{s[:4]} {s[4:10]} {s[10:]}" if r < 0.6 else s
    elif r < 0.6:
        s = " ".join(s[i : i + 4] for i in range(0, 16, 4))
    elif r < 0.7:
        s = "-".join(s[i : i + 4] for i in range(0, 16, 4))
    return s, "card"


def g_gps(rng: random.Random) -> tuple[str, str]:
    lat = rng.uniform(55.3, 69.0)
    lon = rng.uniform(11.1, 24.1)
    d = rng.choice([4, 5, 6])
    return f"{lat:.{d}f}{rng.choice([', ', ',', ', ', ' '])}{lon:.{d}f}", "gps"


def g_cell(rng: random.Random) -> tuple[str, str]:
    # returns the value; the label is part of the template
    r = rng.random()
    if r < 0.3:
        return f"0x{rng.randint(1, 0xFFFF):04X}", "cell_id"
    return str(rng.randint(1, 65535)), "cell_id"


GEN: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "pnr": g_person,
    "orgnr": g_orgnr,
    "iccid": g_iccid,
    "imsi": g_imsi,
    "imei": g_imei,
    "imeisv": g_imeisv,
    "phone": g_phone,
    "email": g_email,
    "ipv4": g_ipv4,
    "ipv6": g_ipv6,
    "mac": g_mac,
    "iban": g_iban,
    "bg": g_bankgiro,
    "pg": g_plusgiro,
    "card": g_card,
    "gps": g_gps,
    "cell": g_cell,
}


# ---- decoy generators: look like identifiers, are none ------------------------------------


def _d(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _bad_pnr(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    ten = _luhn_broken(rng, born.strftime("%y%m%d"), 10)
    return f"{ten[:6]}-{ten[6:]}"


def _group4(s: str) -> str:
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


def _ocr(rng: random.Random) -> str:
    return _d(rng, rng.choice([8, 9, 11, 12]))


DECOY: dict[str, Callable[[random.Random], str]] = {
    "order": lambda r: _d(r, r.choice([6, 7, 8, 9])),
    "date": lambda r: r.choice(
        [
            "2024-03-15",
            "15/03/2024",
            "2024-03-15 14:30",
            "2023-11-02",
            "20240315",
            "den 3 april",
            "2025-01-07T08:15:00Z",
        ]
    ),
    "amount": lambda r: r.choice(
        [
            "1 234,50 kr",
            "12 500 kr",
            "€1,299.00",
            "SEK 4 990",
            "12.500,00 kr",
            "$49.99",
            "249 000 SEK",
            "1 599 kr/mån",
        ]
    ),
    "version": lambda r: r.choice(["4.12.0.3", "2.3.1", "10.2.300.1", "1.0.17", "5.4.2.11"]),
    "bad15": lambda r: _luhn_broken(r, r.choice(["35", "86"]), 15),
    "badpnr": _bad_pnr,
    "badcard": lambda r: _group4(_luhn_broken(r, r.choice(["4", "51", "55"]), 16)),
    "badiccid": lambda r: _luhn_broken(r, "8946", 19),
    "badbg": lambda r: (b := _luhn_broken(r, str(r.randint(1, 9)), 8))[:4] + "-" + b[4:],
    "sscc": lambda r: "00" + _d(r, 16),
    "ocr": _ocr,
    "time": lambda r: f"{r.randint(7, 22):02d}:{r.randint(0, 59):02d}",
    "vol": lambda r: f"{r.randint(1, 900)}.{r.randint(0, 99)}",
    "postal": lambda r: f"{r.randint(100, 989)} {r.randint(10, 99)}",
    "thousands": lambda r: (
        f"{r.randint(10, 99)}.{r.randint(100, 999)}, {r.randint(10, 99)}.{r.randint(100, 999)}"
    ),
}

# ---- templates --------------------------------------------------------------------------

SV_ID: dict[str, list[str]] = {
    "pnr": [
        "Mitt personnummer är {pnr}.",
        "Kunden (pnr {pnr}) vill byta abonnemang.",
        "Personnummer: {pnr}",
        "Kontaktperson Anna S., {pnr}, har fullmakt.",
    ],
    "orgnr": [
        "Fakturan gäller org.nr {orgnr}.",
        "Företaget har organisationsnummer {orgnr}.",
        "Bolaget {orgnr} är ny kund.",
    ],
    "iccid": [
        "SIM-kortet med ICCID {iccid} är spärrat.",
        "ICCID: {iccid}",
        "Simkort {iccid} har ingen täckning.",
        "Byt ut {iccid} mot ett nytt kort.",
    ],
    "imsi": [
        "IMSI {imsi} registrerades i fel nät.",
        "Abonnemanget har imsi {imsi}.",
        "Loggen visar {imsi} som senaste värde.",
    ],
    "imei": [
        "Enheten med IMEI {imei} startar om hela tiden.",
        "IMEI: {imei}",
        "Routern ({imei}) svarar inte.",
    ],
    "imeisv": ["IMEISV {imeisv} rapporteras av modemet.", "Modemet anger IMEISV: {imeisv}."],
    "phone": [
        "Ring mig på {phone} efter lunch.",
        "Mitt telefonnummer är {phone}.",
        "Du når mig på {phone} eller via mejl.",
        "Växel {phone}.",
    ],
    "email": ["Kontakta {email} för frågor.", "Skicka fakturan till {email}, tack."],
    "ipv4": ["Enheten har IP {ipv4} i APN:et.", "Vi ser trafik från {ipv4}."],
    "ipv6": ["Modemets IPv6-adress är {ipv6}.", "Trafiken kom från {ipv6} i natt."],
    "mac": ["MAC-adressen är {mac}.", "Gatewayn {mac} tappar länken."],
    "iban": ["Återbetala till IBAN {iban}.", "Vårt konto: {iban}"],
    "bg": ["Betala till bankgiro {bg}.", "Bg {bg}, ange OCR.", "Inbetalning till {bg} gjordes."],
    "pg": ["Plusgiro {pg} gäller inte längre.", "Betala via pg {pg}.", "Vi har {pg} som plusgiro."],
    "card": [
        "Betalt med kort {card} i går.",
        "Kortnummer {card} debiterades två gånger.",
        "Jag betalade med {card}.",
    ],
    "gps": [
        "Positionen var {gps} enligt appen.",
        "Trackern rapporterade {gps} vid senaste kontakt.",
    ],
    "cell": [
        "Sista kända cell id {cell} enligt loggen.",
        "CI: {cell} och LAC {cell}",
        "TAC: {cell}, ECI {cell} enligt operatören.",
        "Modemet visar lac {cell} och eci {cell}.",
    ],
}
EN_ID: dict[str, list[str]] = {
    "pnr": [
        "My Swedish personal identity number is {pnr}.",
        "Customer (personnummer {pnr}) called.",
    ],
    "orgnr": ["Our company registration number is {orgnr}.", "Org. nr {orgnr} on the invoice."],
    "iccid": [
        "The SIM with ICCID {iccid} is blocked.",
        "ICCID: {iccid}",
        "SIM {iccid} has no coverage.",
    ],
    "imsi": ["IMSI {imsi} attached to the wrong network.", "Please check IMSI: {imsi}."],
    "imei": [
        "The device with IMEI {imei} keeps rebooting.",
        "IMEI {imei}",
        "Tracker ({imei}) is silent.",
    ],
    "imeisv": ["The modem reports IMEISV {imeisv}.", "IMEISV: {imeisv}"],
    "phone": [
        "Call me on {phone} after lunch.",
        "My phone number is {phone}.",
        "Reach me at {phone}.",
    ],
    "email": ["Please write to {email}.", "Send the invoice to {email}, thanks."],
    "ipv4": ["The device has IP {ipv4} on the APN.", "Traffic comes from {ipv4}."],
    "ipv6": ["The modem's IPv6 address is {ipv6}.", "Traffic came from {ipv6} overnight."],
    "mac": ["The MAC address is {mac}.", "Gateway {mac} drops the link."],
    "iban": ["Refund to IBAN {iban}.", "Our account: {iban}"],
    "bg": ["Pay to bankgiro {bg}.", "BG {bg}, please quote the reference."],
    "pg": ["Plusgiro {pg} is no longer valid.", "Pay via PG {pg}."],
    "card": [
        "Paid with card {card} yesterday.",
        "Card number {card} was charged twice.",
        "I paid with {card}.",
    ],
    "gps": [
        "The position was {gps} according to the app.",
        "Tracker reported {gps} at last contact.",
    ],
    "cell": [
        "Last known cell id {cell} in the log.",
        "CI: {cell} and LAC {cell}",
        "TAC: {cell}, ECI {cell} from the operator.",
        "The modem shows lac {cell} and eci {cell}.",
    ],
}
SV_DECOY = [
    "Order #{order} skickades {date}.",
    "Ärendenummer {order}.",
    "Fakturan på {amount} förföll {date}.",
    "Firmware {version} är installerad.",
    "Serienummer {bad15} stämmer inte.",
    "Beställning ORD-{order} levererades till {postal} Stockholm.",
    "Mötet är kl. {time} den {date}.",
    "Personnumret {badpnr} verkar felskrivet.",
    "Kortet {badcard} nekades.",
    "Det gick sjukt bra med installationen!",
    "Supporten var sjukt snabbt på plats.",
    "Spårningsnummer {sscc}.",
    "OCR {ocr} på fakturan.",
    "Förbrukningen var {vol} MB i mars.",
    "ICCID {badiccid} finns inte i systemet.",
    "Bankgiro {badbg} är fel.",
    "Priset blev {thousands} kr.",
    "Det är sjukt dyrt med roaming.",
    "Vi behöver ett nytt fack i skåpet.",
]
EN_DECOY = [
    "Order #{order} shipped on {date}.",
    "Case number {order}.",
    "The invoice of {amount} was due {date}.",
    "Firmware {version} is installed.",
    "Serial {bad15} does not match.",
    "The union of two sets is what the report shows.",
    "The party line was busy.",
    "We use a third party provider for SMS.",
    "The certificate fingerprint was verified.",
    "Please run diagnostics on the modem.",
    "Tracking number {sscc}.",
    "Usage was {vol} MB in March.",
    "Card {badcard} was declined.",
    "Meeting at {time} on {date}.",
    "Version {version} fixed the race condition.",
    "Our birthday party promo ended {date}.",
    "Roaming is disabled on that SIM.",
]
SV_SPECIAL = [
    ("Jag är [sjukskriven] resten av veckan, så svaret dröjer.", "health"),
    ("Min kollega ligger på [sjukhuset] så jag tar över ärendet.", "health"),
    ("Användaren har [diabetes] och larmet är viktigt.", "health"),
    ("Jag är [gravid] och vill pausa abonnemanget.", "health"),
    ("Enligt anteckningen är kunden [hiv]-positiv.", "health"),
    ("Han är [fackmedlem] och vill att [facket] får en kopia.", "trade_union"),
    ("Kunden är [muslim] och ber om annan tid under [ramadan].", "religion"),
    ("Hon är aktiv [sverigedemokrat] och vill inte ha utskick.", "political"),
    ("Jag har [utmattningssyndrom] och orkar inte ringa.", "health"),
    ("Min son har [autism] och klockan hjälper honom.", "health"),
    ("Hon är [homosexuell] och det står i ärendet.", "sex_life"),
    ("Vi registrerar [fingeravtryck] i låset.", "biometric"),
    ("Ett [DNA-test] bifogades av misstag.", "genetic"),
    ("Hans [etniska ursprung] står i bilagan.", "ethnic_origin"),
    ("Han är [dömd] för bedrägeri enligt kunden.", "criminal"),
]
EN_SPECIAL = [
    ("I am on [sick leave] until Monday.", "health"),
    ("My wife is [pregnant] so I handle the account.", "health"),
    ("He was [hospitalised] last week.", "health"),
    ("The user has [diabetes] and relies on the alarm.", "health"),
    ("As a [union member] I want a copy for my [shop steward].", "trade_union"),
    ("I am [Muslim] and prefer calls after sunset.", "religion"),
    ("I [voted for] the Greens, do not send me that campaign.", "political"),
    ("He is [gay] and that is in the old ticket.", "sex_life"),
    ("The [genetic] report was attached by mistake.", "genetic"),
    ("His [ethnicity] should not be in our CRM.", "ethnic_origin"),
    ("He has a [criminal record] according to the note.", "criminal"),
    ("The lock stores [fingerprints] of staff.", "biometric"),
    ("She is [HIV] positive, please remove that note.", "health"),
]
SV_FILL = [
    "Hej,",
    "Hej!",
    "Tack på förhand.",
    "Abonnemanget förnyas i april.",
    "Mvh Anna",
    "Vi har 40 enheter i drift.",
    "Felet uppstod efter uppdateringen.",
    "Ha en bra dag!",
]
EN_FILL = [
    "Hi,",
    "Hello team,",
    "Thanks in advance.",
    "The subscription renews in April.",
    "Best regards, Anna",
    "We run 40 devices.",
    "It started after the update.",
]
# Most of a ticket is plain prose: what happened, what was tried, what is wanted.
SV_PROSE = [
    "Sedan i morse tappar flera av våra mätare anslutningen till nätet med jämna mellanrum.",
    "Vi har startat om routrarna men det hjälpte bara en kort stund.",
    "Kan ni se i era loggar om korten har varit registrerade i något annat nät?",
    "Problemet verkar bara gälla enheterna som sitter i källaren i fastigheten.",
    "Vi skulle vilja beställa 25 nya SIM-kort till vårt lager i Göteborg.",
    "Fakturan för mars verkar innehålla dubbla avgifter för samma abonnemang.",
    "Enligt vår leverantör ska modemen klara både LTE-M och NB-IoT.",
    "Det vore bra om ni kunde återkomma innan fredag eftersom vi har en installation då.",
    "Vi har flyttat utrustningen till en ny plats och signalen är mycket svagare nu.",
    "Datatrafiken har ökat kraftigt den senaste veckan utan att vi ändrat något.",
    "Går det att sätta ett tak på förbrukningen per kort så att vi undviker överraskningar?",
    "Jag har försökt logga in i portalen men får ett felmeddelande om att sessionen gått ut.",
    "Vi behöver hjälp att byta APN på alla kort i gruppen för laddstolparna.",
    "Kunden klagar på att larmen kommer fram med flera minuters fördröjning.",
    "Kan ni bekräfta att roaming är avstängt för korten som sitter i Norge?",
    "Vi vill säga upp tre abonnemang som inte längre används.",
    "Efter byte av antenn fungerar det bättre men inte helt stabilt.",
    "Portalen visar att kortet är aktivt men enheten får ingen IP-adress.",
    "Har ni planerat något underhåll i nätet i helgen?",
    "Jag bifogar en skärmbild från vår övervakning som visar avbrotten.",
    "Det gäller ungefär 12 av våra 300 enheter, resten fungerar som vanligt.",
    "Vi undrar också om ni har stöd för fasta IP-adresser i det privata nätet.",
    "Leveransen kom fram i går men ett av paketen saknade kort.",
    "Vi använder korten i vattenmätare som skickar data en gång per timme.",
    "Någon har ändrat inställningarna i portalen och vi vet inte vem.",
    "Behöver vi göra något särskilt när 3G stängs ner?",
    "Vi har fått en ny kontaktperson för avtalet, uppdatera gärna era uppgifter.",
    "Skicka gärna en offert på ett större paket med delad datapott.",
]
EN_PROSE = [
    "Since this morning several of our meters keep dropping off the network.",
    "We restarted the routers but that only helped for a short while.",
    "Could you check your logs to see whether the cards registered on another network?",
    "The problem only seems to affect the units installed in the basement.",
    "We would like to order 25 new SIM cards for our warehouse in Malmö.",
    "The March invoice appears to charge the same subscription twice.",
    "According to our supplier the modems support both LTE-M and NB-IoT.",
    "It would help if you could get back to us before Friday, we have an installation then.",
    "We moved the equipment to a new site and the signal is much weaker now.",
    "Data traffic has increased sharply over the last week without any change on our side.",
    "Is it possible to cap usage per card so that we avoid surprises?",
    "I tried to log in to the portal but get an error saying the session expired.",
    "We need help changing the APN on every card in the charging station group.",
    "Our customer reports that alarms arrive several minutes late.",
    "Can you confirm that roaming is disabled for the cards deployed in Norway?",
    "We want to terminate three subscriptions that are no longer in use.",
    "After replacing the antenna it works better but is still not stable.",
    "The portal shows the card as active but the device gets no IP address.",
    "Is any network maintenance planned for this weekend?",
    "I attach a screenshot from our monitoring that shows the outages.",
    "About 12 of our 300 units are affected, the rest work as usual.",
    "We also wonder whether you support fixed IP addresses in the private network.",
    "The delivery arrived yesterday but one of the parcels had no cards in it.",
    "The cards sit in water meters that report once an hour.",
    "Someone changed the settings in the portal and we do not know who.",
    "Do we need to do anything when the 3G network is switched off?",
    "We have a new contact person for the agreement, please update your records.",
    "Please send a quote for a larger plan with a shared data pool.",
]

_SLOT = __import__("re").compile(r"\{(\w+)\}|\[([^\]]+)\]")


def _render(b: _Builder, rng: random.Random, template: str, special_cat: str | None = None) -> None:
    pos = 0
    for m in _SLOT.finditer(template):
        b.add(template[pos : m.start()])
        if m.group(2) is not None:
            b.add(m.group(2), special_cat and "special:" + special_cat)
        elif m.group(1) in GEN:
            value, kind = GEN[m.group(1)](rng)
            b.add(value, kind)
        else:
            b.add(DECOY[m.group(1)](rng))
        pos = m.end()
    b.add(template[pos:])


def generate(n: int, seed: int = 1) -> list[Doc]:
    """``n`` tickets; the same seed always gives the same corpus.

    A ticket is a greeting, three to nine sentences of prose, zero to four sentences with
    identifiers (every type is planted), zero to three decoy sentences, sometimes a
    special-category sentence, and a sign-off, in random order between greeting and sign-off.
    """
    rng = random.Random(seed)
    docs: list[Doc] = []
    kinds = list(SV_ID)
    for _ in range(n):
        lang = "sv" if rng.random() < 0.6 else "en"
        ids, decoys, special, fill, prose = (
            (SV_ID, SV_DECOY, SV_SPECIAL, SV_FILL, SV_PROSE)
            if lang == "sv"
            else (EN_ID, EN_DECOY, EN_SPECIAL, EN_FILL, EN_PROSE)
        )
        parts: list[tuple[str, str | None]] = []
        parts += [(rng.choice(prose), None) for _ in range(rng.randint(3, 9))]
        parts += [(rng.choice(fill[2:]), None) for _ in range(rng.choice([0, 0, 1]))]
        n_ids = rng.choice([0, 1, 1, 2, 2, 3, 4])
        parts += [(rng.choice(ids[rng.choice(kinds)]), None) for _ in range(n_ids)]
        parts += [(rng.choice(decoys), None) for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))]
        if rng.random() < 0.25:
            parts.append(rng.choice(special))
        rng.shuffle(parts)
        b = _Builder()
        b.add(fill[0] if rng.random() < 0.5 else fill[1])
        for template, cat in parts:
            b.add(rng.choice([" ", " ", "\n"]))
            _render(b, rng, template, cat)
        b.add("\n" + fill[-3] + "\n")
        docs.append(Doc("".join(b.parts), b.spans, lang))
    return docs


if __name__ == "__main__":  # pragma: no cover
    for d in generate(3, 7):
        print(d.text)
        for t, s, e in d.spans:
            print("   ", t, repr(d.text[s:e]))
