"""The usage records (only what a unit of work must have; the ingest's bulk paths are the
adapters', tested on real databases)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.fakes.transaction import FakeStore
from varna.domain.usage import UsageRecord, UsageWindow
from varna.services.ports import ProgressHook, UsageStore


class FakeUsageStore(FakeStore):
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    def load_csv_file(
        self, path: Path, *, window: UsageWindow, progress: ProgressHook | None = None
    ) -> int:
        raise AssertionError("the CSV bulk load is the adapters'; not modelled by this fake")

    def load_records(
        self, records: Iterable[tuple[int, UsageRecord]], *, progress: ProgressHook | None = None
    ) -> int:
        added = [record for _, record in records if record not in self.records]
        self.records.extend(added)
        return len(added)

    def count(self) -> int:
        return len(self.records)


_: UsageStore = FakeUsageStore()
