"""The human-readable extract as PDF with fpdf2 (D1, D3): the same content as the HTML
(:func:`varna.adapters.extract.text.document`), set in DejaVu Sans, embedded (a subset), so
Swedish and non-Latin names print; a cover, a summary, one part per category, the Art. 15
information, and "page 2 of 5" on every page."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from varna.adapters.extract.text import Document, Entry, Rows, Summary, document
from varna.i18n import N_, translate

FONT = "DejaVu"
INK = (28, 39, 49)
MUTED = (79, 94, 105)
ACCENT = (11, 110, 79)
HEAD_FILL = (238, 241, 244)
WIDE = 5  # a block with more columns is set as one list of details per record


class _Pdf(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(format="A4")
        self.doc = doc
        fonts = files("varna.adapters.extract") / "fonts"
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            with as_file(fonts / name) as path:
                self.add_font(FONT, style, str(path))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{doc.title} – {doc.company}")
        self.set_author(doc.company)
        self.set_lang(doc.lang)
        self.alias_nb_pages()

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 5, f"{self.doc.company} · {self.doc.title} · {self.doc.date}")
            self.ln(8)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        page, pages = self.page_no(), "{nb}"  # fpdf2 writes the number of pages at the end
        text = translate(self.doc.lang, N_("Page %(page)s of %(pages)s"), page=page, pages=pages)
        self.cell(0, 5, text, align="C")

    # -- building blocks ------------------------------------------------------------------

    def heading(self, text: str, level: int = 2) -> None:
        size = {1: 22, 2: 14, 3: 11}[level]
        if level == 2 and self.get_y() > self.h - 60:
            self.add_page()
        self.ln(4 if level == 2 else 2)
        self.set_font(FONT, "B", size)
        self.set_text_color(*(ACCENT if level == 2 else INK))
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: float = 9.5, *, muted: bool = False) -> None:
        if not text:
            return
        self.set_font(FONT, "", size)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def facts(self, pairs: list[tuple[str, str]], size: float = 9.5) -> None:
        """Label and value pairs, the label in grey on the left."""
        width = self.epw * 0.32
        for label, value in pairs:
            self.set_font(FONT, "", size)
            self.set_text_color(*MUTED)
            if self.will_page_break(size * 0.5 * 2):
                self.add_page()
            y = self.get_y()
            self.multi_cell(width - 3, size * 0.5, label, align="L", new_x="LMARGIN", new_y="NEXT")
            below_label = self.get_y()
            self.set_xy(self.l_margin + width, y)
            self.set_text_color(*INK)
            self.multi_cell(0, size * 0.5, value or "–", align="L", new_x="LMARGIN", new_y="NEXT")
            if self.get_y() > y:  # on the same page: below the taller of the two
                self.set_y(max(self.get_y(), below_label))
            self.ln(0.8)
        self.ln(1)

    def bullets(self, items: list[str]) -> None:
        self.set_font(FONT, "", 9.5)
        self.set_text_color(*INK)
        for item in items:
            self.multi_cell(0, 4.8, f"•  {item}", align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(0.8)

    def rows_table(self, rows: Rows) -> None:
        self.heading(rows.caption, 3)
        if len(rows.columns) > WIDE:  # one record at a time: label and value
            for n, row in enumerate(rows.rows):
                if n:
                    self.set_draw_color(*HEAD_FILL)
                    self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
                    self.ln(1.5)
                self.facts([(c, v) for c, v in zip(rows.columns, row, strict=True) if v], 8.5)
        else:
            self.set_font(FONT, "", 8.5)
            self.set_text_color(*INK)
            self.set_draw_color(*HEAD_FILL)
            with super().table(
                headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
                line_height=4.6,
                text_align="LEFT",
                borders_layout="HORIZONTAL_LINES",
            ) as table:
                table.row(rows.columns)
                for row in rows.rows:
                    table.row(row)
        self.para(rows.note, 8, muted=True)


def render_pdf(bundle: dict[str, Any], lang: str) -> bytes:
    doc = document(bundle, lang)
    pdf = _Pdf(doc)

    def t(message: str) -> str:
        return translate(lang, message)

    pdf.add_page()  # the cover
    pdf.ln(20)
    pdf.para(doc.company, 12, muted=True)
    pdf.heading(doc.title, 1)
    pdf.para(doc.intro, 11)
    pdf.ln(6)
    pdf.facts([(t("From"), doc.company), *doc.person, (t("Date"), doc.date)], 10.5)
    pdf.heading(t("What we hold about you"))
    if doc.summary:
        pdf.facts(doc.summary)
    else:
        pdf.para(t("We process no personal data about you."))
    pdf.para(doc.redactions, muted=True)

    for section in doc.sections:
        pdf.heading(section.title)
        for block in section.blocks:
            if isinstance(block, Summary):
                pdf.heading(block.caption, 3)
                pdf.facts(block.facts)
                pdf.para(block.note, 8, muted=True)
            elif block.columns:
                pdf.rows_table(block)
            else:
                pdf.heading(block.caption, 3)
                pdf.para(block.note, 8, muted=True)

    pdf.add_page()
    _entries(pdf, t("Why we process your data"), doc.purposes)
    _entries(pdf, t("Who receives your data"), doc.recipients)
    if not doc.recipients:
        pdf.para(t("We give your data to no one else."))
    pdf.heading(t("How long we keep your data"))
    pdf.facts([(e.title, _with_facts(e)) for e in doc.retention])
    pdf.heading(t("Where your data comes from"))
    pdf.facts([(e.title, e.text) for e in doc.sources])
    if doc.processor:
        pdf.para(
            t("We process these details on behalf of our customer, who decides how they are used:")
        )
        pdf.bullets(doc.processor)
    pdf.heading(t("Your rights"))
    pdf.bullets(doc.rights)
    pdf.heading(t("Complaints to the supervisory authority"))
    pdf.facts(doc.complaint)
    pdf.heading(t("Automated decisions"))
    pdf.para(doc.automated)
    pdf.heading(t("Who is responsible"))
    pdf.facts(doc.controller)
    return bytes(pdf.output())


def _entries(pdf: _Pdf, title: str, entries: list[Entry]) -> None:
    pdf.heading(title)
    for entry in entries:
        pdf.heading(entry.title, 3)
        pdf.para(entry.text)
        pdf.facts(entry.facts)


def _with_facts(entry: Entry) -> str:
    return " ".join([entry.text, *(f"({label}: {value})" for label, value in entry.facts)])


def write_pdf(bundle: dict[str, Any], path: Path, lang: str) -> Path:
    path.write_bytes(render_pdf(bundle, lang))
    return path
