"""The calendar read from the admin's overrides: the functions every deadline uses."""

import datetime
import zoneinfo

import pytest

from danvan.core.models import WorkdayOverride
from danvan.core.workdays import WorkCalendar, add_working_days, add_working_hours, is_working_day

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE_HOURS = ["08:00-12:00", "13:30-17:30"]
D = datetime.date


def at(year, month, day, hour=0, minute=0):
    """Return an aware moment in Hà Nội time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HANOI)


@pytest.mark.django_db
def test_module_functions_follow_the_package_without_overrides():
    assert not is_working_day(D(2026, 2, 17))
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert add_working_hours(at(2026, 3, 6, 16), 8, OFFICE_HOURS) == at(2026, 3, 9, 16)


@pytest.mark.django_db
def test_a_day_off_override_pushes_a_deadline_back():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    WorkdayOverride.objects.create(date=D(2026, 3, 9), kind=WorkdayOverride.Kind.DAY_OFF)
    assert not is_working_day(D(2026, 3, 9))
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


@pytest.mark.django_db
def test_a_working_day_override_on_a_saturday_brings_a_deadline_forward():
    WorkdayOverride.objects.create(date=D(2026, 3, 7), kind=WorkdayOverride.Kind.WORKING_DAY)
    assert is_working_day(D(2026, 3, 7))
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    # Friday 16:00 + 8h: 1h30 Friday, 4h Saturday morning, 2h30 Saturday afternoon.
    assert add_working_hours(at(2026, 3, 6, 16), 8, OFFICE_HOURS) == at(2026, 3, 7, 16)


@pytest.mark.django_db
def test_a_working_day_override_beats_a_package_holiday():
    WorkdayOverride.objects.create(date=D(2026, 2, 20), kind=WorkdayOverride.Kind.WORKING_DAY)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 20)


@pytest.mark.django_db
def test_module_functions_refuse_negative_input():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 4), -1)
    with pytest.raises(ValueError):
        add_working_hours(at(2026, 3, 4, 9), -1)


@pytest.mark.django_db
def test_a_calendar_read_from_the_table_sees_its_overrides():
    WorkdayOverride.objects.create(date=D(2026, 3, 9), kind=WorkdayOverride.Kind.DAY_OFF)
    assert not WorkCalendar.from_db().is_working_day(D(2026, 3, 9))
    assert WorkCalendar(overrides={}).is_working_day(D(2026, 3, 9))
