"""Staff hear of what concerns them (a new case for their unit, a deadline near, an overdue
case, a returned report) once per event, in their notification centre, and by e-mail at once
or in a daily digest as they chose."""

import datetime
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danvan.notices import services as notices
from danvan.notices.models import (
    Delivery,
    Digest,
    NoticeStatus,
    NotificationKind,
    NotificationRules,
    StaffNotification,
)
from danvan.voice import services
from danvan.voice.models import Case, Category

KIND = NotificationKind
# A Monday morning of working days (no holiday that week), local time.
MONDAY = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://danvan.example"


def send(commune, title="Đèn đường hỏng") -> Case:
    return services.submit_case(
        channel="portal",
        kind="feedback",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title=title,
        description="Đèn đường ngõ 5 hỏng một tuần.",
    )


def told(user, kind=None):
    rows = StaffNotification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def with_email(user, address):
    type(user).objects.filter(pk=user.pk).update(email=address)
    user.email = address
    return user


# --- Events ---------------------------------------------------------------------------------


def test_a_new_case_notifies_the_handlers_of_its_unit_once(tree, clerk_a, clerk_b, city_officer):
    case = send(tree.a.commune)

    [note] = told(clerk_a)
    assert (note.kind, note.case, note.read_at) == (KIND.CASE_ASSIGNED, case, None)
    assert case.code in note.subject
    assert note.url == reverse("voice:detail", args=[case.pk])
    assert told(clerk_b) == [] and told(city_officer) == []  # another commune; the city

    notices.notify_case_event(case.events.get(action="submit"))  # the same event again
    assert len(told(clerk_a)) == 1


def test_a_case_forwarded_in_notifies_the_new_unit_not_the_sender(tree, clerk_a, clerk_b):
    case = send(tree.a.commune)
    services.forward_case(actor=clerk_a, case=case, to_unit=tree.b.state)

    assert [n.kind for n in told(clerk_b)] == [KIND.CASE_ASSIGNED]
    assert len(told(clerk_a)) == 1  # only the case's arrival, not their own forward


def test_a_case_forwarded_outside_the_system_notifies_no_one(tree, clerk_a):
    case = send(tree.a.commune)
    StaffNotification.objects.all().delete()
    services.forward_case(actor=clerk_a, case=case, to_name="Tòa án nhân dân Thành phố")
    assert StaffNotification.objects.count() == 0


def test_an_overdue_case_notifies_its_handler(tree, clerk_a, clerk_b):
    case = services.accept_case(actor=clerk_a, case=send(tree.a.commune))
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    services.mark_overdue()
    services.mark_overdue()

    [note] = told(clerk_a, KIND.OVERDUE)
    assert case.code in note.subject
    assert told(clerk_b) == []


def test_an_escalated_case_notifies_the_level_above(tree, clerk_a, clerk_b, city_officer):
    case = services.accept_case(actor=clerk_a, case=send(tree.a.commune))
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(days=3))
    services.mark_overdue()
    services.escalate_overdue()

    [note] = told(city_officer)
    assert (note.kind, note.case) == (KIND.OVERDUE, case)
    assert tree.a.state.name in note.subject or tree.a.commune.name in note.subject
    assert told(clerk_b) == []


def _due(case, moment):
    Case.objects.filter(pk=case.pk).update(deadline=moment, overdue=False)


def test_a_deadline_near_is_told_once_within_the_working_days_of_the_rules(tree, clerk_a):
    soon = services.accept_case(actor=clerk_a, case=send(tree.a.commune, "Sớm"))
    later = services.accept_case(actor=clerk_a, case=send(tree.a.commune, "Muộn"))
    _due(soon, MONDAY + datetime.timedelta(days=1, hours=8))  # Tuesday 17:00
    _due(later, MONDAY + datetime.timedelta(days=4, hours=8))  # Friday 17:00

    assert notices.notify_deadlines_near(now=MONDAY) == 1
    assert notices.notify_deadlines_near(now=MONDAY) == 0
    assert [n.case for n in told(clerk_a, KIND.DEADLINE_NEAR)] == [soon]

    # The rule is a dated row: from today, warn five working days ahead.
    NotificationRules.objects.create(effective_from=MONDAY.date(), deadline_near_days=5)
    assert notices.notify_deadlines_near(now=MONDAY) == 1
    assert {n.case for n in told(clerk_a, KIND.DEADLINE_NEAR)} == {soon, later}

    # An extended deadline that comes near again is told again.
    _due(soon, MONDAY + datetime.timedelta(days=2, hours=8))
    assert notices.notify_deadlines_near(now=MONDAY) == 1


