"""Identifier detectors: hits, near misses, overlaps and exact offsets (promises P4, C2, P3)."""

from __future__ import annotations

import pytest

from varna.domain.scan import Finding, scan
from varna.domain.scan.checksums import iban_ok, luhn_check_digit, luhn_ok


def _types(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in scan(text) if not f.is_special]


def _one(text: str, value: str) -> Finding:
    """The single finding in ``text``; its span must be exactly ``value``."""
    found = [f for f in scan(text) if not f.is_special]
    assert len(found) == 1, _types(text)
    f = found[0]
    assert text[f.start : f.end] == value
    assert f.start == text.index(value) and f.end == f.start + len(value)
    return f


def _luhn(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return body + luhn_check_digit(body)


# --- checksums ------------------------------------------------------------------------------


def test_luhn_and_iban_checksums() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert luhn_ok("79927398713")
    assert iban_ok("SE4550000000058398257466")
    assert iban_ok("GB82WEST12345698765432")
    assert not iban_ok("GB82WEST12345698765433")


# --- personnummer / samordningsnummer / orgnr / phone ---------------------------------------


@pytest.mark.parametrize(
    "value",
    ["19121212-1212", "121212-1212", "191212121212", "1212121212", "121212+1212"],
)
def test_personnummer_forms_p4(value: str) -> None:
    """P4: a personnummer in a ticket is found in every written form, with exact offsets."""
    assert _one(f"Kunden har pnr {value} enligt avtalet.", value).type == "personnummer"


def test_samordningsnummer_day_plus_60_p4() -> None:
    """P4: samordningsnummer (day + 60) is its own type."""
    value = "701063-2391"
    assert _one(f"Samordningsnummer {value}.", value).type == "samordningsnummer"


@pytest.mark.parametrize(
    "text",
    [
        "Pnr 19121212-1213 är fel.",  # Luhn fails
        "Datum 991345-1234.",  # month 13
        "Summa 121212-12 kr",  # too short
    ],
)
def test_personnummer_near_misses(text: str) -> None:
    assert not any(t in ("personnummer", "samordningsnummer") for t, _ in _types(text))


@pytest.mark.parametrize("value", ["556036-0793", "5560360793", "165560360793"])
def test_orgnr_forms(value: str) -> None:
    assert _one(f"Org.nr {value} på fakturan.", value).type == "orgnr"


def test_orgnr_near_miss_bad_luhn() -> None:
    assert _types("Org.nr 556036-0794.") == []


@pytest.mark.parametrize(
    "value", ["070-174 06 05", "+46 70 174 06 05", "0701740605", "08-465 004 00"]
)
def test_swedish_phone_forms(value: str) -> None:
    assert _one(f"Ring mig på {value} i morgon.", value).type == "phone"


def test_international_phone() -> None:
    assert _one("Call +44 20 7946 0958 today.", "+44 20 7946 0958").type == "phone"


def test_phone_near_miss_too_short() -> None:
    assert _types("Ring 070-123.") == []


def test_overlap_personnummer_vs_orgnr_vs_phone() -> None:
    """Same 10-digit shape, three readings: date+Luhn is a personnummer, third digit >= 2 is
    an orgnr, a 0-prefixed number without a pnr label is a phone number."""
    text = "A 121212-1212, B 556036-0793, C 0701740605."
    assert _types(text) == [
        ("personnummer", "121212-1212"),
        ("orgnr", "556036-0793"),
        ("phone", "0701740605"),
    ]


def test_zero_prefixed_number_with_pnr_label_is_personnummer() -> None:
    value = "050115123" + luhn_check_digit("050115123")
    assert luhn_ok(value)
    assert _one(f"personnummer {value}", value).type == "personnummer"


# --- SIM and device identifiers -------------------------------------------------------------


def test_iccid_p3() -> None:
    value = _luhn("8946080", 19)
    assert _one(f"ICCID {value} är spärrat.", value).type == "iccid"
    spaced = " ".join(value[i : i + 4] for i in range(0, 19, 4))
    assert _one(f"SIM {spaced}.", spaced).type == "iccid"


def test_iccid_near_miss_bad_luhn() -> None:
    value = _luhn("8946080", 19)
    bad = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert _types(f"ICCID {bad}") == []


def test_imei_and_imeisv() -> None:
    imei = "490154203237518"
    assert _one(f"IMEI {imei} startar om.", imei).type == "imei"
    assert _one("IMEI 35-209900-176148-1.", "35-209900-176148-1").type == "imei"
    assert _one("IMEISV 3520990017614823.", "3520990017614823").type == "imeisv"


def test_imei_near_miss_luhn_fails() -> None:
    assert _types("Serial 490154203237519 fel.") == []


def test_imsi_common_mcc_and_label() -> None:
    assert _one("IMSI 240011234567890.", "240011234567890").type == "imsi"
    assert _one("log: 240071234567891 attached", "240071234567891").type == "imsi"
    # a rare MCC needs the label
    assert _types("nummer 412345678901234 här") == []
    assert _one("IMSI 412345678901234", "412345678901234").type == "imsi"


def test_overlap_imei_vs_card_15_digits_c2() -> None:
    """C2: a 15-digit Luhn number is an IMEI under a TAC prefix, a card under Amex 34/37."""
    amex = "378282246310005"
    imei = "490154203237518"
    assert _types(f"{amex} och {imei}") == [("card", amex), ("imei", imei)]


def test_overlap_imeisv_vs_card_16_digits_c2() -> None:
    """C2: a Luhn-valid 16-digit number in a card range is a card; an IMEI label wins."""
    value = _luhn("3530", 16)  # JCB range and IMEI reporting body 35
    assert _one(f"betalt {value}", value).type == "card"
    assert _one(f"IMEISV {value}", value).type == "imeisv"


def test_overlap_iccid_vs_card_19_digits_c2() -> None:
    """C2: a 19-digit Luhn number starting 89 is an ICCID, starting 4 a Visa card."""
    iccid = _luhn("8946", 19)
    visa19 = _luhn("4", 19)
    assert _types(f"{iccid} och {visa19}") == [("iccid", iccid), ("card", visa19)]


# --- cards --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "2223000048400011",
        "3782 822463 10005",
        "6011111111111117",
    ],
)
def test_card_forms_c2(value: str) -> None:
    """C2: card numbers of every common brand and grouping are found."""
    assert _one(f"Betalt med kort {value} i går.", value).type == "card"


