"""One Jinja2 set-up for everything varna renders for people (pages, mails, documents):
autoescaped HTML, the i18n extension with the catalogues, and filters that write dates and
amounts for the language. The language is the template's ``lang`` variable, so one
environment serves both languages."""

from __future__ import annotations

from typing import Any

from jinja2 import BaseLoader, Environment, pass_context, select_autoescape
from jinja2.runtime import Context

from varna.i18n import DEFAULT_LANGUAGE, language, translations
from varna.i18n.formats import format_date, format_datetime, format_number, format_ore


def _lang(context: Context) -> str:
    return language(context.get("lang") or DEFAULT_LANGUAGE)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translations(_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(_lang(context)).ngettext(singular, plural, n)


@pass_context
def _date(context: Context, value: Any) -> str:
    return format_date(value, _lang(context))


@pass_context
def _datetime(context: Context, value: Any) -> str:
    return format_datetime(value, _lang(context))


@pass_context
def _number(context: Context, value: Any) -> str:
    return format_number(value, _lang(context))


@pass_context
def _money(context: Context, value: Any, currency: str = "SEK") -> str:
    return format_ore(value, _lang(context), currency)


def environment(loader: BaseLoader, *, html: bool = True) -> Environment:
    """An environment over ``loader`` whose ``_()``/``{% trans %}`` follow ``lang``."""
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html"], default=html, default_for_string=html),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    env.policies["ext.i18n.trimmed"] = True  # as the extractor reads {% trans %} blocks
    env.filters.update(date=_date, datetime=_datetime, number=_number, money=_money)
    return env
