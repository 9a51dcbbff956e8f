"""Phone numbers, Swedish and international, validated with the phonenumbers metadata.

Candidates reach here only when they begin with ``+``, ``00`` or ``0`` (or follow a phone
label); parsing is skipped and the number object built directly, and results are cached, so
the libphonenumber cost is paid once per distinct number.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

_CC = phonenumbers.COUNTRY_CODE_TO_REGION_CODE


@lru_cache(maxsize=1 << 15)
def _valid(country_code: int, national: str) -> bool:
    if not national or national[0] == "0" and country_code != 39:
        return False
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(national))
    if country_code == 39 and national[0] == "0":
        number.italian_leading_zero = True
    return bool(phonenumbers.is_valid_number(number))


def _international(digits: str) -> bool:
    for width in (1, 2, 3):
        cc = digits[:width]
        if int(cc) in _CC:
            return _valid(int(cc), digits[width:])
    return False


def is_phone(digits: str, *, plus: bool, labelled: bool, region_code: int = 46) -> bool:
    """True when ``digits`` is a valid number.

    ``+CC...`` and ``00CC...`` are international; ``0...`` is national in ``region_code``
    (Sweden); a bare ``CC...`` (as in MSISDN fields) only after a phone label.
    """
    n = len(digits)
    if not 7 <= n <= 17:
        return False
    if plus:
        return _international(digits)
    if digits.startswith("00"):
        return _international(digits[2:])
    if digits[0] == "0":
        return _valid(region_code, digits[1:])
    if labelled:
        return _international(digits)
    return False
