"""Calendar-aligned windows: which period holds a moment, on the team's wall clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.slo.calendar import CalendarWindow, parse_shorthand

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")


def _local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def test_a_calendar_month_runs_from_its_start_time_to_the_same_time_next_month():
    month = CalendarWindow(1, "M", datetime(2022, 1, 1, 12), NEW_YORK)
    start, end = month.period_at(_local(NEW_YORK, 2026, 12, 1, 11, 59))
    assert (start, end) == (_local(NEW_YORK, 2026, 11, 1, 12), _local(NEW_YORK, 2026, 12, 1, 12))
    start, end = month.period_at(_local(NEW_YORK, 2026, 12, 1, 12))
    assert (start, end) == (_local(NEW_YORK, 2026, 12, 1, 12), _local(NEW_YORK, 2027, 1, 1, 12))
    # The guide's "about 43 minutes a month" is 43.2 for 30 days, 44.64 for December's 31.
    assert (end - start) == timedelta(days=31)
    assert month.nominal == timedelta(days=30) and month.text == "1M"


def test_the_month_boundary_is_on_the_zones_wall_clock_whatever_the_callers_zone():
    month = CalendarWindow(1, "M", datetime(2026, 1, 1), SEOUL)
    # 2026-11-30 16:00 UTC is already December 1st, 01:00 in Seoul.
    start, _ = month.period_at(datetime(2026, 11, 30, 16, tzinfo=UTC))
    assert start == _local(SEOUL, 2026, 12, 1)
    start, _ = month.period_at(datetime(2026, 11, 30, 14, 59, tzinfo=UTC))
    assert start == _local(SEOUL, 2026, 11, 1)


def test_a_start_on_the_31st_falls_on_each_months_last_day():
    month = CalendarWindow(1, "M", datetime(2026, 1, 31), SEOUL)
    assert month.period_at(_local(SEOUL, 2026, 2, 28, 12)) == (
        _local(SEOUL, 2026, 2, 28),
        _local(SEOUL, 2026, 3, 31),
    )


def test_quarters_and_years_count_months_from_the_start():
    quarter = CalendarWindow(1, "Q", datetime(2026, 1, 1), SEOUL)
    assert quarter.period_at(_local(SEOUL, 2026, 8, 15)) == (
        _local(SEOUL, 2026, 7, 1),
        _local(SEOUL, 2026, 10, 1),
    )
    year = CalendarWindow(1, "Y", datetime(2020, 1, 1), SEOUL)
    assert year.period_at(_local(SEOUL, 2026, 12, 31, 23, 59))[0] == _local(SEOUL, 2026, 1, 1)
    assert quarter.nominal == timedelta(days=90) and year.nominal == timedelta(days=365)


def test_a_calendar_week_keeps_its_weekday_and_hour_across_a_dst_change():
    week = CalendarWindow(1, "w", datetime(2022, 1, 1, 12), NEW_YORK)  # a Saturday noon
    start, end = week.period_at(_local(NEW_YORK, 2026, 11, 2, 9))  # DST ended Nov 1
    assert start == _local(NEW_YORK, 2026, 10, 31, 12)
    assert end == _local(NEW_YORK, 2026, 11, 7, 12)
    assert end - start == timedelta(days=7, hours=1)  # that week has 169 hours


def test_a_moment_before_the_start_belongs_to_an_earlier_period():
    week = CalendarWindow(2, "w", datetime(2026, 12, 5), SEOUL)
    assert week.period_at(_local(SEOUL, 2026, 11, 30)) == (
        _local(SEOUL, 2026, 11, 21),
        _local(SEOUL, 2026, 12, 5),
    )


def test_hours_are_elapsed_time():
    hours = CalendarWindow(6, "h", datetime(2026, 1, 1), SEOUL)
    start, end = hours.period_at(datetime(2026, 12, 2, 5, 30, tzinfo=UTC))  # 14:30 in Seoul
    assert start == _local(SEOUL, 2026, 12, 2, 12) and end - start == timedelta(hours=6)


@pytest.mark.parametrize("text", ["1 month", "0M", "1y", "M", "1.5M"])
def test_bad_shorthand_is_refused_with_examples(text):
    with pytest.raises(ValueError, match="OpenSLO duration such as 1M"):
        parse_shorthand(text)


def test_hours_count_elapsed_time_across_a_dst_change():
    hours = CalendarWindow(1, "h", datetime(2026, 1, 1), NEW_YORK)
    # 2026-11-01 01:30 happens twice in New York; the hour periods just keep elapsing.
    start, end = hours.period_at(datetime(2026, 11, 1, 6, 45, tzinfo=UTC))  # 01:45 EST
    assert start == datetime(2026, 11, 1, 6, tzinfo=UTC) and end - start == timedelta(hours=1)
