"""Reading usage CSV lines (P3): the canonical row, refusals by line and field that never
repeat a value, and the fast path that must agree with the careful one."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from varna.domain.errors import InputRefused
from varna.domain.usage import CSV_COLUMNS, UsageRecord, UsageWindow
from varna.domain.usage_csv import UNKNOWN_SIM, UsageCsvReader, record_row

ICCID = "89469900000000000017"
OTHER = "89469900000000000025"
NOW = datetime(2026, 5, 4, 12)  # noqa: DTZ001 - naive UTC
WINDOW = UsageWindow.at(NOW)
HEADER = ",".join(CSV_COLUMNS)
GOOD = f"17,{ICCID},2026-05-01 10:00:00,2026-05-01 10:05:00,100,2000,240,01,4711,42,4G,data"


def reader(header: str = HEADER) -> UsageCsvReader:
    return UsageCsvReader(header, {ICCID: "3"}, WINDOW)


def refusal(line: str, header: str = HEADER) -> InputRefused:
    with pytest.raises(InputRefused) as refused:
        list(reader(header).rows([GOOD, "", line]))
    return refused.value


def test_p3_a_line_becomes_the_canonical_row_with_the_sim_id() -> None:
    assert list(reader().rows([GOOD])) == [
        (
            2,
            (
                "17",
                "3",
                "2026-05-01 10:00:00",
                "2026-05-01 10:05:00",
                "100",
                "2000",
                "240",
                "01",
                "4711",
                "42",
                "4G",
                "data",
            ),
        ),
    ]


def test_p3_other_forms_are_made_canonical() -> None:
    """P3: blanks trimmed, leading zeros and signs of numbers dropped, an offset turned into
    UTC, fractions of a second cut, empty optional fields None; columns in any order."""
    header = "traffic_type,iccid,started_at,ended_at,bytes_up,bytes_down,mcc,mnc,rat,cell_id"
    line = f" sms , {ICCID} ,2026-05-01T12:00:00.9+02:00,2026-05-01 10:00:01Z,007,+0,240,001,,"
    [(number, row)] = list(reader(header).rows([line], first_line=5))
    assert number == 5
    assert row == (
        None,
        "3",
        "2026-05-01 10:00:00",
        "2026-05-01 10:00:01",
        "7",
        "0",
        "240",
        "001",
        None,
        None,
        None,
        "sms",
    )


def test_p3_blank_lines_are_skipped_but_counted() -> None:
    rows = list(reader().rows(["", GOOD, "  ", GOOD]))
    assert [number for number, _ in rows] == [3, 5]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (GOOD.replace(ICCID, OTHER), "iccid", UNKNOWN_SIM),
        (GOOD.replace(",100,", ",,"), "bytes_up", "a value is required"),
        (GOOD.replace(",2000,", ",-2000,"), "bytes_down", "out of range"),
        (GOOD.replace("2026-05-01 10:00:00", ""), "started_at", "a value is required"),
        (GOOD.replace("10:05:00", "09:59:59"), "ended_at", "ends before it starts"),
        (GOOD.replace(",240,", ",999,"), "mcc", "3 digits, 200-799"),
        (GOOD.replace(",4G,", ",6G,"), "rat", "must be one of"),
        (GOOD.replace(",data", ",mms"), "traffic_type", "must be one of"),
        (GOOD.replace("17,", "1000000000000000000,", 1), "source_id", "out of range"),
        (GOOD.replace(",42,", ",2147483648,"), "lac_tac", "out of range"),
        (GOOD.replace(",4711,", ",47.11,"), "cell_id", "not a whole number"),
    ],
)
def test_p3_a_bad_line_is_refused_by_its_number_and_field(
    line: str, field: str, reason: str
) -> None:
    refused = refusal(line)
    assert (refused.line, refused.field) == (4, field)
    assert reason in refused.reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (GOOD + ",extra", "has 13 fields, the header has 12"),
        ("1,2,3", "has 3 fields, the header has 12"),
        (GOOD + "," + "x" * 70_000, "longer than 65,536 characters"),
        (GOOD.replace("data", "da\rta"), "not a CSV line"),  # a lone carriage return
    ],
)
def test_p3_a_line_that_is_no_record_is_refused_by_its_number(line: str, reason: str) -> None:
    refused = refusal(line)
    assert refused.line == 4 and refused.field is None
    assert reason in refused.reason


def test_p3_a_refusal_never_repeats_the_iccid_or_other_values() -> None:
    """P3: the ICCID of an unregistered SIM, a wrong timestamp: named, never quoted."""
    for line in (GOOD.replace(ICCID, OTHER), GOOD.replace("2026-05-01 10:05:00", "05/01/2026")):
        text = str(refusal(line))
        assert OTHER not in text and "05/01/2026" not in text and ICCID not in text


@pytest.mark.parametrize(
    ("header", "reason"),
    [("", "the file is empty"), (HEADER.replace("mnc", "mnk"), "unknown column")],
)
def test_p3_a_file_without_a_usable_header_is_refused_on_line_1(header: str, reason: str) -> None:
    with pytest.raises(InputRefused, match=reason) as refused:
        reader(header)
    assert refused.value.line == 1


def test_p3_the_fast_path_replaces_iccids_and_splits_the_block_by_month() -> None:
    april = GOOD.replace("2026-05-01 10:00:00", "2026-04-30 23:59:59")
    found = reader().with_sim_ids(GOOD + "\n" + april + "\n")
    assert found is not None and set(found) == {"2026-05", "2026-04"}
    assert all(ICCID not in text for text in found.values())
    assert found["2026-05"] == GOOD.replace(ICCID, "3") + "\n"
    assert found["2026-04"] == april.replace(ICCID, "3") + "\n"


@pytest.mark.parametrize(
    "block",
    [
        GOOD.replace(ICCID, OTHER) + "\n",  # an unknown SIM: the careful path says so
        GOOD.replace("4G", "4g") + "\n",
        GOOD + "\n" + GOOD,  # the last line has no newline
        GOOD.replace("10:00:00", "10:00:00Z") + "\n",
        # PostgreSQL would read these as the next moment; the careful path refuses them
        GOOD.replace("2026-05-01 10:05:00", "2026-05-01 24:00:00") + "\n",
        GOOD.replace("10:05:00", "10:60:00") + "\n",
        GOOD.replace("10:05:00", "10:05:60") + "\n",
    ],
)
def test_p3_the_fast_path_leaves_every_other_block_to_the_careful_one(block: str) -> None:
    assert reader().with_sim_ids(block) is None


def test_p3_an_already_validated_record_keeps_its_values_and_names_the_sim_field() -> None:
    record = UsageRecord(
        None,
        ICCID,
        datetime(2026, 5, 1, 10),
        datetime(2026, 5, 1, 10, 0, 1),  # noqa: DTZ001
        1,
        2,
        "240",
        "01",
        None,
        7,
        "NB-IoT",
        "sms",
    )
    assert record_row(record, {ICCID: "3"}, 9) == (
        None,
        "3",
        "2026-05-01 10:00:00",
        "2026-05-01 10:00:01",
        "1",
        "2",
        "240",
        "01",
        None,
        "7",
        "NB-IoT",
        "sms",
    )
    with pytest.raises(InputRefused) as refused:
        record_row(record, {}, 9)
    assert (refused.value.line, refused.value.field) == (9, "sim.iccid")


GOOD_FIELDS = dict(zip(CSV_COLUMNS, GOOD.split(","), strict=True))
FIELD_VARIANTS = {
    "source_id": ["", "007", "-1", "1" * 19, " 5"],
    "iccid": [OTHER, ICCID[:-1], f" {ICCID}"],
    # real moments only: whether "30 February" is one, and whether a record ends before it
    # starts, the store checks as it loads a block of the fast path (a type, a constraint)
    "started_at": [
        "1989-12-31 23:59:59",
        "2026-05-01 10:04:59",
        "2026-05-01T10:00:00",
        "2026-05-01 10:00:00.5",
        "1990-01-01 00:00:00",
    ],
    "ended_at": ["2026-05-05 12:00:00", "2026-05-05 12:00:01", "2026-05-01 10:05:00+00:00"],
    "bytes_up": ["0", "", "1" * 16, "1e3", "999999999999999"],
    "bytes_down": ["-2000", "0", "+1"],
    "mcc": ["199", "800", "24", "799"],
    "mnc": ["001", "1", "0001"],
    "cell_id": ["", "4.5", "1" * 18, "1" * 19],
    "lac_tac": ["", "2147483647", "2147483648", "999999999"],
    "rat": ["", "LTE-M", "4g", "NB-IoT"],
    "traffic_type": ["sms", "voice", "Data", ""],
}
NUMBERS = {"source_id", "bytes_up", "bytes_down", "cell_id", "lac_tac"}


@st.composite
def lines(draw: st.DrawFn) -> dict[str, str]:
    """The good line with one to three of its fields changed."""
    changed = draw(
        st.lists(st.sampled_from(sorted(FIELD_VARIANTS)), min_size=1, max_size=3, unique=True)
    )
    return GOOD_FIELDS | {name: draw(st.sampled_from(FIELD_VARIANTS[name])) for name in changed}


READER = reader()


@settings(max_examples=100)
@given(line=lines())
def test_p3_the_fast_and_careful_paths_agree_on_every_line(line: dict[str, str]) -> None:
    """P3: a line the block pattern takes is one the careful path takes, with the same row
    (the store reads numbers as numbers); the careful path decides every other line."""
    text = ",".join(line[name] for name in CSV_COLUMNS)
    csv = READER
    try:
        [(_, careful)] = list(csv.rows([text]))
    except InputRefused:
        careful = None
    fast = csv.with_sim_ids(text + "\n")
    if fast is not None:
        assert careful is not None, text
        [line] = fast.values()
        fields = line.rstrip("\n").split(",")
        for name, quick, value in zip(CSV_COLUMNS, fields, careful, strict=True):
            if name in NUMBERS:
                assert (int(quick) if quick else None) == (None if value is None else int(value))
            else:
                assert quick == ("" if value is None else value), name
