"""The human-readable extract as HTML (D1, D3): Jinja2, autoescaped, in Swedish or English.
``render_body`` is the document as a fragment a page inserts (headings from h2, the design
system's classes); the standalone file wraps it with an h1 and a small inline style so it
reads well offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import PackageLoader

from varna.adapters.extract.text import document
from varna.i18n.jinja import environment

_environment = environment(PackageLoader("varna.adapters.extract", "templates"))


def render_html(bundle: dict[str, Any], lang: str) -> str:
    """The standalone document (an HTML file of its own)."""
    return _environment.get_template("extract.html").render(d=document(bundle, lang), lang=lang)


def render_body(bundle: dict[str, Any], lang: str) -> str:
    """The document's content without its <html> frame, for a page that has its own."""
    return _environment.get_template("extract_body.html").render(
        d=document(bundle, lang), lang=lang
    )


def write_html(bundle: dict[str, Any], path: Path, lang: str) -> Path:
    path.write_text(render_html(bundle, lang), encoding="utf-8")
    return path