def test_the_voice_clock_runs_the_deadline_warnings(tree, clerk_a, capsys):
    case = services.accept_case(actor=clerk_a, case=send(tree.a.commune))
    _due(case, timezone.now() + datetime.timedelta(hours=3))
    call_command("run_voice_clock")
    assert "deadline_near 1" in capsys.readouterr().out
    assert len(told(clerk_a, KIND.DEADLINE_NEAR)) == 1


# --- E-mail at once and the daily digest ----------------------------------------------------


def test_by_default_nothing_is_mailed_for_a_case(tree, clerk_a, django_capture_on_commit_callbacks):
    with_email(clerk_a, "vanthu@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        send(tree.a.commune)
    assert mail.outbox == []


def test_a_user_who_chose_email_gets_one_after_the_commit(
    tree, clerk_a, django_capture_on_commit_callbacks
):
    with_email(clerk_a, "vanthu@example.vn")
    notices.set_preferences(user=clerk_a, choices={KIND.CASE_ASSIGNED: Delivery.EMAIL})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = send(tree.a.commune)
    assert mail.outbox == []  # never inside the request's transaction
    for callback in callbacks:
        callback()

    [message] = mail.outbox
    assert message.to == ["vanthu@example.vn"]
    assert case.code in message.subject
    assert f"https://danvan.example{reverse('voice:detail', args=[case.pk])}" in message.body
    note = StaffNotification.objects.get(user=clerk_a)
    assert (note.mail_status, note.mail_attempts) == (NoticeStatus.SENT, 1)
    assert notices.send_staff_mail.call(note.pk) == "skipped"  # queued twice: sent once
    assert len(mail.outbox) == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"vanthu@example.vn": (550, b"no such user")})


def test_a_staff_address_that_bounces_is_not_tried_again(
    tree, clerk_a, settings, django_capture_on_commit_callbacks
):
    with_email(clerk_a, "vanthu@example.vn")
    notices.set_preferences(user=clerk_a, choices={KIND.CASE_ASSIGNED: Delivery.EMAIL})
    settings.MAILERS = {
        "default": {"BACKEND": "danvan.notices.tests.test_staff_notifications.RefusingBackend"}
    }
    with django_capture_on_commit_callbacks(execute=True):
        send(tree.a.commune)
    note = StaffNotification.objects.get(user=clerk_a)
    assert note.mail_status == NoticeStatus.FAILED
    assert notices.is_bounced("email", "VanThu@example.vn")
    assert notices.retry_due() == 0


def _digest_user(user):
    with_email(user, f"{user.username}@example.vn")
    notices.set_preferences(
        user=user, choices={KIND.CASE_ASSIGNED: Delivery.DIGEST, KIND.OVERDUE: Delivery.DIGEST}
    )


