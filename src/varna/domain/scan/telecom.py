"""SIM and device identifiers: ICCID, IMSI, IMEI, IMEISV; cell-id value ranges."""

from __future__ import annotations

from varna.domain.scan.checksums import luhn_ok

# GSMA reporting-body identifiers: the first two digits of an IMEI/IMEISV type allocation code.
IMEI_RBI = frozenset(
    {
        "01",
        "10",
        "30",
        "33",
        "35",
        "44",
        "45",
        "49",
        "50",
        "51",
        "52",
        "53",
        "54",
        "86",
        "91",
        "98",
        "99",
    }
)

# The reporting bodies behind nearly all devices in the field; a bare 16-digit number is read
# as an IMEISV without an "IMEI" label only with one of these.
COMMON_RBI = frozenset({"35", "86", "01", "99"})

# Mobile country codes accepted without an "IMSI" label: the EU/EEA, UK, Switzerland and the
# largest markets a Swedish IoT reseller roams into. With a label any MCC 200-799 counts.
COMMON_MCC = frozenset(
    {
        "202",
        "204",
        "206",
        "208",
        "212",
        "213",
        "214",
        "216",
        "218",
        "219",
        "220",
        "222",
        "226",
        "228",
        "230",
        "231",
        "232",
        "234",
        "235",
        "238",
        "240",
        "242",
        "244",
        "246",
        "247",
        "248",
        "250",
        "255",
        "257",
        "259",
        "260",
        "262",
        "266",
        "268",
        "270",
        "272",
        "274",
        "276",
        "278",
        "280",
        "282",
        "284",
        "286",
        "288",
        "290",
        "292",
        "293",
        "294",
        "295",
        "297",
        "310",
        "311",
        "312",
        "313",
        "314",
        "315",
        "316",
        "302",
        "404",
        "405",
        "440",
        "441",
        "450",
        "460",
        "505",
        "530",
        "655",
        "722",
        "724",
    }
)


def is_iccid(digits: str) -> bool:
    """ICCID: 18-20 digits, telecom industry prefix 89, Luhn over all digits."""
    return 18 <= len(digits) <= 20 and digits.startswith("89") and luhn_ok(digits)


def is_imei(digits: str) -> bool:
    """IMEI: 15 digits, a known reporting body in the TAC, Luhn check digit."""
    return len(digits) == 15 and digits[:2] in IMEI_RBI and luhn_ok(digits)


def is_imeisv(digits: str) -> bool:
    """IMEISV: 16 digits (TAC, serial, 2-digit software version), no check digit."""
    return len(digits) == 16 and digits[:2] in IMEI_RBI


def imsi_strength(digits: str, *, labelled: bool) -> float:
    """0 when not an IMSI, else a confidence: 15 digits with a plausible MCC first.

    A common MCC (EU/EEA, large markets) suffices; any MCC 200-799 needs an IMSI label.
    """
    if len(digits) != 15 or digits[0] not in "234567":
        return 0.0
    if labelled:
        return 0.97
    if digits[:3] in COMMON_MCC:
        return 0.8
    return 0.0


def cell_value_ok(label: str, value: str) -> bool:
    """Range check for a cell-related value after its label (CI, ECI, LAC, TAC, cell id).

    LAC and TAC are 16-bit; CI is 16-bit (2G) or 28-bit (UTRAN/E-UTRAN cell identity).
    An 8-digit TAC is an IMEI type allocation code, not a tracking area, and is refused.
    """
    v = int(value, 16) if value[:2].lower() == "0x" else int(value)
    up = label.upper().replace(" ", "").replace("-", "").replace("_", "")
    if up in ("LAC", "TAC"):
        return 0 < v <= 0xFFFF
    if up == "ECI":
        return 0 < v < 1 << 28
    return 0 < v < 1 << 36
