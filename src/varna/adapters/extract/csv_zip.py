"""One CSV file per data category, in a zip; each line is one value: table, how the row was
found (linked or mention), record id, field, value. ``about.csv`` lists the Art. 15 facts."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

HEADER = ("table", "match", "record_id", "field", "value")


def write_csv_zip(bundle: dict[str, Any], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for category, blocks in bundle["data"].items():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(HEADER)
            for block in blocks:
                fields = block["fields"][1:]
                for row in block["rows"]:
                    for field, value in zip(fields, row[1:], strict=True):
                        writer.writerow((block["table"], block["match"], row[0], field, value))
            archive.writestr(f"{category}.csv", buffer.getvalue())
        about = io.StringIO()
        writer = csv.writer(about)
        writer.writerow(("section", "content"))
        for key, value in bundle.items():
            if key != "data":
                writer.writerow((key, json.dumps(value, ensure_ascii=False, default=str)))
        archive.writestr("about.csv", about.getvalue())
    return path
