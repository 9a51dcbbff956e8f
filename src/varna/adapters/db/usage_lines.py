"""Reading a usage file in blocks of whole lines, telling a progress hook how far it got."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from varna.domain.errors import InputRefused
from varna.domain.usage import MAX_LINE_CHARS
from varna.services.ports import ProgressHook

BLOCK_CHARS = 1 << 20


def open_text(path: Path) -> TextIO:
    """``path`` as UTF-8 text with universal newlines; a byte-order mark at the start (as
    spreadsheet programs write it) is skipped. Bytes that are not UTF-8 raise
    ``UnicodeDecodeError`` as they are read; the ingest service names their line."""
    return path.open(encoding="utf-8-sig")


def header_line(handle: TextIO) -> str:
    """The first line of ``handle``, refused when it is longer than any header can be."""
    line = handle.readline(MAX_LINE_CHARS + 1)
    if len(line) > MAX_LINE_CHARS:
        raise InputRefused(f"longer than {MAX_LINE_CHARS:,} characters; not a header", line=1)
    return line


def blocks(
    handle: TextIO, progress: ProgressHook | None, *, first_line: int = 2
) -> Iterator[tuple[int, str]]:
    """``(number of its first line, text)`` for blocks of whole lines, each ending in a
    newline. Open the file with universal newlines, so every line ends in ``\\n``. A line
    longer than :data:`MAX_LINE_CHARS` is refused before it is held whole in memory."""
    line_no = first_line
    rest = ""
    while True:
        chunk = handle.read(BLOCK_CHARS)
        if not chunk:
            if rest:
                yield line_no, rest + "\n"
                if progress is not None:
                    progress(len(rest))
            return
        chunk = rest + chunk
        cut = chunk.rfind("\n") + 1
        if cut == 0:
            rest = chunk
            if len(rest) > MAX_LINE_CHARS:
                raise InputRefused(
                    f"longer than {MAX_LINE_CHARS:,} characters; not a usage record", line=line_no
                )
            continue
        block, rest = chunk[:cut], chunk[cut:]
        yield line_no, block
        line_no += block.count("\n")
        if progress is not None:
            progress(len(block))
