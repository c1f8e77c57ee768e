"""Working-day arithmetic: weekends, Vietnamese public holidays (lunar Tết included) and overrides.

Holidays come from the `holidays` package; a calendar is given its overrides (extra days off
or make-up working days) as a dict, so nothing here reads the database: `danvan.core.workdays`
builds calendars from the admin's override table. Deadlines in days count from the day after
the start date.
"""

import calendar
import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

MAX_SPAN_DAYS = 3660  # a safety stop: no legal deadline runs ten years

# The kinds of override (the values of core's WorkdayOverride.Kind).
DAY_OFF = "day_off"
WORKING_DAY = "working_day"


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> tuple[frozenset, frozenset]:
    """Return (days off, make-up working weekend days) that the package knows for a year."""
    vn = holidays.country_holidays("VN", years=year)
    return frozenset(vn.keys()), frozenset(getattr(vn, "weekend_workdays", ()) or ())


def _start_date(start: datetime.date | datetime.datetime) -> datetime.date:
    """Return the local calendar date of start (an aware moment is stored in UTC)."""
    if isinstance(start, datetime.datetime):
        return timezone.localdate(start) if timezone.is_aware(start) else start.date()
    return start


def parse_office_hours(ranges: Iterable[str]) -> list[tuple[datetime.time, datetime.time]]:
    """Turn "08:00-12:00" strings into sorted (start, end) pairs."""
    result = []
    for item in ranges:
        start, end = item.split("-")
        begin = datetime.time.fromisoformat(start.strip())
        finish = datetime.time.fromisoformat(end.strip())
        if finish <= begin:
            raise ValueError(f"Office hours end before they start: {item}")
        result.append((begin, finish))
    result.sort()
    for (_, earlier_end), (later_start, _) in zip(result, result[1:], strict=False):
        # Overlapping ranges would count the shared time twice.
        if later_start < earlier_end:
            raise ValueError("Office hours overlap")
    return result


class WorkCalendar:
    """A calendar with a fixed set of overrides, for many computations in a row."""

    def __init__(
        self,
        overrides: dict[datetime.date, str] | None = None,
        office_hours: Iterable[str] | None = None,
    ):
        self.overrides = overrides or {}
        self.office_hours = parse_office_hours(office_hours or settings.OFFICE_HOURS)

    def is_working_day(self, day: datetime.date) -> bool:
        override = self.overrides.get(day)
        if override == DAY_OFF:
            return False
        if override == WORKING_DAY:
            return True
        days_off, weekend_workdays = _holidays_for_year(day.year)
        if day in days_off:
            return False
        if day.weekday() >= 5:
            return day in weekend_workdays
        return True

    def add_working_days(
        self, start: datetime.date | datetime.datetime, days: int
    ) -> datetime.date:
        """Return the date on which a period of `days` working days after `start` ends."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = _start_date(start)
        counted = 0
        for _ in range(MAX_SPAN_DAYS):
            if counted >= days:
                return day
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        raise ValueError("deadline too far away")

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """Return the moment when `hours` of office time after `start` have passed."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        tz = timezone.get_current_timezone()
        moment = timezone.localtime(start, tz) if timezone.is_aware(start) else start
        remaining = datetime.timedelta(hours=hours)
        day = moment.date()
        for _ in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                for begin, finish in self.office_hours:
                    slot_start = datetime.datetime.combine(day, begin, moment.tzinfo)
                    slot_end = datetime.datetime.combine(day, finish, moment.tzinfo)
                    if slot_end <= moment:
                        continue
                    slot_start = max(slot_start, moment)
                    available = slot_end - slot_start
                    if remaining <= available:
                        return slot_start + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
            moment = datetime.datetime.combine(day, datetime.time.min, moment.tzinfo)
        raise ValueError("deadline too far away")


# Calendar months ------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later or earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
