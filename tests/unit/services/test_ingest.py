"""Usage ingest of the streamers' NDJSON through the service (P3): how a record is read, that
one file is one transaction with its audit event, and that one bad line refuses the whole
file, naming the line and the field. The CSV bulk load and the store's deduplication by
source id are the adapters', tested on real databases."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from stdnum import luhn

from tests.fakes.context import FakeContext
from tests.fakes.uow import FakeUnitOfWork
from varna.domain.errors import InputRefused
from varna.domain.usage import MAX_LINE_CHARS, UsageRecord
from varna.services.ingest import ingest_usage

ICCID = "8946000000000000001" + luhn.calc_check_digit("8946000000000000001")


def streamer(record_id: int | None = 1, **override: Any) -> dict[str, Any]:
    """One record in the emnify / 1NCE usage shape, the day before the fake clock's today."""
    record: dict[str, Any] = {
        "id": record_id,
        "traffic_type": {"id": 5, "description": "Data"},
        "start_timestamp": "2026-03-01 08:00:00",
        "end_timestamp": "2026-03-01 08:14:59",
        "endpoint": {"id": 7, "name": "meter 7", "imei": "490154203237518"},
        "sim": {"id": 9, "iccid": ICCID},
        "imsi": "240990000000001",
        "operator": {"id": 2, "mnc": "01", "country": {"id": 205, "mcc": "240"}},
        "volume": {"total": 0.75, "rx": 0.5, "tx": 0.25},
    }
    record.update(override)
    return record


def write(tmp_path: Path, lines: list[str], name: str = "usage.ndjson") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(ctx: FakeContext, path: Path, **given: Any) -> Any:
    return ingest_usage(ctx, path, actor="cli", **given)


def test_a_streamer_file_is_read_and_stored_with_its_audit_event_p3(
    ctx: FakeContext, uow: FakeUnitOfWork, tmp_path: Path
) -> None:
    sms = streamer(
        2,
        traffic_type=6,
        start_timestamp="2026-03-01T10:00:00+02:00",
        end_timestamp="2026-03-01T08:00:00.5Z",
        volume={"rx": 0, "tx": "0.000160"},
    )
    lines = [json.dumps(streamer(1)), "", json.dumps(sms), json.dumps(streamer(None))]
    path = tmp_path / "usage.JSONL"
    path.write_bytes(codecs.BOM_UTF8 + "\n".join(lines).encode())
    read: list[int] = []
    summary = ingest(ctx, path, progress=read.append)
    size = path.stat().st_size
    assert summary.as_dict() == {"rows": 3, "format": "ndjson", "file_bytes": size}
    assert sum(read) == size
    first, second, third = uow.usage.records
    assert first == UsageRecord(
        source_id=1,
        iccid=ICCID,
        started_at=datetime(2026, 3, 1, 8, 0),
        ended_at=datetime(2026, 3, 1, 8, 14, 59),
        bytes_up=250_000,  # tx is sent by the device; volumes are decimal megabytes
        bytes_down=500_000,
        mcc="240",
        mnc="01",
        cell_id=None,
        lac_tac=None,
        rat=None,
        traffic_type="data",
    )
    assert (second.traffic_type, second.bytes_up, second.bytes_down) == ("sms", 160, 0)
    assert (second.started_at, second.ended_at) == (
        datetime(2026, 3, 1, 8, 0),  # read as UTC
        datetime(2026, 3, 1, 8, 0, 0, 500_000),
    )
    assert third.source_id is None
    ingested = uow.audit.one("usage.ingested")
    assert (ingested.actor, ingested.target) == ("cli", None)
    assert ingested.details == {"file": "usage.JSONL", "format": "ndjson", "rows": 3, "bytes": size}
    assert uow.commits == 1


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (streamer(3, volume={"rx": "lots", "tx": 1}), "volume.rx", "not a number"),
        (streamer(3, volume={"rx": 1e9, "tx": 1}), "volume.rx", "out of range"),
        (streamer(3, sim={"id": 9}), "sim.iccid", "a value is required"),
        (streamer(3, sim={"iccid": "8946000000000000000"}), "sim.iccid", "Luhn"),
        (streamer(3, traffic_type={"id": 7}), "traffic_type.id", "unknown traffic type"),
        (streamer(3, end_timestamp="2026-03-01 07:59:59"), "end_timestamp", "ends before"),
        (streamer(3, start_timestamp="yesterday"), "start_timestamp", "YYYY-MM-DD HH:MM:SS"),
        (streamer(3, operator={"mnc": "1", "country": {"mcc": "240"}}), "operator.mnc", "2 or 3"),
        (streamer(3, imsi="24099x"), "imsi", "digits only"),
        (streamer(-3), "id", "whole number"),
        ([1, 2, 3], None, "not a JSON object"),
        ("{not json", None, "not a JSON object"),
        ("x" * (MAX_LINE_CHARS + 1), None, "longer than 65,536 characters"),
    ],
)
def test_one_bad_line_refuses_the_whole_file_and_names_where_p3(
    ctx: FakeContext,
    uow: FakeUnitOfWork,
    tmp_path: Path,
    line: object,
    field: str | None,
    message: str,
) -> None:
    bad = line if isinstance(line, str) else json.dumps(line)
    path = write(tmp_path, [json.dumps(streamer(1)), json.dumps(streamer(2)), bad])
    with pytest.raises(InputRefused, match=message) as refused:
        ingest(ctx, path)
    assert (refused.value.line, refused.value.field) == (3, field)
    assert uow.usage.records == []
    assert uow.audit.entries == [] and uow.commits == 0


def test_usage_later_than_a_day_after_the_load_is_refused_until_that_time_p3(
    ctx: FakeContext, uow: FakeUnitOfWork, tmp_path: Path
) -> None:
    ahead = streamer(1, start_timestamp="2026-03-03 09:30:00", end_timestamp="2026-03-03 09:45:00")
    path = write(tmp_path, [json.dumps(ahead)])
    with pytest.raises(InputRefused, match="check the clock of the source") as refused:
        ingest(ctx, path)  # the clock says 2026-03-02 09:00 UTC
    assert (refused.value.line, refused.value.field) == (1, "start_timestamp")
    ctx.clock.advance(hours=1)
    assert ingest(ctx, path).rows == 1
    old = streamer(2, start_timestamp="1989-12-31 23:59:59")
    with pytest.raises(InputRefused, match="before 1990-01-01"):
        ingest(ctx, write(tmp_path, [json.dumps(old)], "old.ndjson"))


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(
    ctx: FakeContext, uow: FakeUnitOfWork, tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.ndjson"
    first = json.dumps(streamer(1)).encode()
    latin1.write_bytes(first + b"\n" + json.dumps(streamer(2)).encode()[:-1] + b', "x": "\xe5"}\n')
    with pytest.raises(InputRefused, match="not UTF-8 text; save the file as UTF-8") as refused:
        ingest(ctx, latin1)
    assert refused.value.line == 2
    utf16 = tmp_path / "utf16.ndjson"
    utf16.write_text(json.dumps(streamer(1)), encoding="utf-16")
    with pytest.raises(InputRefused, match="the file is UTF-16 text; save it as UTF-8"):
        ingest(ctx, utf16)
    assert uow.usage.records == [] and uow.audit.entries == []


def test_a_file_that_cannot_be_read_is_refused(
    ctx: FakeContext, uow: FakeUnitOfWork, tmp_path: Path
) -> None:
    with pytest.raises(InputRefused, match="cannot read the file: No such file or directory"):
        ingest(ctx, tmp_path / "missing.ndjson")
    assert uow.audit.entries == []
