"""Dates, numbers and amounts as a person reading Swedish or English expects them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import get_timezone
from babel.numbers import format_currency, format_decimal

from varna.i18n import LOCALES, language

STOCKHOLM = get_timezone("Europe/Stockholm")


def _locale(lang: str) -> str:
    return LOCALES[language(lang)]


def format_date(value: date | datetime | str | None, lang: str) -> str:
    """``7 december 2026`` / ``7 December 2026``; an ISO text is read first; None is empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    return _format_date(value, format="long", locale=_locale(lang))


def format_datetime(value: datetime | None, lang: str) -> str:
    """A moment in Swedish time, to the minute (``7 dec. 2026 14:05``)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        return _format_datetime(value, format="medium", locale=_locale(lang))
    return _format_datetime(value, format="d MMM y HH:mm", tzinfo=STOCKHOLM, locale=_locale(lang))


def format_number(value: int | float | Decimal | None, lang: str) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(lang))


def format_ore(value: int | None, lang: str, currency: str = "SEK") -> str:
    """An amount kept in öre (hundredths) as money: ``1 234,50 kr`` / ``SEK 1,234.50``."""
    if value is None:
        return ""
    pattern = None if language(lang) == "sv" else "#,##0.00\u00a0¤¤"  # 1,234.50 SEK
    return format_currency(Decimal(value) / 100, currency, format=pattern, locale=_locale(lang))
