"""The human-readable extract as HTML (Jinja2, autoescaped), in Swedish or English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from varna.adapters.extract.text import (
    MAX_ROWS,
    category_labels,
    cell,
    head,
    source_label,
    word,
)

_environment = Environment(
    loader=PackageLoader("varna.adapters.extract", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(bundle: dict[str, Any], lang: str) -> str:
    template = _environment.get_template("extract.html")
    return template.render(
        b=bundle,
        lang=lang,
        w=lambda key: word(key, lang),
        labels=category_labels(bundle, lang),
        source=lambda s: source_label(s, lang),
        max_rows=MAX_ROWS,
        head=head,
        cell=cell,
    )


def render_body(bundle: dict[str, Any], lang: str) -> str:
    """The document's content without its <html> frame, for a page that has its own."""
    html = render_html(bundle, lang)
    start, end = html.find("<body>"), html.rfind("</body>")
    return html[start + len("<body>") : end] if start >= 0 and end > start else html


def write_html(bundle: dict[str, Any], path: Path, lang: str) -> Path:
    path.write_text(render_html(bundle, lang), encoding="utf-8")
    return path
