"""Where each clock starts, and where it ends: the event a rule counts from (the reception
reply from receipt), calendar days whose last day is a day off (BLDS 2015, Điều 148), and the
forward deadline stored, shown, marked overdue and reminded."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from danvan.core.models import AuditEntry, WorkdayOverride
from danvan.core.workdays import WorkCalendar
from danvan.organisations.services import change_rule
from danvan.voice import services
from danvan.voice.deadlines import deadline_for, find_rule
from danvan.voice.models import Case, CaseEvent, DeadlineRule, VoiceSettings
from danvan.voice.queries import filtered_cases
from danvan.voice.scorecards import overdue_now

from .conftest import at

Step = DeadlineRule.Step


def local_day(moment):
    return timezone.localtime(moment).date()


# Where a clock starts


def test_the_reception_reply_runs_from_receipt_not_acceptance(tree, sent, clerk_a):
    received = at(2026, 4, 20, 9, 0)  # Monday; 26–27 Apr, 30 Apr and 1 May are off
    case = sent(kind="reception", received_at=received)

    assert case.deadline_step == Step.HANDLE
    assert case.deadline_start == received and case.deadline_start_event == "receipt"
    assert local_day(case.deadline) == datetime.date(2026, 5, 7)
    reply = case.deadline

    case = services.accept_case(actor=clerk_a, case=case)

    assert case.deadline == reply  # accepting later does not move the reply
    assert case.deadline_start_event == "receipt"


def test_handling_runs_from_acceptance(tree, sent, clerk_a):
    case = services.accept_case(actor=clerk_a, case=sent())
    assert case.deadline_step == Step.HANDLE
    assert case.deadline_start == case.accepted_at
    assert case.deadline_start_event == "acceptance"


def test_a_rule_counting_from_the_forward_counts_from_it(tree, sent, clerk_a, city_admin):
    rule = find_rule("feedback", "normal", Step.ACCEPT, timezone.localdate())
    change_rule(rule, {"starts_from": "forward"}, actor=city_admin)
    case = services.forward_case(actor=clerk_a, case=sent(), to_unit=tree.b.state)

    assert case.forwarded_at is not None
    assert case.deadline_start == case.forwarded_at and case.deadline_start_event == "forward"
    assert case.forward_start == case.forwarded_at


def test_every_deadline_shown_names_its_starting_event(tree, sent, clerk_a, staff):
    case = sent(kind="complaint", received_at=at(2026, 12, 1, 9, 0))
    html = staff(clerk_a).get(reverse("voice:detail", args=[case.pk])).content.decode()
    assert "counted from receipt, 01/12/2026 09:00" in html
    assert "from receipt" in html  # the rule says what it counts from

    tracking = Client()
    tracking.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = tracking.get(reverse("public:case", args=[case.code])).content.decode()
    assert "Counted from receipt: 01/12/2026 09:00" in page


# Calendar days ending on a day off


def complaint_accept_rule() -> DeadlineRule:
    rule = find_rule("complaint", "normal", Step.ACCEPT, datetime.date(2026, 3, 1))
    assert rule is not None
    assert (rule.amount, rule.unit, rule.next_working_day) == (10, "days", True)
    return rule


def test_a_period_ending_on_a_sunday_ends_on_monday(tree):
    # Thursday 28 May + 10 days = Sunday 7 June → Monday 8 June, at the end of the day.
    end = deadline_for(complaint_accept_rule(), at(2026, 5, 28, 10, 0), WorkCalendar())
    assert end == at(2026, 6, 8, 23, 59)


def test_a_period_ending_in_tet_ends_on_the_first_working_day_after(tree):
    # 7 Feb + 10 = Tuesday 17 Feb 2026, in the Tết holiday (16–20 Feb): Monday 23 Feb.
    end = deadline_for(complaint_accept_rule(), at(2026, 2, 7, 10, 0), WorkCalendar())
    assert local_day(end) == datetime.date(2026, 2, 23)


def test_a_period_ending_on_a_make_up_working_saturday_stays(tree):
    # Wednesday 12 Aug + 10 = Saturday 22 Aug 2026, a make-up working day (for 31 Aug).
    end = deadline_for(complaint_accept_rule(), at(2026, 8, 12, 10, 0), WorkCalendar())
    assert local_day(end) == datetime.date(2026, 8, 22)


def test_the_admins_overrides_count(tree):
    rule = complaint_accept_rule()
    # Sunday 7 June made a working day: the period ends there.
    WorkdayOverride.objects.create(date=datetime.date(2026, 6, 7), kind="working_day", note="Bù")
    end = deadline_for(rule, at(2026, 5, 28, 10, 0), WorkCalendar.from_db())
    assert local_day(end) == datetime.date(2026, 6, 7)
    # Monday 8 June off (a storm): a period ending on it ends on Tuesday 9 June.
    WorkdayOverride.objects.create(date=datetime.date(2026, 6, 8), kind="day_off", note="Bão")
    end = deadline_for(rule, at(2026, 5, 29, 10, 0), WorkCalendar.from_db())
    assert local_day(end) == datetime.date(2026, 6, 9)


def test_a_rule_without_the_flag_ends_on_the_day_off(tree):
    rule = complaint_accept_rule()
    rule.next_working_day = False
    end = deadline_for(rule, at(2026, 5, 28, 10, 0), WorkCalendar())
    assert local_day(end) == datetime.date(2026, 6, 7)


def test_a_received_complaint_gets_the_moved_deadline(tree, sent):
    case = sent(kind="complaint", received_at=at(2026, 5, 28, 10, 0))
    assert local_day(case.deadline) == datetime.date(2026, 6, 8)
    assert case.deadline_rule.next_working_day


# The forward deadline


def late_forward(case, hours=1):
    Case.objects.filter(pk=case.pk).update(
        forward_deadline=timezone.now() - datetime.timedelta(hours=hours)
    )


def test_the_forward_deadline_is_stored_at_receipt_and_shown(tree, sent, clerk_a, staff):
    case = sent(kind="complaint", received_at=at(2026, 12, 1, 9, 0))
    assert case.forward_rule.step == Step.FORWARD and case.forward_start_event == "receipt"
    # 5 working days from Tuesday 1 December: Tuesday 8 December, end of the office day.
    assert case.forward_deadline == at(2026, 12, 8, 17, 30)
    html = staff(clerk_a).get(reverse("voice:detail", args=[case.pk])).content.decode()
    assert "Forward deadline (if outside competence)" in html and "08/12/2026 17:30" in html
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("public:case", args=[case.code])).content.decode()
    assert "forwarded to the competent unit before 08/12/2026 17:30" in page


def test_a_case_past_its_forward_deadline_is_marked_once_and_counted(tree, sent, clerk_a):
    case = sent(kind="complaint")  # its acceptance has 10 days: not late
    late_forward(case)

    assert services.run_clock_job()["overdue"] == 1
    assert services.run_clock_job()["overdue"] == 0
    case.refresh_from_db()
    assert case.forward_overdue is True and case.overdue is False
    event = CaseEvent.objects.get(case=case, action="forward_overdue")
    assert event.is_public
    assert AuditEntry.objects.filter(action="voice.forward_overdue").count() == 1
    assert case.is_overdue
    assert overdue_now(tree.city.path) == 1
    assert list(filtered_cases(clerk_a, {"overdue": True})) == [case]
    # Not escalated: the escalation follows the step's own deadline.
    assert case.escalated_at is None

    case = services.accept_case(actor=clerk_a, case=case)  # within its competence after all
    assert not case.is_overdue and case.accepted_late is False
    assert overdue_now(tree.city.path) == 0


def test_forwarding_after_the_forward_deadline_is_late(tree, sent, clerk_a):
    case = sent(kind="complaint")
    late_forward(case)
    case = services.forward_case(actor=clerk_a, case=case, to_name="Sở Xây dựng Hà Nội")
    assert case.forwarded_late is True


def test_forwarding_in_time_inside_the_system_restarts_both_clocks(tree, sent, clerk_a):
    case = sent(kind="complaint")
    case = services.forward_case(actor=clerk_a, case=case, to_unit=tree.b.state)
    assert case.forwarded_late is False
    assert case.deadline_start == case.forwarded_at and case.deadline_start_event == "forward"
    assert case.forward_start == case.forwarded_at and case.forward_overdue is False


def test_the_forward_deadline_is_reminded_once(
    tree, sent, clerk_a, mailoutbox, django_capture_on_commit_callbacks
):
    clerk_a.email = "vanthu@example.vn"
    clerk_a.save()
    VoiceSettings.objects.create(effective_from=datetime.date(2020, 1, 1), reminder_hours=8)
    case = sent(kind="complaint")  # nobody handles it yet: its unit's receivers are told
    Case.objects.filter(pk=case.pk).update(
        forward_deadline=timezone.now() + datetime.timedelta(hours=2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    case.refresh_from_db()
    assert case.forward_reminded_at is not None
    assert [m.to for m in mailoutbox] == [["vanthu@example.vn"]]
    assert case.code in mailoutbox[0].subject


@pytest.mark.parametrize("status", ["accepted", "answered", "forwarded"])
def test_the_forward_clock_no_longer_runs_once_the_case_left_its_first_step(tree, sent, status):
    case = sent(kind="complaint")
    Case.objects.filter(pk=case.pk).update(status=status)
    late_forward(case)
    assert services.mark_overdue() == 0
