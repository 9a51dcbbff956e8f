"""The register extract's renderers (JSON, CSV, HTML, PDF), for the CLI that lets a user
choose the formats and writes the files, and for the privacy center that shows the extract
on a page and hands out each format; the renderers themselves are adapters."""

from __future__ import annotations

from varna.adapters.extract import (
    FORMATS,
    ExtractFile,
    extract_file,
    extract_page_html,
    write_extract,
)

__all__ = ["FORMATS", "ExtractFile", "extract_file", "extract_page_html", "write_extract"]
