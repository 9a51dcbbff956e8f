"""Renderers of a register extract bundle (``varna.extract/v1``): JSON, CSV per category in a
zip, and a human-readable document in Swedish and English as HTML (Jinja2) and PDF (fpdf2)."""

from __future__ import annotations

from collections.abc import Iterable
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
