"""Ingest of usage records from the connectivity platforms (CSV and streamer NDJSON).

One file, one transaction: the records, the audit event and nothing else. A bad line
refuses the whole file; records that carry a source id are stored once (at-least-once
delivery from the streamers means replays).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from varna.domain import usage as rules
from varna.domain.errors import InputRefused, InvalidIdentifier
from varna.domain.identifiers import iccid as valid_iccid
from varna.domain.usage import UsageRecord
from varna.services.ports import AuditEvent, Clock, ProgressHook, UnitOfWork

Format = Literal["csv", "ndjson"]
MEGABYTE = 1_000_000  # the streamers give volumes in decimal megabytes


@dataclass(frozen=True)
class IngestSummary:
    rows: int
    format: Format
    file_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "format": self.format, "file_bytes": self.file_bytes}


def detect_format(path: Path) -> Format:
    return "ndjson" if path.suffix.lower() in (".ndjson", ".jsonl", ".json") else "csv"


def ingest_usage(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: str,
    clock: Clock,
    file_format: Format | None = None,
    progress: ProgressHook | None = None,
) -> IngestSummary:
    """Load one usage file; nothing is stored unless every line is valid."""
    fmt = file_format or detect_format(path)
    size = path.stat().st_size
    with uow as work:
        if fmt == "csv":
            stored = work.usage.load_csv_file(path, progress=progress)
        else:
            stored = work.usage.load_records(read_ndjson(path, progress), progress=progress)
        work.audit.record(
            AuditEvent(
                actor=actor,
                action="usage.ingested",
                target=None,
                details={"file": path.name, "format": fmt, "rows": stored, "bytes": size},
            ),
            at=clock.now(),
        )
        work.commit()
    return IngestSummary(rows=stored, format=fmt, file_bytes=size)


def read_ndjson(
    path: Path, progress: ProgressHook | None = None
) -> Iterator[tuple[int, UsageRecord]]:
    """Streamer records (emnify / 1NCE usage shape), one JSON object per line."""
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if progress is not None:
                progress(len(raw))
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except ValueError:
                raise InputRefused("not a JSON object", line=line_number) from None
            if not isinstance(item, dict):
                raise InputRefused("not a JSON object", line=line_number)
            yield line_number, streamer_record(item, line_number)


def _path(item: dict[str, Any], dotted: str, line: int, *, required: bool = True) -> Any:
    value: Any = item
    for key in dotted.split("."):
        if not isinstance(value, dict) or value.get(key) is None:
            if required:
                raise rules.refuse(line, dotted, "a value is required")
            return None
        value = value[key]
    return value


def _volume_bytes(value: Any, line: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise rules.refuse(line, field, "not a number")
    try:
        megabytes = float(value)
    except ValueError:
        raise rules.refuse(line, field, "not a number") from None
    if not 0 <= megabytes <= rules.MAX_BYTES / MEGABYTE:
        raise rules.refuse(line, field, "out of range")
    return round(megabytes * MEGABYTE)


def _text(value: Any, line: int, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise rules.refuse(line, field, "must be a string or number")
    return str(value)


def streamer_record(item: dict[str, Any], line: int) -> UsageRecord:
    """Map one streamer usage record onto varna's record, checking every field."""
    try:
        iccid = valid_iccid(_text(_path(item, "sim.iccid", line), line, "sim.iccid"))
    except InvalidIdentifier as exc:
        raise rules.refuse(line, "sim.iccid", exc.reason) from None
    started = rules.parse_timestamp(
        _text(_path(item, "start_timestamp", line), line, "start_timestamp"),
        line,
        "start_timestamp",
    )
    ended = rules.parse_timestamp(
        _text(_path(item, "end_timestamp", line), line, "end_timestamp"), line, "end_timestamp"
    )
    if ended < started:
        raise rules.refuse(line, "end_timestamp", "ends before it starts")
    mcc = _text(_path(item, "operator.country.mcc", line), line, "operator.country.mcc")
    mnc = _text(_path(item, "operator.mnc", line), line, "operator.mnc")
    if not rules.MCC_RE.match(mcc):
        raise rules.refuse(
            line, "operator.country.mcc", "mobile country code must be 3 digits, 200-799"
        )
    if not rules.MNC_RE.match(mnc):
        raise rules.refuse(line, "operator.mnc", "mobile network code must be 2 or 3 digits")
    traffic = _path(item, "traffic_type", line, required=False)
    traffic_id = traffic.get("id") if isinstance(traffic, dict) else traffic
    traffic_type = (
        rules.STREAMER_TRAFFIC_TYPES.get(traffic_id, "data") if traffic_id is not None else "data"
    )
    if traffic_id is not None and traffic_id not in rules.STREAMER_TRAFFIC_TYPES:
        raise rules.refuse(line, "traffic_type.id", "unknown traffic type (5 data, 6 SMS)")
    source = _path(item, "id", line, required=False)
    if source is not None and (
        isinstance(source, bool) or not isinstance(source, int) or source < 0
    ):
        raise rules.refuse(line, "id", "must be a non-negative whole number")
    imsi = _path(item, "imsi", line, required=False)
    if imsi is not None and not str(imsi).isdigit():
        raise rules.refuse(line, "imsi", "must contain digits only")
    return UsageRecord(
        source_id=source,
        iccid=iccid,
        started_at=started,
        ended_at=ended,
        # rx is received by the device (down), tx sent by it (up).
        bytes_up=_volume_bytes(_path(item, "volume.tx", line), line, "volume.tx"),
        bytes_down=_volume_bytes(_path(item, "volume.rx", line), line, "volume.rx"),
        mcc=mcc,
        mnc=mnc,
        cell_id=None,
        lac_tac=None,
        rat=None,
        traffic_type=traffic_type,
    )
