"""Reading a usage file line by line while telling a progress hook how far it got."""

from __future__ import annotations

import io
from collections.abc import Iterator

from varna.services.ports import ProgressHook

REPORT_EVERY = 65_536


class CountingLines:
    """Iterates the lines of a text file; every ``REPORT_EVERY`` lines it reports the
    characters read since the last report."""

    def __init__(self, handle: io.TextIOBase, progress: ProgressHook | None) -> None:
        self._handle = handle
        self._progress = progress

    def __iter__(self) -> Iterator[str]:
        progress = self._progress
        if progress is None:
            for line in self._handle:  # not ``yield from``: closing this must not close the file
                yield line
            return
        chars = 0
        count = 0
        for line in self._handle:
            chars += len(line)
            count += 1
            if count == REPORT_EVERY:
                progress(chars)
                chars = count = 0
            yield line
        progress(chars)
