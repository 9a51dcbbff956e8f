"""Identifier detection: one combined pattern finds cheap candidates, checks confirm them.

The master pattern has one named alternative per family (cell id, IBAN, e-mail, MAC, IPv6,
IPv4, GPS pair, digit chunk). The regular-expression engine does the scanning in C; Python
code runs only per candidate, to verify checksums, ranges and context.
"""

from __future__ import annotations

import ipaddress
import re
from functools import partial

from varna.domain.scan.checksums import iban_ok, luhn_ok
from varna.domain.scan.context import nearest_label
from varna.domain.scan.digits import classify, split_chunk
from varna.domain.scan.findings import Finding
from varna.domain.scan.telecom import cell_value_ok

# Every alternative begins by consuming one character of a small class, so that the engine can
# skip all other characters in C (a "charset prefix"); the alternative then checks, by
# look-behind, which character that was and what stood before it. Candidates that begin with
# a lower-case letter (e-mail, IPv6, MAC) are found from an anchor inside them (@, :, -, .)
# and completed in Python. Only the first colon or dash of an IPv6 address or MAC is an
# anchor: the look-behinds skip the later ones, and the dashes of dates.
_MASTER = re.compile(
    r"""
    [0-9A-Z+\-:@.c]
    (?:
        (?<=[0-9+\-])
        (?:
            (?P<macd>
                (?<![\w.:\-].)(?<=\d)[0-9A-Fa-f](?P<ms>[:\-])[0-9A-Fa-f]{2}(?:(?P=ms)[0-9A-Fa-f]{2}){4}
                (?![\w:\-])
            )
            |(?P<pbr>
                (?<![\w.,/@+\-].)(?<=\+)\d{1,3}[ ]?\(0\)[ ]?\d(?:[ \-]?\d){5,12}(?![\w@]|[.,/:]\d)
            )
            |(?P<num>
                (?<![\w.,/@+\-].)(?:(?<=\+)\d|(?<=\d))(?:[ +\-]?\d){4,}(?![\w@]|[.,/:]\d)
            )
            |(?P<ipv4>(?<![\w.:].)(?<=\d)\d{0,2}(?:\.\d{1,3}){3}(?!\w|\.\d))
            |(?P<gps>
                (?<![\w.\-].)(?:(?<=-)\d|(?<=\d))\d?\.\d{4,9}(?:°?[ ]?[NS])?
                (?:[ ]?[,;][ ]?|[ ]{1,2})-?\d{1,3}\.\d{4,9}(?:°?[ ]?[EWÖV])?(?!\w|\.\d)
            )
        )
        |(?<=[A-Z])(?<![\w\-].)
        (?:
            (?P<iban>
                [A-Z]\d{2}(?:[A-Z0-9]{11,30}|(?:[ ][A-Z0-9]{4}){2,7}(?:[ ][A-Z0-9]{1,3})?)
                (?![A-Za-z0-9])
            )
            |(?P<cell>
                (?:(?<=C)(?:I|ELL[ _\-]?ID|ell[ _\-]?(?:[Ii][Dd]|identity))
                  |(?<=E)CI|(?<=L)AC|(?<=T)AC)
                (?![A-Za-z])(?P<cellsep>[ \t]*(?:[:=\#]|är|is)?[ \t]*)
                (?P<cellvalue>0[xX][0-9A-Fa-f]{1,8}|\d{1,10})(?!\w|[.,:]\d)
            )
        )
        |(?<=c)
        (?P<cellc>
            (?P<cellclabel>(?<![\w\-].)ell[ _\-]?(?:id|identity)|(?<![\w\-]...)(?<=[lt]ac)
              |(?<![\w\-]..)(?<=ec)i|(?<![\w\-].)i)
            (?![A-Za-z])[ \t]*(?:[:=\#]|är|is)?[ \t]*
            (?P<cellcvalue>0[xX][0-9A-Fa-f]{1,8}|\d{1,10})(?!\w|[.,:]\d)
        )
        |(?<=@)(?P<at>)(?=[^\W_])
        |(?<=:)(?<!::)(?<!:[0-9A-Fa-f]:)(?<!:[0-9A-Fa-f]{2}:)(?<!:[0-9A-Fa-f]{3}:)
            (?<!:[0-9A-Fa-f]{4}:)(?P<colon>)(?=[0-9A-Fa-f:])
        |(?<=-)(?<![0-9A-Fa-f]{3}-)(?<!-[0-9A-Fa-f]{2}-)(?P<dash>)(?=[0-9A-Fa-f]{2}-)
        |(?<=\.)(?P<dot>)(?=[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?!\w|\.\w))
    )
    """,
    re.VERBOSE,
)

_LOCAL_PART_REVERSED = re.compile(r"[\w.%+\-]{1,64}")
_DOMAIN = re.compile(
    r"[^\W_](?:[\w\-]*[^\W_])?(?:\.[^\W_](?:[\w\-]*[^\W_])?)*\.[A-Za-z]{2,24}(?![\w\-]|\.\w)"
)
_HEX_BACK = re.compile(r"[0-9A-Fa-f]{1,4}\Z")
_HEXNET = re.compile(
    r"""
    (?P<mac>[0-9A-Fa-f]{2}(?P<sep>[:\-])[0-9A-Fa-f]{2}(?:(?P=sep)[0-9A-Fa-f]{2}){4}(?![\w:\-]))
    |(?P<macdot>[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?!\w|\.\w))
    |(?P<ipv6>
        (?:[0-9A-Fa-f]{1,4}:|:(?=:))(?:[0-9A-Fa-f]{0,4}:){1,6}
        (?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])
    )
    """,
    re.VERBOSE,
)

