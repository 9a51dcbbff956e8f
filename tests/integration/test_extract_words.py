"""The register extract of a real store shows stored codes in words (D1, G3): a person with a
request, a consent, a payment, a legal hold and usage records (every catalogued table,
``tests/subject_records.py``) gets HTML and PDF extracts in Swedish and English where each
coded value (a request's kind and state, a consent's event and channel, a payment's method)
is words, while the JSON and CSV files keep the codes. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from tests.subject_factories import NOW, subject_context
from tests.subject_records import DANA_EMAIL, add_every_record
from varna.adapters.extract import FORMATS, write_extract
from varna.adapters.extract.text import SUMMARISED
from varna.bootstrap import Container
from varna.domain.subjects.keys import normalise
from varna.i18n.labels import VALUES, value_label
from varna.services.subjects.extract import build_extract

SECRET = b"test-secret"
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.DOTALL)


class FixedClock:
    def now(self) -> Any:
        return NOW


def _coded(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(column, code) of every coded value shown as a row in the document."""
    found: set[tuple[str, str]] = set()
    for blocks in document["data"].values():
        for block in blocks:
            if block["table"] in SUMMARISED:
                continue
            for row in block["rows"]:
                for column, value in zip(block["fields"], row, strict=True):
                    if isinstance(value, str) and value in VALUES.get(column, {}):
                        found.add((column, value))
    return found


def test_d1_g3_a_real_extract_shows_words_for_stored_codes(
    container: Container, tmp_path: Path
) -> None:
    """D1, G3: each coded value of the person's records is a cell in words in the HTML of
    both languages, no cell is a stored code and a JSON column's keys are labels; the JSON
    file keeps the codes."""
    with container.engine.begin() as conn:
        add_every_record(conn, SECRET)
    build_extract(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        (normalise("email", DANA_EMAIL),),
        actor="test",
        write=lambda bundle: write_extract(bundle, tmp_path, FORMATS),
    )
    document = json.loads((tmp_path / "extract.json").read_text(encoding="utf-8"))
    coded = _coded(document)
    columns = {column for column, _ in coded}
    assert {"kind", "state", "event", "channel", "method", "language"} <= columns
    assert ("state", "completed") in coded and ("method", "card") in coded  # the JSON: codes
    for lang in ("sv", "en"):
        page = (tmp_path / f"extract.{lang}.html").read_text("utf-8")
        cells = {html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(page)}
        codes = {code for _, code in coded} - {value_label(c, v, lang) for c, v in coded}
        assert not cells & codes, sorted(cells & codes)
        for column, code in coded:
            assert value_label(column, code, lang) in cells, (column, code)
        keys = [c for c in cells if re.search(r"\b(dry_run|files|iccid|path): ", c)]
        assert not keys, keys  # a JSON column's keys are labels too
    assert value_label("channel", "privacy_center", "sv") == "Integritetscenter"
    assert value_label("method", "card", "en") == "Card"
