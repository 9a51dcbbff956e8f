"""Streamer usage records in NDJSON (P3), read without a database: the mapping of one
emnify / 1NCE record onto varna's, and the refusals that name line and dotted field but never
the value (``services/ingest.py``: ``read_ndjson``, ``streamer_record``)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from varna.domain.errors import InputRefused
from varna.domain.usage import UsageRecord, UsageWindow
from varna.services.ingest import read_ndjson, streamer_record

ICCID = "89469900000000000010"
WINDOW = UsageWindow.at(datetime(2026, 5, 4, 12))  # noqa: DTZ001 - naive UTC
RECORD: dict[str, Any] = {
    "id": 9001,
    "sim": {"iccid": ICCID},
    "imsi": "240011234567890",
    "start_timestamp": "2026-05-01 10:00:00",
    "end_timestamp": "2026-05-01T12:05:00+02:00",
    "operator": {"mnc": "01", "country": {"mcc": "240"}},
    "traffic_type": {"id": 6},
    "volume": {"tx": 0.25, "rx": "1.5"},
}


def changed(dotted: str, value: object) -> dict[str, Any]:
    item = copy.deepcopy(RECORD)
    node = item
    *parents, last = dotted.split(".")
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return item


def test_p3_a_streamer_record_maps_onto_a_usage_record() -> None:
    """P3: tx is what the device sent (up), rx what it received (down), in decimal MB."""
    assert streamer_record(RECORD, 3, WINDOW) == UsageRecord(
        source_id=9001,
        iccid=ICCID,
        started_at=datetime(2026, 5, 1, 10),  # noqa: DTZ001
        ended_at=datetime(2026, 5, 1, 10, 5),
        bytes_up=250_000,
        bytes_down=1_500_000,  # noqa: DTZ001
        mcc="240",
        mnc="01",
        cell_id=None,
        lac_tac=None,
        rat=None,
        traffic_type="sms",
    )


def test_p3_without_a_traffic_type_or_an_id_a_record_is_data_without_a_source_id() -> None:
    record = streamer_record(changed("id", ...) | {"traffic_type": None}, 3, WINDOW)
    assert (record.traffic_type, record.source_id) == ("data", None)
    assert streamer_record(changed("traffic_type", 5), 3, WINDOW).traffic_type == "data"


@pytest.mark.parametrize(
    ("dotted", "value", "reason"),
    [
        ("sim.iccid", ..., "a value is required"),
        ("sim.iccid", "89469900000000000011", "Luhn"),
        ("sim.iccid", True, "string or number"),
        ("start_timestamp", ..., "a value is required"),
        ("start_timestamp", "01/05/2026 10:00", "not a timestamp"),
        ("end_timestamp", "2026-05-01 09:59:59", "ends before it starts"),
        ("operator.country.mcc", "999", "mobile country code"),
        ("operator.country.mcc", 240.0, "string or number"),
        ("operator.mnc", "1", "mobile network code"),
        ("traffic_type.id", 7, "unknown traffic type"),
        ("traffic_type.id", True, "unknown traffic type"),
        ("id", -1, "whole number from 0"),
        ("id", "9001", "whole number from 0"),
        ("id", 10**18, "whole number from 0"),
        ("imsi", "24001-123", "digits only"),
        ("volume.tx", "lots", "not a number"),
        ("volume.tx", False, "not a number"),
        ("volume.rx", -0.5, "out of range"),
        ("volume.rx", "nan", "out of range"),
        ("volume.rx", 1e10, "out of range"),
        ("volume.rx", ..., "a value is required"),
    ],
)
def test_p3_a_bad_field_is_refused_by_line_and_dotted_field_without_its_value(
    dotted: str, value: object, reason: str
) -> None:
    with pytest.raises(InputRefused, match=reason) as refused:
        streamer_record(changed(dotted, value), 12, WINDOW)
    assert refused.value.line == 12
    assert refused.value.field == dotted
    if isinstance(value, str) and len(value) > 3:
        assert value not in str(refused.value)


def write(tmp_path: Path, lines: list[str], *, bom: bool = False) -> Path:
    path = tmp_path / "usage.ndjson"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode())
    return path


def test_p3_a_file_of_records_skips_blank_lines_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps(RECORD), "", "  ", json.dumps(RECORD)], bom=True)
    assert [line for line, _ in read_ndjson(path, window=WINDOW)] == [1, 4]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "not a JSON object"),
        ('{"sim": ', "not a JSON object"),
        ("x" * 70_000, "longer than 65,536 characters"),
        ("[" * 100_000, "longer than"),
    ],
)
def test_p3_a_line_that_is_no_record_is_refused_by_its_number(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write(tmp_path, [json.dumps(RECORD), line])
    with pytest.raises(InputRefused, match=reason) as refused:
        list(read_ndjson(path, window=WINDOW))
    assert refused.value.line == 2 and refused.value.field is None


def test_p3_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, ["[" * 30_000 + "]" * 30_000])  # within the line limit
    with pytest.raises(InputRefused, match="nested too deeply") as refused:
        list(read_ndjson(path, window=WINDOW))
    assert refused.value.line == 1
