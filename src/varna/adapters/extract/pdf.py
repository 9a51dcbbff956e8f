"""The human-readable extract as PDF with fpdf2 (pure Python; core fonts, Latin-1 text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

from varna.adapters.extract.text import (
    MAX_ROWS,
    category_labels,
    cell,
    head,
    source_label,
    word,
)


def _latin1(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("–", "-").replace("—", "-").replace("’", "'").replace("§", "par.")
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, size: int = 9) -> None:
        self.pdf.set_font("Helvetica", "", size)
        self.pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def render_pdf(bundle: dict[str, Any], lang: str) -> bytes:
    doc = _Document()
    labels = category_labels(bundle, lang)
    controller, complaint = bundle["controller"], bundle["complaint"]
    doc.heading(word("title", lang), 18)
    doc.para(word("intro", lang))
    doc.para(f"{bundle['schema']} - {bundle['generated_at']}", 7)
    doc.heading(word("controller", lang))
    doc.para(
        f"{controller['name']} ({controller['orgnr']}), {controller['address']}, "
        f"{controller['email']}. DPO: {controller['dpo']['email']}"
    )
    doc.heading(word("data", lang))
    if not bundle["processing"]:
        doc.para(word("none", lang))
    for category, blocks in bundle["data"].items():
        doc.heading(labels.get(category, category), 11)
        for block in blocks:
            doc.para(f"{block['table']} ({', '.join(block['fields'])})", 8)
            for row in head(block["rows"]):
                doc.para(" | ".join(cell(v) for v in row), 7)
            if len(block["rows"]) > MAX_ROWS:
                doc.para(f"{len(block['rows']) - MAX_ROWS} {word('more_rows', lang)}", 7)
    doc.heading(word("purposes", lang))
    for p in bundle["purposes"]:
        doc.para(f"{p['label'][lang]}: {p['description'][lang]} ({p['article']})")
    doc.heading(word("recipients", lang))
    for r in bundle["recipients"]:
        safeguard = r["transfer_safeguards"]
        extra = f" - {word('outside_eea', lang)}: {safeguard['tool']}" if safeguard else ""
        doc.para(f"{r['name']} ({r['country']}): {r['description'][lang]}{extra}")
    doc.heading(word("retention", lang))
    for r in bundle["retention"]:
        doc.para(f"{labels.get(r['category'], r['category'])}: {r['criteria'][lang]}")
    doc.heading(word("sources", lang))
    for s in bundle["sources"]:
        names = ", ".join(source_label(x, lang) for x in s["sources"])
        doc.para(f"{labels.get(s['category'], s['category'])}: {names}")
    doc.heading(word("rights", lang))
    for right in bundle["rights"]:
        doc.para(right[lang])
    doc.heading(word("complaint", lang))
    doc.para(
        f"{complaint['authority']} ({complaint['short_name']}), {complaint['address']}, "
        f"{complaint['email']}, {complaint['website']}"
    )
    doc.heading(word("automated", lang))
    doc.para(bundle["automated_decisions"][lang])
    return bytes(doc.pdf.output())


def write_pdf(bundle: dict[str, Any], path: Path, lang: str) -> Path:
    path.write_bytes(render_pdf(bundle, lang))
    return path