def test_the_daily_digest_groups_the_days_events_and_is_sent_once(
    tree, clerk_a, clerk_b, django_capture_on_commit_callbacks
):
    _digest_user(clerk_a)
    _digest_user(clerk_b)  # nothing happens in Hà Đông: no digest for them
    first = send(tree.a.commune, "Một")
    send(tree.a.commune, "Hai")
    accepted = services.accept_case(actor=clerk_a, case=first)
    Case.objects.filter(pk=accepted.pk).update(deadline=timezone.now() - datetime.timedelta(1))
    services.mark_overdue()
    evening = timezone.localtime().replace(hour=18, minute=0) + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.send_digests(now=evening.replace(hour=10)) == 0  # before the hour
        assert notices.send_digests(now=evening) == 1
        assert notices.send_digests(now=evening + datetime.timedelta(hours=1)) == 0

    [message] = mail.outbox
    assert message.to == ["clerk_a@example.vn"]
    assert "3" in message.subject
    body = message.body
    assert f"{KIND.CASE_ASSIGNED.label} (2)" in body
    assert f"{KIND.OVERDUE.label} (1)" in body
    assert body.index(str(KIND.CASE_ASSIGNED.label)) < body.index(str(KIND.OVERDUE.label))
    assert f"https://danvan.example{reverse('voice:detail', args=[first.pk])}" in body
    digest = Digest.objects.get()
    assert (digest.user, digest.status) == (clerk_a, NoticeStatus.SENT)
    assert digest.notifications.count() == 3
    assert notices.send_digest.call(digest.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_no_digest_when_nothing_waits(tree, clerk_a, capsys):
    _digest_user(clerk_a)
    notices.set_preferences(user=clerk_a, choices={KIND.CASE_ASSIGNED: Delivery.APP})
    send(tree.a.commune)  # in the app only
    call_command("send_digests")
    assert capsys.readouterr().out.strip() == "0 digests queued"
    assert Digest.objects.count() == 0 and mail.outbox == []


def test_the_send_digests_command_sends_whatever_the_hour(
    tree, clerk_a, capsys, django_capture_on_commit_callbacks
):
    _digest_user(clerk_a)
    send(tree.a.commune)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
        call_command("send_digests")
    assert capsys.readouterr().out.split("\n")[:2] == ["1 digests queued", "0 digests queued"]
    assert len(mail.outbox) == 1


# --- The notification centre ----------------------------------------------------------------


def _make(user, count, *, start=0):
    for number in range(start, start + count):
        notices.notify(
            [user],
            kind=KIND.REPORT_RETURNED,
            key=f"test:{number}",
            subject=f"Thông báo số {number}",
            url="/reports/",
            at=timezone.now() + datetime.timedelta(minutes=number),
        )


def test_the_centre_lists_my_notifications_newest_first_unread_marked(
    tree, clerk_a, clerk_b, staff
):
    _make(clerk_a, 3)
    _make(clerk_b, 1, start=10)
    StaffNotification.objects.filter(user=clerk_a, key="test:0").update(read_at=timezone.now())

    page = staff(clerk_a).get(reverse("notices:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Thông báo số 2") < html.index("Thông báo số 1") < html.index("số 0")
    assert "Thông báo số 10" not in html  # another user's
    assert html.count(">New</span>") == 2
    assert '2<span class="visually-hidden"> unread</span>' in html  # the header's badge


def test_the_list_costs_the_same_queries_with_more_rows(tree, clerk_a, staff):
    client = staff(clerk_a)
    _make(clerk_a, 2)
    client.get(reverse("notices:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notices:list"))
    _make(clerk_a, 25, start=2)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notices:list"))
    assert len(many) == len(few)


def test_mark_one_and_all_read(tree, clerk_a, staff):
    _make(clerk_a, 3)
    client = staff(clerk_a)
    first = StaffNotification.objects.get(key="test:0")
    response = client.post(reverse("notices:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None

    opened = StaffNotification.objects.get(key="test:1")
    response = client.post(reverse("notices:read", args=[opened.pk]), {"open": "1"})
    assert response["Location"] == "/reports/"
    assert notices.unread_count(clerk_a) == 1

    client.post(reverse("notices:read_all"))
    assert notices.unread_count(clerk_a) == 0
    assert ">New</span>" not in client.get(reverse("notices:list")).content.decode()


def test_another_users_notification_is_not_found(tree, clerk_a, clerk_b, staff):
    _make(clerk_b, 1)
    theirs = StaffNotification.objects.get(user=clerk_b)
    response = staff(clerk_a).post(reverse("notices:read", args=[theirs.pk]))
    assert response.status_code == 404
    staff(clerk_a).post(reverse("notices:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_asks_for_a_post_with_its_token(tree, clerk_a, staff):
    _make(clerk_a, 1)
    note = StaffNotification.objects.get()
    assert staff(clerk_a).get(reverse("notices:read", args=[note.pk])).status_code == 405
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    assert guarded.post(reverse("notices:read", args=[note.pk])).status_code == 403
    assert guarded.post(reverse("notices:read_all")).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_visitors_are_sent_to_the_login(tree):
    for name in ("notices:list", "notices:preferences"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preferences_page_saves_each_kinds_choice(tree, clerk_a, staff):
    client = staff(clerk_a)
    page = client.get(reverse("notices:preferences"))
    assert page.status_code == 200
    choices = {kind: Delivery.APP for kind in KIND.values}
    choices[KIND.OVERDUE] = Delivery.EMAIL
    choices[KIND.DEADLINE_NEAR] = Delivery.DIGEST
    assert client.post(reverse("notices:preferences"), choices).status_code == 302
    saved = notices.preferences_of(clerk_a)
    assert (saved[KIND.OVERDUE], saved[KIND.DEADLINE_NEAR]) == (Delivery.EMAIL, Delivery.DIGEST)


def test_a_choice_not_offered_is_refused_in_vietnamese(tree, clerk_a, client_for):
    choices = {kind: Delivery.APP for kind in KIND.values}
    choices[KIND.OVERDUE] = "pigeon"
    response = client_for(clerk_a).post(reverse("notices:preferences"), choices)
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert notices.preferences_of(clerk_a)[KIND.CASE_ASSIGNED] == Delivery.APP
    assert not clerk_a.notification_prefs.exists()