_SPACE = str.maketrans("", "", " ")
_LAST_WORD = re.compile(r"[A-Za-z]+")
_GPS_NUM = re.compile(r"-?\d+\.\d+")


def find_identifiers(text: str) -> list[Finding]:
    """All identifier findings in ``text`` (before overlap resolution, in text order)."""
    out: list[Finding] = []
    append = out.append
    skip_until = -1  # anchors inside an e-mail/IPv6/MAC already found are not read again
    for m in _MASTER.finditer(text):
        kind = m.lastgroup
        s = m.start()
        if s < skip_until:
            continue
        if kind == "num":
            e = m.end()
            chunk = text[s:e]
            if _hopeless(chunk):
                continue
            reading = classify(chunk, partial(nearest_label, text, s))
            if reading is not None:
                append(Finding(reading[0], s, e, reading[1]))
            elif len(chunk) >= 10 and not chunk.lstrip("+").isdigit():
                for t, c, ps, pe in split_chunk(text, s, e, partial(nearest_label, text)):
                    append(Finding(t, ps, pe, c))
        elif kind == "pbr":  # +46 (0)70-...: the (0) is dropped for the reading
            e = m.end()
            reading = classify(text[s:e].replace("(0)", " "), partial(nearest_label, text, s))
            if reading is not None and reading[0] == "phone":
                append(Finding("phone", s, e, reading[1]))
        elif kind == "macd":
            append(Finding("mac", s, m.end(), 0.95))
        elif kind == "at":
            f = _email(text, s)
            if f is not None:
                append(f)
                skip_until = f.end
        elif kind in ("colon", "dash", "dot"):
            f = _hexnet(text, s)
            if f is not None:
                append(f)
                skip_until = f.end
        elif kind == "cell" or kind == "cellc":
            g = "cellvalue" if kind == "cell" else "cellcvalue"
            if kind == "cell":
                label = text[s : m.start("cellsep")]
            else:  # lower case: cell id, ci, eci, lac, tac
                head = text[max(0, s - 2) : m.end("cellclabel")]
                label = (
                    "cell id"
                    if m.group("cellclabel").startswith("ell")
                    else _LAST_WORD.findall(head)[-1]
                )
            if cell_value_ok(label, m.group(g)):
                append(Finding("cell_id", m.start(g), m.end(g), 0.9))
        elif kind == "ipv4":
            f = _ipv4(text, m)
            if f is not None:
                append(f)
        elif kind == "iban":
            f = _iban(m)
            if f is not None:
                append(f)
        elif kind == "gps":
            f = _gps(m)
            if f is not None:
                append(f)
    return out


def _hopeless(chunk: str) -> bool:
    """True for digit chunks that no reading accepts whatever their label says: most order
    numbers, OCR references and ISO dates stop here, before any per-reading work."""
    if chunk.isdigit():
        n = len(chunk)
        if chunk[0] == "0":  # only a phone number (7-15) or an IMEISV (16) starts with 0
            return n < 7 or n > 16
        return n == 9 or (n <= 8 and not luhn_ok(chunk))
    # YYYY-MM-DD: no 8-digit reading is grouped 4-2-2
    return len(chunk) == 10 and chunk[4] == "-" and chunk[7] == "-" and chunk[0] in "12"


def _email(text: str, at: int) -> Finding | None:
    local = _LOCAL_PART_REVERSED.match(text[max(0, at - 64) : at][::-1])
    dom = _DOMAIN.match(text, at + 1)
    if local is None or dom is None:
        return None
    s = at - local.end()
    while s < at and text[s] in ".%+-":
        s += 1
    if s == at or text[at - 1] == ".":
        return None
    return Finding("email", s, dom.end(), 0.95)


def _hexnet(text: str, anchor: int) -> Finding | None:
    back = _HEX_BACK.search(text, max(0, anchor - 4), anchor)
    s = back.start() if back is not None else anchor
    if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_:.-"):
        return None
    m = _HEXNET.match(text, s)
    if m is None or m.end() <= anchor:
        return None
    if m.lastgroup == "ipv6":
        return _ipv6(m)
    return Finding("mac", s, m.end(), 0.95)


def _ipv4(text: str, m: re.Match[str]) -> Finding | None:
    for octet in m.group().split("."):
        if len(octet) > 1 and (octet[0] == "0" or int(octet) > 255):
            return None
    if nearest_label(text, m.start()) == "version":
        return None
    return Finding("ipv4", m.start(), m.end(), 0.9)


def _ipv6(m: re.Match[str]) -> Finding | None:
    cand = m.group()
    if cand.count(":") < 2 or ("::" not in cand and cand.count(":") < 7):
        return None
    try:
        ipaddress.IPv6Address(cand)
    except ValueError:
        return None
    return Finding("ipv6", m.start(), m.end(), 0.9)


def _iban(m: re.Match[str]) -> Finding | None:
    raw = m.group()
    # A spaced IBAN may have swallowed a following upper-case word: drop trailing groups.
    while len(raw) >= 15:
        if iban_ok(raw.translate(_SPACE)):
            return Finding("iban", m.start(), m.start() + len(raw), 0.97)
        cut = raw.rfind(" ")
        if cut < 0:
            return None
        raw = raw[:cut]
    return None


def _gps(m: re.Match[str]) -> Finding | None:
    lat_s, lon_s = _GPS_NUM.findall(m.group())[:2]
    lat, lon = float(lat_s), float(lon_s)
    raw = m.group()
    if "S" in raw:
        lat = -lat
    if "W" in raw or "V" in raw:
        lon = -lon
    if abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    return Finding("gps", m.start(), m.end(), 0.85)
