"""Legal clocks and limitation periods: which dated rule applies, what it counts from, and
when it ends.

A clock counts from the event its rule names (`DeadlineRule.starts_from`), read from the case
(`clock_start`); a period in calendar days whose last day is a day off ends on the next
working day where its rule says so (Bộ luật Dân sự 2015, Điều 148), make-up working days
included. A limitation period (thời hiệu) counts from the day the citizen knew of the
decision or act, without the days lost to obstacles where its rule says so.
"""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone

from danvan.core.workdays import WorkCalendar
from danvan.voice.models import Case, ClockEvent, DeadlineRule, LimitationRule

Start = DeadlineRule.Start
_found: ContextVar[dict | None] = ContextVar("voice_rules_found", default=None)


@contextmanager
def cached_rules() -> Iterator[None]:
    """Within the block, each rule is looked up once (a recomputation of many cases)."""
    token = _found.set({})
    try:
        yield
    finally:
        _found.reset(token)


def _cached(key: tuple, find):
    found = _found.get()
    if found is None:
        return find()
    if key not in found:
        found[key] = find()
    return found[key]


def find_rule(kind: str, urgency: str, step: str, on: datetime.date) -> DeadlineRule | None:
    """The rule in force on a date for a kind and step; one for the urgency beats a general one."""
    return _cached(("clock", kind, urgency, step, on), lambda: _find_rule(kind, urgency, step, on))


def _find_rule(kind: str, urgency: str, step: str, on: datetime.date) -> DeadlineRule | None:
    rules = list(
        DeadlineRule.objects.in_force(on).filter(kind=kind, step=step, urgency__in=[urgency, ""])
    )
    rules.sort(key=lambda r: (r.urgency != urgency, -r.effective_from.toordinal()))
    return rules[0] if rules else None


def _end_of_office_day(day: datetime.date, calendar: WorkCalendar) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    closing = calendar.office_hours[-1][1] if calendar.office_hours else datetime.time(17, 0)
    return datetime.datetime.combine(day, closing, tz)


def next_working_day(day: datetime.date, calendar: WorkCalendar) -> datetime.date:
    """The day itself if it is a working day, else the first working day after it."""
    for _ in range(366):
        if calendar.is_working_day(day):
            return day
        day += datetime.timedelta(days=1)
    raise ValueError("no working day within a year")


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
    # Calendar days: the first day is the one after the start (BLDS 2015, Điều 147), the
    # period ends at the end of its last day (Điều 148), a day off moving it on.
    day = local.date() + datetime.timedelta(days=rule.amount)
    if rule.next_working_day:
        day = next_working_day(day, calendar)
    return datetime.datetime.combine(day, datetime.time(23, 59), local.tzinfo)


# Where a clock starts


def receipt_of(case: Case) -> tuple[datetime.datetime, str]:
    """When the unit now responsible received the case, and by which event: the citizen's
    request, its missing details completing it, or a forward from another unit."""
    moments = [(case.received_at, ClockEvent.RECEIPT.value)]
    if case.details_completed_at is not None:
        moments.append((case.details_completed_at, ClockEvent.DETAILS.value))
    if case.forwarded_at is not None:
        moments.append((case.forwarded_at, ClockEvent.FORWARD.value))
    return max(moments, key=lambda pair: pair[0])


def clock_start(case: Case, rule: DeadlineRule) -> tuple[datetime.datetime | None, str]:
    """The moment the rule's clock counts from on this case, and the event it is; no moment
    when the event has not happened (a handling clock of a case not yet accepted)."""
    if rule.starts_from == Start.ACCEPTANCE:
        return case.accepted_at, ClockEvent.ACCEPTANCE.value
    if rule.starts_from == Start.PREVIOUS_END:
        return case.deadline, ClockEvent.PREVIOUS_END.value
    if rule.starts_from == Start.FORWARD and case.forwarded_at is not None:
        return case.forwarded_at, ClockEvent.FORWARD.value
    return receipt_of(case)


@dataclass(frozen=True)
class Clock:
    rule: DeadlineRule
    start: datetime.datetime
    event: str
    deadline: datetime.datetime


def clock_for(
    case: Case,
    step: str,
    on: datetime.date,
    calendar: WorkCalendar | None = None,
    *,
    start: tuple[datetime.datetime, str] | None = None,
) -> Clock | None:
    """The clock of a step of the case under the rule in force on `on`; `start` overrides the
    rule's event (a reopened case runs from its reopening). None: no rule, or its event has
    not happened yet."""
    rule = find_rule(case.kind, case.urgency, step, on)
    if rule is None:
        return None
    moment, event = start or clock_start(case, rule)
    if moment is None:
        return None
    return Clock(rule, moment, event, deadline_for(rule, moment, calendar))


# Limitation periods


def find_limitation(kind: str, category_id: int | None, on: datetime.date) -> LimitationRule | None:
    """The limitation period in force on a date for a kind: a rule for the topic beats the
    general one."""
    return _cached(
        ("limitation", kind, category_id, on), lambda: _find_limitation(kind, category_id, on)
    )


def _find_limitation(
    kind: str, category_id: int | None, on: datetime.date
) -> LimitationRule | None:
    rules = [
        rule
        for rule in LimitationRule.objects.in_force(on).filter(kind=kind)
        if rule.category_id in (None, category_id)
    ]
    rules.sort(key=lambda r: (r.category_id is None, -r.effective_from.toordinal()))
    return rules[0] if rules else None


def _obstacle_days(
    obstacles: Iterable[tuple[datetime.date, datetime.date]], after: datetime.date
) -> set[datetime.date]:
    """The days after `after` that an obstacle covers, each day once."""
    days: set[datetime.date] = set()
    for start, end in obstacles:
        day = max(start, after + datetime.timedelta(days=1))
        while day <= end:
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def limitation_end(
    rule: LimitationRule,
    known_on: datetime.date,
    obstacles: Iterable[tuple[datetime.date, datetime.date]] = (),
    calendar: WorkCalendar | None = None,
) -> datetime.date:
    """The last day a case may be filed: `rule.days` counted days after the day the citizen
    knew, the first being the day after (knowing on 1 March, a 90-day period's last day is
    30 May); days lost to obstacles are not counted where the rule says so, and a last day
    off moves to the next working day."""
    lost = _obstacle_days(obstacles, known_on) if rule.obstacles_not_counted else set()
    day, counted = known_on, 0
    while counted < rule.days:
        day += datetime.timedelta(days=1)
        if day not in lost:
            counted += 1
    if rule.next_working_day:
        day = next_working_day(day, calendar or WorkCalendar.from_db())
    return day


def days_lost(
    rule: LimitationRule,
    known_on: datetime.date,
    end: datetime.date,
    obstacles: Iterable[tuple[datetime.date, datetime.date]],
) -> int:
    """How many days of obstacles the period did not count."""
    if not rule.obstacles_not_counted:
        return 0
    return sum(1 for day in _obstacle_days(obstacles, known_on) if day <= end)
