"""Every person of the small demo, extracted in every format and as portable data, on SQLite
and PostgreSQL (D1, D2); each file is opened as its reader would: the JSON parses, every CSV
of the zip reads, the PDF is a PDF with the extract's text, the HTML parses. Each person has
first asked for a privacy-center link (a record keyed by its token's hash)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from tests.subject_factories import subject_context
from varna.adapters.db.tables import people, privacy_center_links
from varna.adapters.extract import FORMATS, write_extract
from varna.adapters.extract.pdf import write_pdf
from varna.bootstrap import Container
from varna.domain.subjects.keys import normalise
from varna.services.consent.center_links import AskForLink, AskLimits, ask_for_link, send_link
from varna.services.demo.build import DemoCommand, build_demo
from varna.services.subjects.extract import build_extract
from varna.services.subjects.portability import build_portable

AS_OF = date(2026, 3, 1)
TITLES = {"sv": "Registerutdrag", "en": "Register extract"}


class _Text(HTMLParser):
    """The text of a page, and its tags left open (a page that parses closes them)."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _write(bundle: dict[str, Any], out: Path, formats: tuple[str, ...], pdf_lang: str) -> None:
    """The files of ``formats``; the PDF (half a second each with its embedded font) in one
    language per person, the people taking turns, so both languages are read."""
    write_extract(bundle, out, [f for f in formats if f != "pdf"])
    if "pdf" in formats:
        write_pdf(bundle, out / f"extract.{pdf_lang}.pdf", pdf_lang)


def _check_files(
    out: Path, bundle: dict[str, Any], *, portable: bool, pdf_lang: str = "sv"
) -> None:
    stem = "portability" if portable else "extract"
    document = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert document["schema"] == bundle["schema"]
    assert set(document["data"]) == set(bundle["data"])
    lines = 0
    with zipfile.ZipFile(out / f"{stem}-csv.zip") as archive:
        assert set(archive.namelist()) == {f"{c}.csv" for c in bundle["data"]} | {"about.csv"}
        for name in archive.namelist():
            with archive.open(name) as raw:
                read = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
            width = 2 if name == "about.csv" else 5
            assert read and all(len(line) == width for line in read), name
            lines += 0 if name == "about.csv" else len(read) - 1
    values = sum(
        len(b["fields"]) - 1 for bs in document["data"].values() for b in bs for _ in b["rows"]
    )
    assert lines == values  # one line per value
    if portable:
        return
    pdf = (out / f"{stem}.{pdf_lang}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert TITLES[pdf_lang] in text and bundle["complaint"]["short_name"] in text
    for lang, title in TITLES.items():
        page = _Text()
        page.feed((out / f"{stem}.{lang}.html").read_text(encoding="utf-8"))
        page.close()
        assert not page.open and title in "".join(page.text)


def test_d1_d2_every_demo_person_exports_in_every_format(
    container: Container, tmp_path: Path
) -> None:
    """D1, D2: no person of the demo makes an export fail (JSON columns, tables keyed by a
    token's hash, sole traders), and every file opens."""
    build_demo(container.uow(), DemoCommand("small", 3, AS_OF), actor="test", clock=container.clock)
    secret = container.secret
    with container.engine.connect() as conn:
        persons = conn.execute(select(people.c.id, people.c.email).order_by(people.c.id)).all()
    assert len(persons) > 10
    for _, email in persons:
        if email:
            asked = ask_for_link(
                container,
                AskForLink(email),
                client="192.0.2.10",
                limits=AskLimits(per_client=len(persons)),
            )
            send_link(
                container,
                asked,
                base_url="http://127.0.0.1:8000",
                mailer=container.mailer(),
                actor="test",
            )
    with container.engine.connect() as conn:
        linked = set(conn.execute(select(privacy_center_links.c.person_id)).scalars())
    assert linked  # the demo's people asked for a link: the token-hash table has their rows

    for number, (person_id, _) in enumerate(persons):
        keys = (normalise("person_id", str(person_id)),)
        pdf_lang = ("sv", "en")[number % 2]
        for portable, build, formats in (
            (False, build_extract, FORMATS),
            (True, build_portable, ("json", "csv")),
        ):
            out = tmp_path / f"{person_id}-{'portable' if portable else 'extract'}"
            extract = build(
                subject_context(container, clock=container.clock, secret=secret),
                keys,
                actor="test",
                write=lambda bundle, out=out, formats=formats, lang=pdf_lang: _write(
                    bundle, out, formats, lang
                ),
            )
            assert extract.bundle["processing"], person_id
            _check_files(out, extract.bundle, portable=portable, pdf_lang=pdf_lang)