@pytest.mark.parametrize(
    "value", ["4111 1111 1111 1112", "1234 5678 9012 3456", "9111111111111111"]
)
def test_card_near_misses_c2(value: str) -> None:
    """C2: Luhn failures and numbers outside issuer ranges are no cards."""
    assert not any(t == "card" for t, _ in _types(f"Kort {value}"))


# --- payments -------------------------------------------------------------------------------


def test_iban_bankgiro_plusgiro() -> None:
    assert (
        _one("IBAN SE45 5000 0000 0583 9825 7466 tack", "SE45 5000 0000 0583 9825 7466").type
        == "iban"
    )
    assert _one("Konto GB82WEST12345698765432.", "GB82WEST12345698765432").type == "iban"
    assert _one("Bankgiro 5050-1055.", "5050-1055").type == "bankgiro"
    assert _one("Plusgiro 4 65 66-6.", "4 65 66-6").type == "plusgiro"
    pg = "123456" + luhn_check_digit("123456")
    assert _one(f"pg {pg[:-1]}-{pg[-1]} gäller", f"{pg[:-1]}-{pg[-1]}").type == "plusgiro"


def test_payment_near_misses() -> None:
    assert _types("IBAN SE45 5000 0000 0583 9825 7467") == []
    assert _types("Bankgiro 5050-1056.") == []
    assert _types("Order 2024-0315 levererad.") == []


# --- network, e-mail, location ------------------------------------------------------------


def test_email_and_ips() -> None:
    assert _one("Mejla åsa.öberg@example.com.", "åsa.öberg@example.com").type == "email"
    assert _one("IP 192.0.2.14.", "192.0.2.14").type == "ipv4"
    assert _one("från 2001:db8::8a2e:370:7334 i natt", "2001:db8::8a2e:370:7334").type == "ipv6"
    assert _one("adress fe80::1 lokalt", "fe80::1").type == "ipv6"


@pytest.mark.parametrize(
    "value", ["00:1A:2B:3C:4D:5E", "02-fa-d7-14-27-a0", "aa:bb:cc:dd:ee:ff", "02fd.dcdc.d8bb"]
)
def test_mac_forms(value: str) -> None:
    assert _one(f"MAC {value}.", value).type == "mac"


def test_network_near_misses() -> None:
    assert _types("Firmware 4.12.0.3 installerad.") == []
    assert _types("Adress 300.1.2.4 är fel.") == []
    assert _types("Mötet 14:30:00 i dag.") == []
    assert _types("skriv till anna@ i morgon") == []


def test_gps_and_cell_id() -> None:
    assert _one("Position 59.32931, 18.06858 enligt appen.", "59.32931, 18.06858").type == "gps"
    assert _one("cell id 12345 i loggen", "12345").type == "cell_id"
    assert _one("LAC 0x1A2B", "0x1A2B").type == "cell_id"
    assert _one("ECI: 123456789", "123456789").type == "cell_id"


def test_location_near_misses() -> None:
    assert _types("Priset 12.500, 13.000 kr") == []  # thousands separators, not coordinates
    assert _types("Lat 95.12345, 18.06858") == []  # latitude out of range
    assert _types("TAC 35209900 (IMEI type code)") == []  # 8 digits: not a tracking area


def test_decoys_dates_amounts_orders() -> None:
    text = (
        "Order #48213977 den 2024-03-15 kl. 14:30, 1 234,50 kr, 114 55 Stockholm, OCR 5560360793."
    )
    assert _types(text) == []


def test_findings_sorted_and_frozen() -> None:
    text = "b@example.com a 192.0.2.1"
    found = scan(text)
    assert [f.start for f in found] == sorted(f.start for f in found)
    with pytest.raises(AttributeError):
        found[0].start = 3  # type: ignore[misc]
    assert found[0].as_dict() == {"type": "email", "start": 0, "end": 13, "confidence": 0.95}


def test_list_of_imeis_split() -> None:
    a, b = "490154203237518", "352099001761481"
    assert _types(f"IMEI {a} {b}") == [("imei", a), ("imei", b)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ring +46 (0)70-174 06 05 i dag.", "+46 (0)70-174 06 05"),
        ("Call +44 (0)20 7946 0123 today.", "+44 (0)20 7946 0123"),
    ],
)
def test_phone_with_bracketed_trunk_zero_p4(text: str, value: str) -> None:
    """P4: international numbers written with the national trunk prefix in brackets."""
    assert _one(text, value).type == "phone"


def test_lowercase_cell_labels_and_gps_without_comma() -> None:
    text = "Modemet visar lac 1234 och eci 5678901; positionen 59.3293 18.0686 i går."
    assert _types(text) == [
        ("cell_id", "1234"),
        ("cell_id", "5678901"),
        ("gps", "59.3293 18.0686"),
    ]
    # near misses: words that end in the letters, and a TAC that is an IMEI allocation code
    assert _types("placi 5, medici 4, tac 35209900, blac 12") == []
