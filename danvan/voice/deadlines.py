"""Legal clocks: which dated rule applies to a step of a case, and when it ends."""

import datetime

from django.utils import timezone

from danvan.core.workdays import WorkCalendar
from danvan.voice.models import DeadlineRule


def find_rule(kind: str, urgency: str, step: str, on: datetime.date) -> DeadlineRule | None:
    """The rule in force on a date for a kind and step; one for the urgency beats a general one."""
    rules = list(
        DeadlineRule.objects.in_force(on).filter(kind=kind, step=step, urgency__in=[urgency, ""])
    )
    rules.sort(key=lambda r: (r.urgency != urgency, -r.effective_from.toordinal()))
    return rules[0] if rules else None


def _end_of_office_day(day: datetime.date, calendar: WorkCalendar) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    closing = calendar.office_hours[-1][1] if calendar.office_hours else datetime.time(17, 0)
    return datetime.datetime.combine(day, closing, tz)


def deadline_for(
    rule: DeadlineRule, start: datetime.datetime, calendar: WorkCalendar | None = None
) -> datetime.datetime:
    """When a period of the rule's length, starting at `start`, ends (to the whole minute)."""
    end = _period_end(rule, start, calendar or WorkCalendar.from_db())
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return end


def _period_end(
    rule: DeadlineRule, start: datetime.datetime, calendar: WorkCalendar
) -> datetime.datetime:
    local = timezone.localtime(start)
    if rule.unit == DeadlineRule.Counted.WORKING_HOURS:
        return calendar.add_working_hours(local, rule.amount)
    if rule.unit == DeadlineRule.Counted.WORKING_DAYS:
        return _end_of_office_day(calendar.add_working_days(local, rule.amount), calendar)
    day = local.date() + datetime.timedelta(days=rule.amount)
    return datetime.datetime.combine(day, datetime.time(23, 59), local.tzinfo)
