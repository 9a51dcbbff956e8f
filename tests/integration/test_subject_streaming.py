"""A written register extract streams its large tables (D1): the files hold the same data as
the extract built in memory, with every timestamp in ISO 8601 as stored, on SQLite and
PostgreSQL. Data from tests/subject_factories.py (synthetic)."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.conftest import TEST_SECRET, keystore_url_for, reset_postgres_of
from tests.subject_factories import NOW, build_world, subject_context
from varna.adapters.db.tables import sims, usage_records
from varna.adapters.extract import write_extract
from varna.bootstrap import Container, build
from varna.config import Settings
from varna.domain.subjects.keys import normalise
from varna.services.subjects import extract as extract_module
from varna.services.subjects.extract import StreamedRows, build_extract

SECRET = b"test-secret"
TEXT_FILES = ("extract.json", "extract.sv.html", "extract.en.html")


class FixedClock:
    def now(self) -> Any:
        return NOW


def _extract(container: Container, out: Path | None) -> Any:
    keys = (normalise("email", "anna.berg@example.com", today=date(2026, 11, 1)),)
    write = None if out is None else (lambda bundle: _write(bundle, out))
    return build_extract(
        subject_context(container, clock=FixedClock(), secret=SECRET),
        keys,
        actor="test",
        write=write,
    )


def _write(bundle: dict[str, Any], out: Path) -> list[type]:
    write_extract(bundle, out, ("json", "csv", "html"))
    blocks = [b for blocks in bundle["data"].values() for b in blocks]
    return [type(b["rows"]) for b in blocks if b["table"] == "usage_records"]


def _csv(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_d1_a_streamed_extract_writes_the_same_data(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(container, usage_per_sim=30)  # Anna's two SIMs: 60 usage records
    anna = select(sims.c.id).where(sims.c.iccid.in_(world.anna_iccids))
    mine = select(usage_records.c.id, usage_records.c.started_at).where(
        usage_records.c.sim_id.in_(anna)
    )
    with container.engine.begin() as conn:  # a fraction of a second (SQLite keeps seconds)
        first = conn.execute(mine.order_by(usage_records.c.id).limit(1)).one()
        later = first.started_at + timedelta(microseconds=250_000)
        row = usage_records.c.id == first.id
        conn.execute(update(usage_records).where(row).values(started_at=later))
    in_memory = _extract(container, None).bundle
    write_extract(in_memory, tmp_path / "held", ("json", "csv", "html"))

    monkeypatch.setattr(extract_module, "STREAM_ABOVE", 20)  # usage streams, the rest is held
    streamed = _extract(container, tmp_path / "streamed")

    assert streamed.written == [StreamedRows, StreamedRows]  # traffic and location data
    for name in TEXT_FILES:
        held = (tmp_path / "held" / name).read_text("utf-8")
        assert (tmp_path / "streamed" / name).read_text("utf-8") == held, name
    assert _csv(tmp_path / "streamed" / "extract-csv.zip") == _csv(
        tmp_path / "held" / "extract-csv.zip"
    )
    bundle = json.loads((tmp_path / "streamed" / "extract.json").read_text("utf-8"))
    assert bundle["schema"] == "varna.extract/v1"
    assert bundle == json.loads(json.dumps(in_memory, default=str))
    with container.engine.connect() as conn:
        stored = dict(conn.execute(mine).all())
    (block,) = [b for b in bundle["data"]["traffic_data"] if b["table"] == "usage_records"]
    at = block["fields"].index("started_at")
    assert len(block["rows"]) == 60 == len(stored)
    assert {row[0]: row[at] for row in block["rows"]} == {
        record_id: started.isoformat() for record_id, started in stored.items()
    }


def test_d1_a_sims_usage_comes_together_in_time_order(container: Container) -> None:
    """Each SIM's usage records together and by start (the factories number them newest
    first, so this is not the order of their ids)."""
    world = build_world(container, usage_per_sim=12)
    anna = select(sims.c.id).where(sims.c.iccid.in_(world.anna_iccids))
    with container.engine.connect() as conn:
        stored = conn.execute(
            select(usage_records.c.id, usage_records.c.sim_id, usage_records.c.started_at).where(
                usage_records.c.sim_id.in_(anna)
            )
        ).all()
    expected = [row.id for row in sorted(stored, key=lambda r: (r.sim_id, r.started_at))]
    by_id = [row.id for row in sorted(stored, key=lambda r: (r.sim_id, r.id))]
    (block,) = [
        b
        for b in _extract(container, None).bundle["data"]["traffic_data"]
        if b["table"] == "usage_records"
    ]
    assert len(expected) == 24 and expected != by_id
    assert [row[0] for row in block["rows"]] == expected


@pytest.mark.postgres
def test_d1_timestamps_are_iso_8601_whatever_the_servers_date_style(
    pg_database_url: str,
) -> None:
    """The server writes the extract's timestamps as text: a session asked for another
    DateStyle (here through the URL) still gets ISO 8601."""
    german = f"{pg_database_url}?options=-c%20DateStyle%3DGerman"
    container = build(
        Settings(database_url=german, secret_key=TEST_SECRET, keystore_url=keystore_url_for(german))  # type: ignore[arg-type]
    )
    try:
        reset_postgres_of(container)
        container.upgrade_schema()
        world = build_world(container, usage_per_sim=3)
        anna = select(sims.c.id).where(sims.c.iccid.in_(world.anna_iccids))
        with container.engine.connect() as conn:
            stored = dict(
                conn.execute(
                    select(usage_records.c.id, usage_records.c.started_at).where(
                        usage_records.c.sim_id.in_(anna)
                    )
                ).all()
            )
        (block,) = [
            b
            for b in _extract(container, None).bundle["data"]["traffic_data"]
            if b["table"] == "usage_records"
        ]
        at = block["fields"].index("started_at")
        assert {row[0]: row[at] for row in block["rows"]} == {
            record_id: started.isoformat() for record_id, started in stored.items()
        }
    finally:
        container.close()
