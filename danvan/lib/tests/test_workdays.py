"""Working days and hours: weekends, Tết, make-up days, overrides, office hours."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.lib.workdays import (
    DAY_OFF,
    WORKING_DAY,
    WorkCalendar,
    add_months,
    month_start,
    parse_office_hours,
)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE_HOURS = ["08:00-12:00", "13:30-17:30"]
D = datetime.date


def at(year, month, day, hour=0, minute=0):
    """Return an aware moment in Hà Nội time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def calendar():
    """A calendar with no overrides and the usual office hours (no database needed)."""
    return WorkCalendar(office_hours=OFFICE_HOURS)


# Weekends and public holidays


def test_weekdays_are_working_days_and_weekends_are_not(calendar):
    # 2 to 8 March 2026: Monday to Sunday, no holiday.
    week = [D(2026, 3, d) for d in range(2, 9)]
    assert [calendar.is_working_day(day) for day in week] == [True] * 5 + [False] * 2


def test_tet_2026_is_off(calendar):
    assert calendar.is_working_day(D(2026, 2, 13))  # Friday before Tết
    for day in range(16, 21):  # Monday 16 to Friday 20 February
        assert not calendar.is_working_day(D(2026, 2, day)), day
    assert calendar.is_working_day(D(2026, 2, 23))  # first Monday after


def test_tet_2027_is_off(calendar):
    assert calendar.is_working_day(D(2027, 2, 3))
    for day in range(4, 11):  # Thursday 4 to Wednesday 10 February
        assert not calendar.is_working_day(D(2027, 2, day)), day
    assert calendar.is_working_day(D(2027, 2, 11))


def test_national_day_2026_is_off(calendar):
    assert not calendar.is_working_day(D(2026, 9, 1))
    assert not calendar.is_working_day(D(2026, 9, 2))


def test_saturday_22_august_2026_is_a_make_up_working_day(calendar):
    assert calendar.is_working_day(D(2026, 8, 22))
    assert not calendar.is_working_day(D(2026, 8, 23))  # the Sunday stays off
    # It makes up for Monday 31 August, taken off to join the National Day holiday.
    assert not calendar.is_working_day(D(2026, 8, 31))


def test_make_up_saturday_counts_towards_a_deadline(calendar):
    # Friday 21 August 2026 + 1: the make-up Saturday, not Monday.
    assert calendar.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert calendar.add_working_days(D(2026, 8, 21), 2) == D(2026, 8, 24)


# Working days


def test_zero_days_is_the_start_date(calendar):
    assert calendar.add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)


def test_days_count_from_the_day_after_the_start(calendar):
    # Wednesday 4 March 2026 + 1 working day is Thursday 5 March.
    assert calendar.add_working_days(D(2026, 3, 4), 1) == D(2026, 3, 5)


def test_a_deadline_skips_the_weekend(calendar):
    # Friday 6 March 2026 + 1 is Monday 9; + 5 is Friday 13.
    assert calendar.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert calendar.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)


def test_five_working_days_from_the_friday_before_tet_2026_end_after_tet(calendar):
    # Friday 13 Feb; 14-15 weekend, 16-20 Tết, 21-22 weekend; then 23, 24, 25, 26, 27.
    assert calendar.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_ten_working_days_across_tet_2027(calendar):
    # Monday 1 Feb 2027: 2, 3 count; 4-10 Tết; 11, 12; 15-19; 22 is the tenth.
    assert calendar.add_working_days(D(2027, 2, 1), 10) == D(2027, 2, 22)


def test_a_datetime_start_counts_from_its_local_date(calendar):
    # 20:00 UTC on Thursday is 03:00 on Friday in Hà Nội: one day later is Monday.
    start = datetime.datetime(2026, 3, 5, 20, 0, tzinfo=datetime.UTC)
    assert calendar.add_working_days(start, 1) == D(2026, 3, 9)
    assert calendar.add_working_days(at(2026, 3, 6, 3), 1) == D(2026, 3, 9)


def test_negative_days_raise_value_error(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 3, 4), -1)


# Working hours


def test_eight_working_hours_from_friday_afternoon_end_on_monday(calendar):
    # Friday 6 March 2026, 16:00: 1h30 on Friday, 4h Monday morning, 2h30 after lunch.
    assert calendar.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 9, 16)


def test_working_hours_skip_the_lunch_break(calendar):
    # Tuesday 10 March, 11:00 + 2h: one hour before lunch, one after 13:30.
    assert calendar.add_working_hours(at(2026, 3, 10, 11), 2) == at(2026, 3, 10, 14, 30)


