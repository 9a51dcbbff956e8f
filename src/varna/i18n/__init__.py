"""The words people read, in Swedish and English: Babel message catalogues and the helpers
that pick one.

Texts are written in English in the code and the templates (``translate(lang, "...")``,
``N_("...")`` for a text defined in one place and shown in another, ``_("...")`` in a
template);
``sv/*.po`` holds their Swedish. Every ``.po`` file of a language is read and merged into
one catalogue when the language is first used, so a page group keeps its own file
(``center.po``, ``console.po``, ...) and no compiled ``.mo`` file is checked in. A message
that two files translate differently stops the load with both file names.

English is the source language: an English text is its own translation, so English needs no
catalogue of its own. :mod:`varna.i18n.messages` finds every text in the code and the
templates; a test fails for one without Swedish."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from io import BytesIO
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: Final = ("sv", "en")
DEFAULT_LANGUAGE: Final = "sv"
LOCALES: Final = {"sv": "sv_SE", "en": "en_GB"}  # how dates and numbers are written


class CatalogueConflict(ValueError):
    """Two catalogue files of one language translate the same message differently."""


def language(value: str | None) -> str:
    """The language a choice names (``sv``, ``en``, ``en-GB``, ``sv_SE``), else Swedish."""
    if value:
        short = value.strip().lower().replace("_", "-").split("-", 1)[0]
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str | None:
    """The first of our languages an Accept-Language header asks for, or None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        short = tag.strip().lower().split("-", 1)[0]
        if short in LANGUAGES and weight > 0:
            ranked.append((-weight, position, short))
    return min(ranked)[2] if ranked else None


def N_(message: str) -> str:  # noqa: N802 (the name gettext's tools look for)
    """Marks a text for the catalogues where it is defined; translate it where it is shown."""
    return message


def merged_catalogue(lang: str) -> Catalog:
    """Every ``.po`` file of ``lang`` as one catalogue (sorted by file name)."""
    merged = Catalog(locale=LOCALES.get(lang, lang), domain="messages")
    folder = files("varna.i18n") / lang
    if not folder.is_dir():
        return merged
    origin: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            catalogue = read_po(handle, locale=LOCALES.get(lang, lang))
        for message in catalogue:
            if not message.id or not message.string:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            known = merged.get(message.id)
            if known is not None and known.string != message.string:
                raise CatalogueConflict(
                    f"{lang}: {origin[key]} and {entry.name} translate {key!r} differently"
                )
            merged.add(message.id, message.string)
            origin[key] = entry.name
    return merged


def translations(lang: str) -> NullTranslations:
    """The compiled translations of one language (English: the texts themselves)."""
    return _compiled(language(lang))


@cache
def _compiled(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, merged_catalogue(lang))
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang``, with ``%(name)s`` placeholders filled from ``values``."""
    text = translations(lang).gettext(message)
    return text % values if values else text


def translate_plural(lang: str, singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"num": n, **values}
