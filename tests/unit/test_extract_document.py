"""The register extract as a document a person reads (D1, D3): the HTML fragment, the
standalone HTML file and the PDF, in Swedish and English, built from a synthetic bundle.
The document names records and details in words (never a table or a column), writes dates
and amounts for the language, leaves ids and internal keys to the JSON and CSV files,
summarises usage records without holding them, and the PDF prints any name. Stored codes
(a request's kind, a consent's channel) are words (G3); the JSON and CSV keep the codes."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from varna.adapters.extract import extract_page_html, write_extract
from varna.adapters.extract.html import render_html
from varna.adapters.extract.pdf import render_pdf
from varna.adapters.extract.text import MAX_ROWS
from varna.catalog import load_catalog
from varna.domain.subjects.article15 import article15

CATALOG = load_catalog()
NAME = "Åsa Öberg"
OTHERS = ("Zoë Lindqvist", "Дмитрий Иванов")  # a diaeresis and a non-Latin script
DATES = {"sv": "1 mars 2026", "en": "1 March 2026"}
AMOUNTS = {"sv": "1 234,50 kr", "en": "1,234.50 SEK"}
USAGE = 100_000


class Lazy:
    """Rows made as they are read, as a streamed block's are: ``read`` counts them."""

    def __init__(self, total: int, make: Any) -> None:
        self.total, self.make, self.read = total, make, 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for n in range(self.total):
            self.read += 1
            yield self.make(n)


def _usage(n: int) -> tuple[Any, ...]:
    day = 1 + n % 28
    return (n, f"src-{n}", f"2026-02-{day:02d}T08:00:00+00:00", None, 1000, 500, "LTE", "data")


def _bundle(usage: int = 3) -> dict[str, Any]:
    found = [
        CATALOG.table(t).personal[c]
        for t, c in (
            ("people", "full_name"),
            ("people", "email"),
            ("invoices", "paid_on"),
            ("invoices", "total_ore"),
            ("payments", "card_last4"),
            ("payments", "card_token"),
            ("usage_records", "started_at"),
            ("ticket_messages", "body"),
            ("web_visits", "path"),
        )
    ]

    def block(table: str, fields: list[str], rows: Any, match: str = "linked") -> dict[str, Any]:
        return {
            "table": table,
            "match": match,
            "role": "controller",
            "fields": fields,
            "rows": rows,
        }

    data = {
        "name": [block("people", ["id", "full_name"], [[7, NAME]])],
        "email": [block("people", ["id", "email"], [[7, "asa@example.se"]])],
        "payment_history": [
            block("invoices", ["id", "paid_on", "total_ore"], [[41, "2026-03-01", 123450]])
        ],
        "account_card_number": [
            block("payments", ["id", "card_last4", "card_token"], [[213, "4242", "tok_zz9"]])
        ],
        "free_text": [
            block("ticket_messages", ["id", "body"], [[5, f"Hej, {OTHERS[0]} och {OTHERS[1]}"]])
        ],
        "traffic_data": [
            block(
                "usage_records",
                [
                    "id",
                    "source_id",
                    "started_at",
                    "ended_at",
                    "bytes_up",
                    "bytes_down",
                    "rat",
                    "traffic_type",
                ],
                Lazy(usage, _usage),
            )
        ],
        "usage_history": [
            block("web_visits", ["id", "path"], Lazy(MAX_ROWS + 50, lambda n: (n, f"/p/{n}")))
        ],
    }
    return {
        "schema": "varna.extract/v1",
        "generated_at": "2026-03-02T09:00:00+00:00",
        "language": "sv",
        "subject": {"identified_by": ["email"], "person_ids": [7], "found": True},
        "processing": True,
        "data": data,
        **article15(CATALOG, found),
        "redactions": 0,
    }


def _pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d1_d3_the_pdf_embeds_a_font_and_prints_every_name(lang: str) -> None:
    text, reader = _pdf_text(render_pdf(_bundle(), lang))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontFile2" in font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
    }
    assert fonts and all("DejaVu" in f for f in fonts)
    for name in (NAME, *OTHERS):
        assert name in text
    assert ("Registerutdrag" if lang == "sv" else "Register extract") in text


@pytest.mark.parametrize(("lang", "words"), [("sv", "Sida %s av %s"), ("en", "Page %s of %s")])
def test_d1_d3_every_pdf_page_says_its_number_and_how_many(lang: str, words: str) -> None:
    _, reader = _pdf_text(render_pdf(_bundle(), lang))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert words % (number, pages) in page.extract_text()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d1_d3_no_table_or_column_name_and_no_internal_key_reaches_a_person(lang: str) -> None:
    bundle = _bundle()
    html = _plain(extract_page_html(bundle, lang))
    pdf, _ = _pdf_text(render_pdf(_bundle(), lang))
    names = {n for n in CATALOG.tables if "_" in n} | {
        c for e in CATALOG.tables.values() for c in e.columns if "_" in c
    }
    for text in (html, pdf):
        found = sorted(n for n in names if re.search(rf"\b{n}\b", text))
        assert not found, found
        assert "card_token" not in text and "tok_zz9" not in text and "src-1" not in text
        assert "4242" in text  # the card's last digits are hers to see


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d1_d3_dates_and_amounts_are_written_for_the_language(lang: str) -> None:
    html = _norm(_plain(extract_page_html(_bundle(), lang)))
    pdf = _norm(_pdf_text(render_pdf(_bundle(), lang))[0])
    for text in (html, pdf):
        assert DATES[lang] in text and AMOUNTS[lang] in text
        assert "2026-03-01" not in text and "123450" not in text


