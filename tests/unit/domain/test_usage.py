"""The rules every usage record meets (P3): the header, whole numbers, timestamps and their
window, network codes. Each refusal names the line and the field and never repeats the value
(a usage file is traffic data of people)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from varna.domain.errors import InputRefused
from varna.domain.usage import (
    CSV_COLUMNS,
    EARLIEST_USAGE,
    MAX_BYTES,
    UsageWindow,
    check_choice,
    check_header,
    check_mcc_mnc,
    check_span_text,
    not_integer,
    parse_int,
    parse_timestamp,
)

NOW = datetime(2026, 5, 4, 12, 0, 30)  # noqa: DTZ001 - naive UTC, as the records carry it
WINDOW = UsageWindow.at(NOW)


def test_p3_the_header_maps_columns_in_any_order() -> None:
    header = list(reversed(CSV_COLUMNS))
    positions = check_header([f" {name} " for name in header])
    assert positions == {name: index for index, name in enumerate(header)}


@pytest.mark.parametrize(
    ("header", "field", "reason"),
    [
        ([*CSV_COLUMNS, "imsi"], "imsi", "unknown column"),
        ([*CSV_COLUMNS, "iccid"], "iccid", "column appears twice"),
        (["ICCID", *CSV_COLUMNS[2:]], "ICCID", "unknown column"),
    ],
)
def test_p3_a_bad_header_names_the_column_on_line_1(
    header: list[str], field: str, reason: str
) -> None:
    with pytest.raises(InputRefused, match=reason) as refused:
        check_header(header)
    assert (refused.value.line, refused.value.field) == (1, field)


def test_p3_a_header_without_required_columns_names_them_all() -> None:
    with pytest.raises(InputRefused) as refused:
        check_header(["iccid", "started_at", "ended_at", "bytes_up", "mcc"])
    assert refused.value.line == 1
    assert refused.value.reason == "missing required column(s): bytes_down, mnc, traffic_type"


@pytest.mark.parametrize(
    ("text", "integer"),
    [
        ("42", True),
        (" 42 ", True),
        ("+7", True),
        ("-3", True),
        ("1_000", False),
        ("٣", False),
        ("4.0", False),
        ("", False),
        ("0x10", False),
        ("1e3", False),
    ],
)
def test_p3_only_base_10_ascii_whole_numbers_are_numbers(text: str, integer: bool) -> None:
    """P3: what both stores read as an integer, and nothing else (no Arabic-Indic digits, no
    digit-group underscores that Python alone would take)."""
    assert not_integer(text) is not integer


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-1", r"out of range \(0 to"), (str(MAX_BYTES + 1), "out of range"), ("1.5", "whole number")],
)
def test_p3_byte_counts_are_whole_numbers_in_range(text: str, reason: str) -> None:
    with pytest.raises(InputRefused, match=reason) as refused:
        parse_int(text, 7, "bytes_up")
    assert (refused.value.line, refused.value.field) == (7, "bytes_up")
    assert parse_int(str(MAX_BYTES), 7, "bytes_up") == MAX_BYTES


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-05-04 10:00:00", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
        ("2026-05-04T10:00", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
        ("2026-05-04 12:00:00+02:00", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
        ("2026-05-04 12:00:00+0200", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
        ("2026-05-04 10:00:00Z", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
        ("2026-05-04 10:00:00,5", datetime(2026, 5, 4, 10, 0, 0, 500_000)),  # noqa: DTZ001
        ("2026-05-04 05:00:00-05:00", datetime(2026, 5, 4, 10)),  # noqa: DTZ001
    ],
)
def test_p3_timestamps_are_read_as_utc_unless_they_carry_an_offset(
    text: str, moment: datetime
) -> None:
    assert parse_timestamp(text, 2, "started_at", window=WINDOW) == moment


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-05-04", "not a timestamp"),
        ("2026-05-04x10:00:00", "not a timestamp"),  # Python's parser takes any separator
        ("2026-05-04 10:00:00\x00", "not a timestamp"),
        ("2026-02-30 10:00:00", "not a timestamp"),
        ("2026-05-04 24:00:00", "not a timestamp"),
        ("1989-12-31 23:59:59", "before 1990-01-01"),
        ("2026-05-05 12:00:31", "more than a day after the load"),
        ("2026-05-05 14:00:31+02:00", "more than a day after the load"),
    ],
)
def test_p3_a_bad_timestamp_is_refused_by_line_and_field_without_its_value(
    text: str, reason: str
) -> None:
    with pytest.raises(InputRefused, match=reason) as refused:
        parse_timestamp(text, 9, "ended_at", window=WINDOW)
    assert str(refused.value).startswith("line 9, field 'ended_at': ")
    assert text.strip("\x00") not in str(refused.value)


def test_p3_the_window_runs_from_1990_to_a_day_after_the_load_in_utc() -> None:
    """P3: an aware load time is turned into UTC; the window's last second is in it."""
    aware = UsageWindow.at(
        datetime(2026, 5, 4, 14, 0, 30, 999, tzinfo=timezone(timedelta(hours=2)))
    )
    assert aware == WINDOW == UsageWindow(EARLIEST_USAGE, datetime(2026, 5, 5, 12, 0, 30))  # noqa: DTZ001
    assert UsageWindow.at(NOW.replace(tzinfo=UTC)) == WINDOW
    assert WINDOW.text() == ("1990-01-01 00:00:00", "2026-05-05 12:00:30")
    WINDOW.check(WINDOW.latest, 2, "started_at")
    WINDOW.check(EARLIEST_USAGE, 2, "started_at")


@pytest.mark.parametrize(
    ("mcc", "mnc", "field"),
    [
        ("199", "01", "mcc"),
        ("800", "01", "mcc"),
        ("24", "01", "mcc"),
        ("240", "1", "mnc"),
        ("240", "0001", "mnc"),
        ("２４０", "01", "mcc"),
        ("240", "0１", "mnc"),
    ],
)
def test_p3_network_codes_are_ascii_digits_in_range(mcc: str, mnc: str, field: str) -> None:
    with pytest.raises(InputRefused) as refused:
        check_mcc_mnc(mcc, mnc, 4)
    assert (refused.value.line, refused.value.field) == (4, field)
    check_mcc_mnc("240", "01", 4)
    check_mcc_mnc("799", "999", 4)


def test_p3_a_choice_is_exact_and_may_be_left_out() -> None:
    check_choice(None, ("data", "sms"), 3, "rat")
    with pytest.raises(InputRefused, match="must be one of data, sms"):
        check_choice("Data", ("data", "sms"), 3, "traffic_type")


def test_p3_a_record_that_ends_before_it_starts_is_refused() -> None:
    check_span_text("2026-05-04 10:00:00", "2026-05-04 10:00:00", 5)
    with pytest.raises(InputRefused, match="line 5, field 'ended_at': ends before it starts"):
        check_span_text("2026-05-04 10:00:01", "2026-05-04 10:00:00", 5)


@given(text=st.text(min_size=8, max_size=30), line=st.integers(min_value=2, max_value=10**6))
def test_p3_a_refusal_never_repeats_what_was_in_the_field(text: str, line: int) -> None:
    """P3: whatever a field held, the refusal names line and field, not the value."""
    for check in (
        lambda: parse_timestamp(text, line, "started_at", window=WINDOW),
        lambda: parse_int(text, line, "bytes_down"),
        lambda: check_mcc_mnc(text, "01", line),
        lambda: check_choice(text, ("data",), line, "traffic_type"),
    ):
        try:
            check()
        except InputRefused as refused:
            assert refused.line == line and refused.field is not None
            assert text not in str(refused)
