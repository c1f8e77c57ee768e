"""Legal clocks per kind across weekends, Tết and overrides; monotonic deadlines."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.core.models import WorkdayOverride
from danvan.core.workdays import WorkCalendar
from danvan.voice.deadlines import deadline_for, find_rule
from danvan.voice.models import DeadlineRule
from danvan.voice.tests.conftest import at


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Friday 16:00 + 8 working hours (08–12, 13:30–17:30): 1.5 h Friday, 6.5 h Monday.
        (at(2026, 3, 6, 16, 0), at(2026, 3, 9, 16, 0)),
        # Saturday: counting starts Monday 08:00 → Monday 17:30.
        (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 17, 30)),
        # The eve of Tết 2026 (Friday 13 Feb, Tết holiday 16–20 Feb): Monday 23 Feb.
        (at(2026, 2, 13, 15, 0), at(2026, 2, 23, 15, 0)),
    ],
)
def test_feedback_is_accepted_within_8_working_hours(db, received, expected):
    rule = find_rule("feedback", "normal", DeadlineRule.Step.ACCEPT, received.date())
    assert (rule.amount, rule.unit) == (8, "working_hours")
    assert deadline_for(rule, received) == expected


def test_urgent_feedback_is_handled_within_4_working_hours(db):
    rule = find_rule("feedback", "urgent", DeadlineRule.Step.HANDLE, datetime.date(2026, 3, 6))
    assert (rule.amount, rule.unit, rule.urgency) == (4, "working_hours", "urgent")
    assert deadline_for(rule, at(2026, 3, 6, 16, 0)) == at(2026, 3, 9, 10, 30)


def test_normal_feedback_falls_back_to_the_general_rule(db):
    rule = find_rule("feedback", "normal", DeadlineRule.Step.HANDLE, datetime.date(2026, 3, 6))
    assert rule.urgency == ""


def test_complaint_is_decided_within_30_days_or_45_when_complex(db):
    normal = find_rule("complaint", "normal", DeadlineRule.Step.HANDLE, datetime.date(2026, 3, 1))
    complex_ = find_rule(
        "complaint", "complex", DeadlineRule.Step.HANDLE, datetime.date(2026, 3, 1)
    )
    assert (normal.amount, complex_.amount) == (30, 45)
    # Calendar days: Tết and weekends count.
    assert local(deadline_for(normal, at(2026, 2, 1))).date() == datetime.date(2026, 3, 3)
    accept = find_rule("complaint", "normal", DeadlineRule.Step.ACCEPT, datetime.date(2026, 3, 1))
    assert accept.amount == 10 and accept.unit == "days"


def test_denunciation_initial_handling_skips_tet_2027(db):
    rule = find_rule("denunciation", "normal", DeadlineRule.Step.ACCEPT, datetime.date(2027, 2, 1))
    assert (rule.amount, rule.unit) == (7, "working_days")
    # Monday 1 Feb 2027 + 7 working days; 4–10 Feb are Tết holidays.
    assert local(deadline_for(rule, at(2027, 2, 1))).date() == datetime.date(2027, 2, 17)


def test_reception_reply_within_10_working_days(db):
    rule = find_rule("reception", "normal", DeadlineRule.Step.HANDLE, datetime.date(2026, 4, 20))
    # Monday 20 Apr 2026: 26–27 Apr (Giỗ Tổ and its substitute), 30 Apr, 1 May are off.
    assert local(deadline_for(rule, at(2026, 4, 20))).date() == datetime.date(2026, 5, 7)


def test_an_override_day_off_pushes_the_deadline(db):
    rule = find_rule("reception", "normal", DeadlineRule.Step.HANDLE, datetime.date(2026, 3, 2))
    before = deadline_for(rule, at(2026, 3, 2), WorkCalendar.from_db())
    WorkdayOverride.objects.create(date=datetime.date(2026, 3, 4), kind="day_off", note="Bão")
    after = deadline_for(rule, at(2026, 3, 2), WorkCalendar.from_db())
    assert local(after).date() == local(before).date() + datetime.timedelta(days=1)


def test_a_make_up_saturday_counts(db):
    rule = find_rule("reception", "normal", DeadlineRule.Step.HANDLE, datetime.date(2026, 8, 17))
    # Saturday 22 Aug 2026 is a working day (make-up for 31 Aug).
    plain = WorkCalendar(overrides={})
    assert plain.is_working_day(datetime.date(2026, 8, 22))
    assert local(deadline_for(rule, at(2026, 8, 17), plain)).date() == datetime.date(2026, 8, 28)


def test_a_new_dated_rule_applies_from_its_date_and_is_recorded(db, tree, sent):
    DeadlineRule.objects.create(
        kind="feedback",
        urgency="",
        step="accept",
        amount=4,
        unit="working_hours",
        effective_from=datetime.date(2026, 6, 1),
        legal_basis="QĐ mới",
    )
    old = sent(received_at=at(2026, 5, 29, 9, 0))
    new = sent(received_at=at(2026, 6, 1, 9, 0))
    assert old.deadline_rule.amount == 8
    assert new.deadline_rule.legal_basis == "QĐ mới"
    assert new.deadline == at(2026, 6, 1, 14, 30)


KINDS = ["feedback", "complaint", "denunciation", "reception"]
moments = st.datetimes(
    min_value=datetime.datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=datetime.datetime(2027, 12, 1),  # noqa: DTZ001
).map(lambda d: d.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=7))))


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(KINDS),
    first=moments,
    later_by=st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=20)),
)
def test_a_later_receipt_never_gets_an_earlier_deadline(kind, first, later_by):
    calendar = WorkCalendar(overrides={})
    step = "accept" if kind != "reception" else "handle"
    rule = find_rule(kind, "normal", step, first.date())
    a = deadline_for(rule, first, calendar)
    b = deadline_for(rule, first + later_by, calendar)
    assert b >= a
    assert a > first
