"""Renderers of a register extract bundle (``varna.extract/v1``): JSON, CSV per category in a
zip, and a human-readable document in Swedish and English as HTML (Jinja2) and PDF (fpdf2)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varna.adapters.extract.csv_zip import write_csv_zip
from varna.adapters.extract.html import write_html
from varna.adapters.extract.json_file import write_json

FORMATS = ("json", "csv", "html", "pdf")
LANGUAGES = ("sv", "en")


def write_extract(bundle: dict[str, Any], out: Path, formats: Iterable[str]) -> list[Path]:
    """Write the bundle in each of ``formats`` into directory ``out``; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    stem = (
        "portability"
        if str(bundle.get("schema", "")).startswith("varna.portability")
        else ("extract")
    )
    written: list[Path] = []
    for fmt in formats:
        if fmt == "json":
            written.append(write_json(bundle, out / f"{stem}.json"))
        elif fmt == "csv":
            written.append(write_csv_zip(bundle, out / f"{stem}-csv.zip"))
        elif fmt == "html":
            written.extend(
                write_html(bundle, out / f"{stem}.{lang}.html", lang) for lang in LANGUAGES
            )
        elif fmt == "pdf":
            # fpdf2 and its font tables are slow to import and only PDF needs them: load on use.
            from varna.adapters.extract.pdf import write_pdf

            written.extend(
                write_pdf(bundle, out / f"{stem}.{lang}.pdf", lang) for lang in LANGUAGES
            )
        else:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return written


@dataclass(frozen=True, slots=True)
class ExtractFile:
    """One format of an extract, ready to hand to a browser."""

    content: bytes
    media_type: str
    filename: str


MEDIA_TYPES = {
    "json": ("application/json", "{stem}.json"),
    "csv": ("application/zip", "{stem}-csv.zip"),
    "pdf": ("application/pdf", "{stem}.{lang}.pdf"),
    "html": ("text/html; charset=utf-8", "{stem}.{lang}.html"),
}


def extract_file(bundle: dict[str, Any], fmt: str, lang: str) -> ExtractFile:
    """The bundle in one format (``json``, ``csv``, ``pdf`` or ``html``) in memory."""
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    lang = lang if lang in LANGUAGES else "sv"
    with tempfile.TemporaryDirectory(prefix="varna-extract-") as folder:
        written = [
            path
            for path in write_extract(bundle, Path(folder), [fmt])
            if fmt in ("json", "csv") or path.name.endswith(f".{lang}.{fmt}")
        ]
        media_type, pattern = MEDIA_TYPES[fmt]
        return ExtractFile(
            written[0].read_bytes(),
            media_type,
            pattern.format(stem=written[0].name.split(".", 1)[0].removesuffix("-csv"), lang=lang),
        )


def extract_page_html(bundle: dict[str, Any], lang: str) -> str:
    """The extract as a fragment of a web page (no <html> frame): the privacy center shows
    it on the answer page. Autoescaped by the renderer; safe to insert as markup."""
    from varna.adapters.extract.html import render_body

    return render_body(bundle, lang if lang in LANGUAGES else "sv")
