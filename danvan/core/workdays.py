"""The working-day calendar as the admin set it: lib's arithmetic over the override table."""

import datetime
from collections.abc import Iterable

from danvan.core.models import WorkdayOverride
from danvan.lib import workdays


class WorkCalendar(workdays.WorkCalendar):
    """A calendar that can also be read from the admin's calendar overrides."""

    @classmethod
    def from_db(cls, office_hours: Iterable[str] | None = None) -> "WorkCalendar":
        rows = WorkdayOverride.objects.values_list("date", "kind")
        return cls(overrides=dict(rows), office_hours=office_hours)


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar.from_db().is_working_day(day)


def add_working_days(start: datetime.date | datetime.datetime, days: int) -> datetime.date:
    return WorkCalendar.from_db().add_working_days(start, days)


def add_working_hours(
    start: datetime.datetime, hours: float, office_hours: Iterable[str] | None = None
) -> datetime.datetime:
    return WorkCalendar.from_db(office_hours=office_hours).add_working_hours(start, hours)
