"""Citizens are told when their case moves: once per step, only when they gave a contact,
never again once they stopped the messages; a failing channel is tried again, a bouncing
address is not."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from danvan.notices import services as notices
from danvan.notices.channels import TestSmsGateway, TestZaloGateway
from danvan.notices.models import Notice, NoticeStatus, OptOut
from danvan.notices.services import citizens
from danvan.voice import services
from danvan.voice.models import Case, CaseEvent, Category

EMAIL = "nguoi.dan@example.com"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://danvan.example"


@pytest.fixture
def sms(settings):
    settings.NOTICE_SMS_GATEWAY = "danvan.notices.channels.TestSmsGateway"
    TestSmsGateway.outbox = []
    TestSmsGateway.refused = set()
    TestSmsGateway.flaky = set()
    return TestSmsGateway


def send(commune, **contact) -> Case:
    details = {"consent": True, "reporter_name": "Trần Văn Dân", **contact} if contact else {}
    return services.submit_case(
        channel="portal",
        kind="feedback",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title="Đèn đường hỏng",
        description="Đèn đường ngõ 5 hỏng một tuần.",
        **details,
    )


def accept(case, clerk):
    return services.accept_case(actor=clerk, case=case)


def stop_url(message_body: str) -> str:
    found = re.search(r"https://danvan\.example(/thong-bao/dung/[^/\s]+/)", message_body)
    assert found, message_body
    return found.group(1)


def test_a_citizen_with_an_email_is_told_each_step_once(
    tree, clerk_a, django_capture_on_commit_callbacks
):
    case = send(tree.a.commune, reporter_email=EMAIL)
    assert mail.outbox == []  # receipt: the tracking page told them already

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = accept(case, clerk_a)
    assert mail.outbox == []  # never sent inside the request's transaction
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert case.code in message.subject
    assert f"https://danvan.example{reverse('public:case', args=[case.code])}" in message.body
    assert stop_url(message.body) in message.extra_headers["List-Unsubscribe"]
    notice = Notice.objects.get(case=case)
    assert (notice.status, notice.channel, notice.attempts) == (NoticeStatus.SENT, "email", 1)

    # The same step again: nothing queued, nothing sent.
    event = CaseEvent.objects.get(case=case, action="accept")
    assert notices.queue_for_event(event) == []
    assert notices.send_notice.call(notice.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_answer_extend_and_reopen_are_told(tree, clerk_a, django_capture_on_commit_callbacks):
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        case = accept(case, clerk_a)
        case = services.answer_case(actor=clerk_a, case=case, answer="Đã thay bóng đèn.")
        case = services.reopen_case(case=case, reason="Đèn lại hỏng.")

    steps = list(
        Notice.objects.filter(case=case).order_by("id").values_list("event__action", flat=True)
    )
    assert steps == ["accept", "answer", "reopen"]
    assert len(mail.outbox) == 3
    assert "Đã thay bóng đèn." in mail.outbox[1].body  # the answer's public note


def test_no_contact_no_message(tree, clerk_a, django_capture_on_commit_callbacks):
    case = send(tree.a.commune)
    with django_capture_on_commit_callbacks(execute=True):
        case = accept(case, clerk_a)
        services.answer_case(actor=clerk_a, case=case, answer="Đã xử lý.")

    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_stopping_the_messages(client, tree, clerk_a, django_capture_on_commit_callbacks):
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        case = accept(case, clerk_a)
    url = stop_url(mail.outbox[0].body)

    # Opening the link (as a mail scanner would) asks first and changes nothing.
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.text
    assert not OptOut.objects.exists()

    done = client.post(url + "xac-nhan/")
    assert done.status_code == 200
    assert OptOut.objects.filter(case=case).exists()
    assert 'id="done"' in done.text

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_case(actor=clerk_a, case=case, answer="Đã xử lý.")
    assert len(mail.outbox) == 1  # nothing after the stop

    again = client.post(url + "xac-nhan/")
    assert again.status_code == 200 and 'id="refusal"' in again.text
    assert OptOut.objects.count() == 1


def test_a_forged_link_changes_nothing(client, tree, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    case = send(tree.a.commune, reporter_email=EMAIL)
    forged = notices.stop_token(case)[:-3] + "abc"
    for response in (
        client.get(reverse("public:stop_notices", args=[forged])),
        client.post(reverse("public:stop_notices_confirm", args=[forged])),
        client.post(reverse("public:stop_notices_confirm", args=["not-a-token"])),
    ):
        assert response.status_code == 400
        assert "This link is not valid" in response.text
    assert not OptOut.objects.exists()


def test_sms_through_the_configured_gateway(
    tree, clerk_a, sms, settings, django_capture_on_commit_callbacks
):
    case = send(tree.a.commune, reporter_phone="0912000111")
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)

    assert [phone for phone, _text in sms.outbox] == ["0912000111"]
    assert case.code in sms.outbox[0][1]
    assert mail.outbox == []

    settings.NOTICE_SMS_GATEWAY = ""  # no gateway configured: no SMS channel
    other = send(tree.a.commune, reporter_phone="0912000222")
    with django_capture_on_commit_callbacks(execute=True):
        accept(other, clerk_a)
    assert not Notice.objects.filter(case=other).exists()


def test_zalo_oa_through_its_gateway_beside_sms(
    tree, clerk_a, sms, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_ZALO_GATEWAY = "danvan.notices.channels.TestZaloGateway"
    TestZaloGateway.outbox = []
    case = send(tree.a.commune, reporter_phone="0912000333", reporter_email="dan@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)

    assert [phone for phone, _text in TestZaloGateway.outbox] == ["0912000333"]
    assert "/thong-bao/dung/" in TestZaloGateway.outbox[0][1]  # the way to stop them
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1  # each channel once
    assert sorted(Notice.objects.filter(case=case).values_list("channel", flat=True)) == [
        "email",
        "sms",
        "zalo",
    ]

    settings.NOTICE_ZALO_GATEWAY = ""  # not configured: no Zalo message
    other = send(tree.a.commune, reporter_phone="0912000444")
    with django_capture_on_commit_callbacks(execute=True):
        accept(other, clerk_a)
    assert list(Notice.objects.filter(case=other).values_list("channel", flat=True)) == ["sms"]


def test_a_bouncing_number_is_marked_not_retried(
    tree, clerk_a, sms, django_capture_on_commit_callbacks
):
    sms.refused.add("0912000333")
    case = send(tree.a.commune, reporter_phone="0912000333")
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)

    notice = Notice.objects.get(case=case)
    assert notice.status == NoticeStatus.FAILED and "unknown number" in notice.error
    assert notices.retry_due() == 0


def test_a_passing_failure_is_tried_again(tree, clerk_a, sms, django_capture_on_commit_callbacks):
    sms.flaky.add("0912000444")
    case = send(tree.a.commune, reporter_phone="0912000444")
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)
    notice = Notice.objects.get(case=case)
    assert (notice.status, notice.attempts) == (NoticeStatus.RETRY, 1)

    assert notices.retry_due() == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 2)
    assert len(sms.outbox) == 1


def test_a_mail_server_down_gives_up_after_the_last_attempt(
    tree, clerk_a, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "danvan.notices.tests.test_notices.DownBackend"}}
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)
    for _attempt in range(notices.MAX_ATTEMPTS):
        notices.retry_due()

    notice = Notice.objects.get(case=case)
    assert (notice.status, notice.attempts) == (NoticeStatus.FAILED, notices.MAX_ATTEMPTS)
    assert notices.retry_due() == 0


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_forward_is_told(tree, clerk_a, django_capture_on_commit_callbacks):
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_case(actor=clerk_a, case=case, to_name="Tòa án nhân dân Thành phố")

    assert [n.event.action for n in notices.notices_of(case)] == ["forward"]
    assert len(mail.outbox) == 1


def test_the_log_is_read_in_the_admin_within_scope(
    tree, clerk_a, city_admin, admin_b, client_for, django_capture_on_commit_callbacks
):
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, clerk_a)
    notice = Notice.objects.get(case=case)
    for user in (city_admin, admin_b):
        user.is_staff = True
        user.save(update_fields=["is_staff"])

    mine = client_for(city_admin)
    listing = mine.get(reverse("admin:notices_notice_changelist"))
    assert listing.status_code == 200 and case.code in listing.text
    assert EMAIL not in listing.text
    assert mine.get(reverse("admin:notices_notice_change", args=[notice.pk])).status_code == 200

    other = client_for(admin_b)  # ward B's administrator: ward A's log is not theirs
    assert case.code not in other.get(reverse("admin:notices_notice_changelist")).text
    denied = other.get(reverse("admin:notices_notice_change", args=[notice.pk]))
    assert denied.status_code in (302, 404)


def test_one_batch_task_sends_a_busy_days_notices(
    tree, clerk_a, settings, django_capture_on_commit_callbacks
):
    """With the database queue, steps recorded while a batch task waits add no task of their
    own; the batch sends each of their notices once."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cases = [send(tree.a.commune, reporter_email=f"dan{n}@example.vn") for n in range(5)]
    mail.outbox.clear()
    for case in cases:
        with django_capture_on_commit_callbacks(execute=True):
            accept(case, clerk_a)
    waiting = DBTaskResult.objects.filter(task_path=citizens.send_queued_notices.module_path)
    assert waiting.count() == 1
    assert mail.outbox == []  # nothing sent in the request

    assert citizens.send_queued_notices.call() == 5
    accepted = Notice.objects.filter(case__in=cases, event__action="accept")
    assert set(accepted.values_list("status", flat=True)) == {NoticeStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == [f"dan{n}@example.vn" for n in range(5)]
    assert citizens.send_queued_notices.call() == 0  # sent once


def test_a_worker_that_can_wait_tries_again_later(
    tree, clerk_a, sms, monkeypatch, django_capture_on_commit_callbacks
):
    sms.flaky.add("0912000555")
    case = send(tree.a.commune, reporter_phone="0912000555")
    with django_capture_on_commit_callbacks(execute=False):
        accept(case, clerk_a)
    notice = Notice.objects.get(case=case)
    real = notices.send_notice
    later = []

    class Deferred:
        def using(self, run_after):
            return type(
                "Queued", (), {"enqueue": lambda _self, pk: later.append((run_after, pk))}
            )()

    monkeypatch.setattr(citizens, "_can_defer", lambda: True)
    monkeypatch.setattr(citizens, "send_notice", Deferred())
    before = timezone.now()
    assert real.call(notice.pk) == NoticeStatus.RETRY

    ((run_after, pk),) = later
    assert pk == notice.pk
    assert run_after >= before + citizens._backoff(1)


def test_a_merged_case_s_citizen_is_told_of_the_merge_and_gets_the_kept_case_s_answer(
    tree, clerk_a, django_capture_on_commit_callbacks
):
    other = "nguoi.dan.khac@example.com"
    kept = accept(send(tree.a.commune, reporter_email=EMAIL), clerk_a)
    duplicate = send(tree.a.commune, reporter_email=other)
    citizens.send_queued_notices.call()  # what the steps above queued (their commit is the test's)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_cases(actor=clerk_a, kept=kept, duplicate=duplicate)
    assert [m.to for m in mail.outbox] == [[other]]
    assert duplicate.code in mail.outbox[0].subject
    assert kept.code not in mail.outbox[0].body  # the other citizen's code stays theirs

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_case(actor=clerk_a, case=kept, answer="Đã thay bóng đèn ngõ 5.")
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {EMAIL, other}
    assert "Đã thay bóng đèn ngõ 5." in told[other].body
    assert duplicate.code in told[other].subject and kept.code not in told[other].body
