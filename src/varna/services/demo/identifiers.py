"""Identifiers for the demo data set, from test and fictional ranges, with valid check digits.

The ranges (documented in ``docs`` and ``varna demo --help``):

- ICCID: ``89 46 99`` + 12-digit serial + Luhn digit (19 digits). 89 = telecom, 46 = Sweden,
  99 = a test issuer id that no Swedish operator uses.
- IMSI: ``240 99`` + 10-digit subscriber number: MCC 240 (Sweden), MNC 99 as the test network.
- MSISDN of a SIM: ``+46 71 990`` + 7 digits, in the Swedish M2M series (071). No official
  fiction block exists in that series; this block was chosen as the demo's test range.
- Phone of a person: ``+46 70 174 06 05`` to ``+46 70 174 06 99``, the block the Swedish Post and
  Telecom Authority (PTS) reserves for fiction. Only 95 numbers exist, so only 95 people have one.
- IMEI: TAC ``35999`` + 3-digit model, 6-digit serial, Luhn digit.
- Organisationsnummer: ``502`` + 6 digits + Luhn digit, outside the 556/559 series of aktiebolag.
- Personnummer: adults, valid Luhn; some samordningsnummer (day of birth + 60).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

ICCID_PREFIX = "894699"
IMSI_PREFIX = "24099"
MSISDN_PREFIX = "+4671990"
MSISDN_CAPACITY = 10_000_000
FICTION_PHONE_FIRST = 605
FICTION_PHONE_LAST = 699
FICTION_PHONES = tuple(
    f"+46701740{n:03d}" for n in range(FICTION_PHONE_FIRST, FICTION_PHONE_LAST + 1)
)
TEST_TAC_PREFIX = "35999"
ORGNR_PREFIX = "502"


def luhn_digit(partial: str) -> str:
    """The Luhn check digit to append to ``partial``."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def iccid(serial: int) -> str:
    body = f"{ICCID_PREFIX}{serial:012d}"
    return body + luhn_digit(body)


def imsi(serial: int) -> str:
    return f"{IMSI_PREFIX}{serial:010d}"


def msisdn(serial: int) -> str:
    if not 0 <= serial < MSISDN_CAPACITY:
        raise ValueError("MSISDN serial outside the demo range")
    return f"{MSISDN_PREFIX}{serial:07d}"


def imei(model: int, serial: int) -> str:
    body = f"{TEST_TAC_PREFIX}{model:03d}{serial:06d}"
    return body + luhn_digit(body)


def orgnr(rng: random.Random, taken: set[str]) -> str:
    """A new organisationsnummer ``NNNNNN-NNNN`` not in ``taken`` (which it joins)."""
    while True:
        body = f"{ORGNR_PREFIX}{rng.randrange(1_000_000):06d}"
        number = f"{body[:6]}-{body[6:]}{luhn_digit(body)}"
        if number not in taken:
            taken.add(number)
            return number


def personnummer(
    rng: random.Random, as_of: date, taken: set[str], *, coordination: bool = False
) -> str:
    """A new 12-digit personnummer (or samordningsnummer) of an adult aged 18 to 80."""
    while True:
        born = as_of - timedelta(days=rng.randrange(18 * 366, 80 * 365))
        day = born.day + 60 if coordination else born.day
        ten = f"{born.year % 100:02d}{born.month:02d}{day:02d}{rng.randrange(1000):03d}"
        number = f"{born.year // 100:02d}{ten}{luhn_digit(ten)}"
        if number not in taken:
            taken.add(number)
            return number
