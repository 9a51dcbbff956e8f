"""Ingest of usage records from the connectivity platforms (CSV and streamer NDJSON).

One file, one transaction: the records, the audit event and nothing else. A bad line
refuses the whole file; records that carry a source id are stored once (at-least-once
delivery from the streamers means replays). Both formats are UTF-8 text (a byte-order mark
at the start is skipped), hold lines of at most ``MAX_LINE_CHARS`` and timestamps inside the
:class:`~varna.domain.usage.UsageWindow` of the moment of the load.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from varna.domain import usage as rules
from varna.domain.audit import AuditAction
from varna.domain.errors import InputRefused, InvalidIdentifier
from varna.domain.identifiers import iccid as valid_iccid
from varna.domain.usage import MAX_LINE_CHARS, UsageRecord, UsageWindow
from varna.services.context import ServiceContext
from varna.services.ports import AuditEvent, ProgressHook, UnitOfWork

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
    ctx: ServiceContext[UnitOfWork],
    path: Path,
    *,
    actor: str,
    file_format: Format | None = None,
    progress: ProgressHook | None = None,
) -> IngestSummary:
    """Load one usage file; nothing is stored unless every line is valid."""
    uow, clock = ctx.uow(), ctx.clock
    fmt = file_format or detect_format(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputRefused(f"cannot read the file: {exc.strerror}") from None
    window = UsageWindow.at(clock.now())
    try:
        with uow as work:
            if fmt == "csv":
                stored = work.usage.load_csv_file(path, window=window, progress=progress)
            else:
                records = read_ndjson(path, progress, window=window)
                stored = work.usage.load_records(records, progress=progress)
            work.audit.record(
                AuditEvent(
                    actor=actor,
                    action=AuditAction.USAGE_INGESTED,
                    target=None,
                    details={"file": path.name, "format": fmt, "rows": stored, "bytes": size},
                ),
                at=clock.now(),
            )
            work.commit()
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except OSError as exc:
        raise InputRefused(f"cannot read the file: {exc.strerror}") from None
    return IngestSummary(rows=stored, format=fmt, file_bytes=size)


def not_utf8(path: Path) -> InputRefused:
    """The refusal of a file that is not UTF-8 text, naming the line of its first byte
    that is not."""
    refused = "not UTF-8 text; save the file as UTF-8"
    with path.open("rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return InputRefused("the file is UTF-16 text; save it as UTF-8", line=1)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        for piece in iter(lambda: handle.read(1 << 16), b""):
            pending = decoder.getstate()[0]
            try:
                decoder.decode(piece)
            except UnicodeDecodeError as exc:
                return InputRefused(refused, line=line + (pending + piece)[: exc.start].count(10))
            line += piece.count(10)
    return InputRefused(refused, line=line)


def read_ndjson(
    path: Path, progress: ProgressHook | None = None, *, window: UsageWindow
) -> Iterator[tuple[int, UsageRecord]]:
    """Streamer records (emnify / 1NCE usage shape), one JSON object per line."""
    too_long = f"longer than {MAX_LINE_CHARS:,} characters; not a usage record"
    with path.open("rb") as handle:
        line_number = 0
        while raw := handle.readline(4 * MAX_LINE_CHARS + 1):
            line_number += 1
            if progress is not None:
                progress(len(raw))
            if len(raw) > 4 * MAX_LINE_CHARS:
                raise InputRefused(too_long, line=line_number)
            text = raw.decode("utf-8-sig" if line_number == 1 else "utf-8")
            if not text.strip():
                continue
            if len(text) > MAX_LINE_CHARS:
                raise InputRefused(too_long, line=line_number)
            try:
                item = json.loads(text)
            except RecursionError:
                raise InputRefused("nested too deeply", line=line_number) from None
            except ValueError:
                raise InputRefused("not a JSON object", line=line_number) from None
            if not isinstance(item, dict):
                raise InputRefused("not a JSON object", line=line_number)
            yield line_number, streamer_record(item, line_number, window)


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


def streamer_record(item: dict[str, Any], line: int, window: UsageWindow) -> UsageRecord:
    """Map one streamer usage record onto varna's record, checking every field as the CSV
    path checks it."""
    try:
        iccid = valid_iccid(_text(_path(item, "sim.iccid", line), line, "sim.iccid"))
    except InvalidIdentifier as exc:
        raise rules.refuse(line, "sim.iccid", exc.reason) from None
    started = rules.parse_timestamp(
        _text(_path(item, "start_timestamp", line), line, "start_timestamp"),
        line,
        "start_timestamp",
        window=window,
    )
    ended = rules.parse_timestamp(
        _text(_path(item, "end_timestamp", line), line, "end_timestamp"),
        line,
        "end_timestamp",
        window=window,
    )
    if ended < started:
        raise rules.refuse(line, "end_timestamp", "ends before it starts")
    mcc = _text(_path(item, "operator.country.mcc", line), line, "operator.country.mcc")
    mnc = _text(_path(item, "operator.mnc", line), line, "operator.mnc")
    if not rules.MCC_RE.fullmatch(mcc):
        raise rules.refuse(
            line, "operator.country.mcc", "mobile country code must be 3 digits, 200-799"
        )
    if not rules.MNC_RE.fullmatch(mnc):
        raise rules.refuse(line, "operator.mnc", "mobile network code must be 2 or 3 digits")
    traffic = _path(item, "traffic_type", line, required=False)
    traffic_id = traffic.get("id") if isinstance(traffic, dict) else traffic
    traffic_type = "data"
    if traffic_id is not None:
        if isinstance(traffic_id, bool) or not isinstance(traffic_id, int):
            raise rules.refuse(line, "traffic_type.id", "unknown traffic type (5 data, 6 SMS)")
        if traffic_id not in rules.STREAMER_TRAFFIC_TYPES:
            raise rules.refuse(line, "traffic_type.id", "unknown traffic type (5 data, 6 SMS)")
        traffic_type = rules.STREAMER_TRAFFIC_TYPES[traffic_id]
    source = _path(item, "id", line, required=False)
    if source is not None and (
        isinstance(source, bool)
        or not isinstance(source, int)
        or not 0 <= source <= rules.MAX_SOURCE_ID
    ):
        raise rules.refuse(
            line, "id", f"must be a whole number from 0 to {rules.MAX_SOURCE_ID} (18 digits)"
        )
    imsi = _path(item, "imsi", line, required=False)
    if imsi is not None and not (str(imsi).isascii() and str(imsi).isdigit()):
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