def test_a_start_during_lunch_counts_from_the_afternoon(calendar):
    assert calendar.add_working_hours(at(2026, 3, 10, 12, 30), 1) == at(2026, 3, 10, 14, 30)


def test_a_start_after_hours_counts_from_the_next_morning(calendar):
    assert calendar.add_working_hours(at(2026, 3, 10, 19), 4) == at(2026, 3, 11, 12)


def test_working_hours_ending_exactly_at_closing_time(calendar):
    assert calendar.add_working_hours(at(2026, 3, 10, 13, 30), 4) == at(2026, 3, 10, 17, 30)


def test_working_hours_cross_tet_2026(calendar):
    # Friday 13 Feb 16:00; the next working day is Monday 23 Feb.
    assert calendar.add_working_hours(at(2026, 2, 13, 16), 8) == at(2026, 2, 23, 16)


def test_working_hours_cross_tet_2027(calendar):
    # Wednesday 3 Feb 2027, 16:00 + 2h: 1h30 that day, 30 minutes on Thursday 11 Feb.
    assert calendar.add_working_hours(at(2027, 2, 3, 16), 2) == at(2027, 2, 11, 8, 30)


def test_working_hours_accept_a_utc_start(calendar):
    # 09:00 UTC is 16:00 in Hà Nội.
    start = datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC)
    end = calendar.add_working_hours(start, 8)
    assert end == at(2026, 3, 9, 16)
    assert end.utcoffset() == datetime.timedelta(hours=7)


def test_fractional_hours(calendar):
    assert calendar.add_working_hours(at(2026, 3, 10, 8), 0.5) == at(2026, 3, 10, 8, 30)


def test_negative_hours_raise_value_error(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_hours(at(2026, 3, 10, 8), -0.5)


def test_office_hours_that_overlap_are_refused():
    with pytest.raises(ValueError):
        parse_office_hours(["08:00-12:00", "11:00-13:00"])
    with pytest.raises(ValueError):
        parse_office_hours(["12:00-08:00"])


# Monotonic: a later start never gives an earlier deadline, whatever the overrides.

dates = st.dates(min_value=D(2025, 12, 1), max_value=D(2027, 12, 31))
overrides = st.dictionaries(dates, st.sampled_from([DAY_OFF, WORKING_DAY]), max_size=10)
# Hypothesis takes naive bounds and adds the zone itself.
moments = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(HANOI),
)


@settings(max_examples=200, deadline=None)
@given(first=dates, second=dates, days=st.integers(0, 40), extra=overrides)
def test_a_later_start_date_never_gives_an_earlier_deadline(first, second, days, extra):
    calendar = WorkCalendar(overrides=extra, office_hours=OFFICE_HOURS)
    early, late = sorted([first, second])
    assert calendar.add_working_days(early, days) <= calendar.add_working_days(late, days)


@settings(max_examples=200, deadline=None)
@given(first=moments, second=moments, hours=st.floats(0, 80), extra=overrides)
def test_a_later_start_moment_never_gives_an_earlier_deadline(first, second, hours, extra):
    calendar = WorkCalendar(overrides=extra, office_hours=OFFICE_HOURS)
    early, late = sorted([first, second])
    assert calendar.add_working_hours(early, hours) <= calendar.add_working_hours(late, hours)


@settings(max_examples=200, deadline=None)
@given(start=dates, days=st.integers(1, 40), extra=overrides)
def test_a_deadline_in_days_is_a_working_day_after_the_start(start, days, extra):
    calendar = WorkCalendar(overrides=extra, office_hours=OFFICE_HOURS)
    end = calendar.add_working_days(start, days)
    assert end > start
    assert calendar.is_working_day(end)


@settings(max_examples=200, deadline=None)
@given(start=moments, hours=st.floats(0.01, 80), extra=overrides)
def test_a_deadline_in_hours_falls_within_office_hours(start, hours, extra):
    calendar = WorkCalendar(overrides=extra, office_hours=OFFICE_HOURS)
    end = calendar.add_working_hours(start, hours)
    assert end > start
    assert calendar.is_working_day(end.date())
    slots = [(datetime.time(8), datetime.time(12)), (datetime.time(13, 30), datetime.time(17, 30))]
    assert any(begin < end.time() <= finish for begin, finish in slots)


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 12, 1), 25) == datetime.date(2029, 1, 1)
    assert month_start(datetime.date(2026, 5, 17)) == datetime.date(2026, 5, 1)
