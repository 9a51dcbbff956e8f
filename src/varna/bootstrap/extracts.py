"""The register extract's renderers (JSON, CSV, HTML, PDF), for the CLI that lets a user
choose the formats and writes the files; the renderers themselves are adapters."""

from __future__ import annotations

from varna.adapters.extract import FORMATS, write_extract

__all__ = ["FORMATS", "write_extract"]
