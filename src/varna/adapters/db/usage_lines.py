"""Reading a usage file in blocks of whole lines, telling a progress hook how far it got."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from varna.services.ports import ProgressHook

BLOCK_CHARS = 1 << 20


def blocks(
    handle: TextIO, progress: ProgressHook | None, *, first_line: int = 2
) -> Iterator[tuple[int, str]]:
    """``(number of its first line, text)`` for blocks of whole lines, each ending in a
    newline. Open the file with universal newlines, so every line ends in ``\\n``."""
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
            continue
        block, rest = chunk[:cut], chunk[cut:]
        yield line_no, block
        line_no += block.count("\n")
        if progress is not None:
            progress(len(block))