def test_d1_d3_usage_records_are_summarised_without_being_held() -> None:
    bundle = _bundle(USAGE)
    (usage,) = bundle["data"]["traffic_data"]
    tracemalloc.start()
    html = extract_page_html(bundle, "sv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8_000_000, peak  # 100 000 rows held would take tens of MB
    assert usage["rows"].read == USAGE
    text = _norm(_plain(html))
    assert "100 000" in text  # how many records
    assert "1 feb. 2026" in text and "28 feb. 2026" in text  # first and last
    assert "150,0 MB" in text  # 100 000 × 1 500 bytes
    assert "finns i JSON- och CSV-filerna" in text
    assert "src-" not in text
    (visits,) = bundle["data"]["usage_history"]
    assert visits["rows"].read == MAX_ROWS  # a long block: only the rows shown are read
    assert f"{MAX_ROWS} av {MAX_ROWS + 50} poster visas" in text


def test_d1_d3_the_fragment_fits_a_page_and_the_file_stands_alone() -> None:
    fragment = extract_page_html(_bundle(), "en")
    assert "<html" not in fragment and "<h1" not in fragment and "<style" not in fragment
    assert re.findall(r"<h(\d)", fragment)[0] == "2"
    assert fragment.count("<table") == fragment.count('<div class="table-wrap" tabindex="0">')
    assert '<th scope="col">' in fragment and 'class="facts"' in fragment
    assert NAME in fragment and "asa@example.se" in fragment  # the cover names her
    page = render_html(_bundle(), "sv")
    assert page.count("<h1") == 1 and "<style>" in page and 'lang="sv"' in page
    assert "Vem som får dina uppgifter" in page and "Integritetsskyddsmyndigheten" in page


CODED_BLOCKS = {
    "requests": (
        "subject_requests",
        ["id", "kind", "state", "language", "refusal_ground", "received_at"],
        [[3, "consent_withdrawal", "in_progress", "sv", "further_copy", "2026-02-10"]],
    ),
    "consents": (
        "consent_events",
        ["id", "purpose", "event", "channel", "language", "at"],
        [[9, "newsletter", "withdrawn", "privacy_center", "en", "2026-02-11"]],
    ),
    "payments": ("payments", ["id", "method", "amount_ore"], [[5, "bank_transfer", 9900]]),
    "roles": ("person_roles", ["id", "role", "title"], [[2, "customer_contact", "Inköpare"]]),
    "people": ("people", ["id", "source"], [[7, "web_form"]]),
    "disclosures": (
        "disclosures",
        ["id", "recipient", "categories"],
        [[1, "support_desk", ["name", "email"]]],
    ),
}
CODES = (
    "consent_withdrawal",
    "in_progress",
    "further_copy",
    "privacy_center",
    "bank_transfer",
    "customer_contact",
    "web_form",
    "support_desk",
    "newsletter",
)
WORDS = {
    "sv": (
        "Återkallelse av ett samtycke",
        "Pågår",
        "Integritetscenter",
        "Återkallat",
        "Banköverföring",
        "Kontaktperson hos kund",
        "Formulär på webbplatsen",
        "Svenska",
        "Engelska",
    ),
    "en": (
        "Withdrawal of a consent",
        "In progress",
        "Privacy center",
        "Withdrawn",
        "Bank transfer",
        "Customer contact",
        "Form on the website",
        "Swedish",
        "English",
    ),
}


def _coded_bundle() -> dict[str, Any]:
    bundle = _bundle()
    bundle["data"]["coded"] = [
        {"table": t, "match": "linked", "role": "controller", "fields": f, "rows": r}
        for t, f, r in CODED_BLOCKS.values()
    ]
    return bundle


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_d1_g3_stored_codes_are_shown_in_words(lang: str) -> None:
    """D1, G3: a request's kind and state, a consent's event and channel, a payment's method,
    a role, a source, a recipient and a purpose are words in the HTML and the PDF, never the
    codes the database stores."""
    html = _norm(_plain(extract_page_html(_coded_bundle(), lang)))
    pdf = _norm(_pdf_text(render_pdf(_coded_bundle(), lang))[0])
    recipient = CATALOG.recipients["support_desk"].name
    purpose = CATALOG.purposes["newsletter"].label.sv if lang == "sv" else None
    for text in (html, pdf):
        found = [code for code in CODES if re.search(rf"\b{code}\b", text)]
        assert not found, found
        for words in WORDS[lang]:
            assert _norm(words) in text, words
        assert recipient in text
        if purpose is not None:
            assert purpose in text


def test_d1_g3_the_machine_readable_files_keep_the_codes(tmp_path: Any) -> None:
    """The JSON and CSV files are the machine-readable copy: codes stay codes there."""
    written = write_extract(_coded_bundle(), tmp_path, ["json", "csv"])
    text = written[0].read_text(encoding="utf-8")
    with zipfile.ZipFile(written[1]) as archive:
        text += "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for code in ("consent_withdrawal", "in_progress", "bank_transfer", "privacy_center"):
        assert code in text
    assert "Bank transfer" not in text and "Banköverföring" not in text
