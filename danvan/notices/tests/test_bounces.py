"""An address that bounces is marked: its failed notice is not tried again, and nothing more
is queued or sent to it. Bounce reports come from a file, standard input or the services."""

import hashlib
import hmac
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from danvan.notices import services as notices
from danvan.notices.channels import TestSmsGateway
from danvan.notices.models import BouncedAddress, Notice, NoticeStatus
from danvan.voice import services
from danvan.voice.models import Case, Category

EMAIL = "nguoi.dan@example.com"


def send(commune, **contact) -> Case:
    return services.submit_case(
        channel="portal",
        kind="feedback",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title="Đèn đường hỏng",
        description="Đèn đường ngõ 5 hỏng một tuần.",
        consent=True,
        reporter_name="Trần Văn Dân",
        **contact,
    )


def test_nothing_is_queued_for_an_address_that_bounced(
    tree, clerk_a, django_capture_on_commit_callbacks
):
    notices.record_bounce(address="  Nguoi.Dan@Example.com ", reason="550 no such user")
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_case(actor=clerk_a, case=case)
    assert Notice.objects.filter(case=case).count() == 0
    assert mail.outbox == []


def test_a_bounced_notice_is_failed_and_its_address_marked(
    tree, clerk_a, django_capture_on_commit_callbacks
):
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_case(actor=clerk_a, case=case)
    notice = Notice.objects.get(case=case)
    assert notice.status == NoticeStatus.SENT

    row = notices.record_bounce(notice=notice, reason="550 mailbox unavailable")
    notice.refresh_from_db()
    assert (notice.status, notice.error) == (NoticeStatus.FAILED, "550 mailbox unavailable")
    assert (row.address, row.bounces) == (EMAIL, 1)
    assert notices.retry_due() == 0

    # The next step of the case is not queued; a second report counts the bounce.
    with django_capture_on_commit_callbacks(execute=True):
        services.start_handling(actor=clerk_a, case=case)
    assert Notice.objects.filter(case=case).count() == 1
    assert notices.record_bounce(address=EMAIL).bounces == 2
    assert len(mail.outbox) == 1


def test_a_notice_waiting_to_be_tried_again_is_failed_by_the_bounce(
    tree, clerk_a, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "danvan.notices.tests.test_notices.DownBackend"}}
    case = send(tree.a.commune, reporter_email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_case(actor=clerk_a, case=case)
    notice = Notice.objects.get(case=case)
    assert notice.status == NoticeStatus.RETRY

    notices.record_bounce(address=EMAIL, reason="user unknown")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notices.retry_due() == 0
    assert notices.send_notice.call(notice.pk) == "skipped"


def test_a_refusing_sms_gateway_marks_the_number(
    tree, clerk_a, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_SMS_GATEWAY = "danvan.notices.channels.TestSmsGateway"
    TestSmsGateway.outbox, TestSmsGateway.flaky = [], set()
    TestSmsGateway.refused = {"0912345678"}
    case = send(tree.a.commune, reporter_phone="0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_case(actor=clerk_a, case=case)
    assert Notice.objects.get(case=case).status == NoticeStatus.FAILED
    assert notices.is_bounced("sms", "0912 345 678")


def test_a_bad_address_is_refused_in_vietnamese_and_nothing_recorded(tree):
    with pytest.raises(ValidationError) as refused:
        notices.record_bounce(address="not-an-address")
    assert "không phải là địa chỉ thư điện tử" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        notices.record_bounce(address="  ")
    assert BouncedAddress.objects.count() == 0


def test_the_command_reads_a_file_or_stdin(tree, tmp_path, capsys, monkeypatch):
    report = tmp_path / "bounces.txt"
    report.write_text(
        "# the mail server's report\na@example.vn\t550 no such user\n\nb@example.vn,full\nxyz\n",
        encoding="utf-8",
    )
    call_command("record_bounces", str(report))
    captured = capsys.readouterr()
    assert "2 bounced addresses recorded, 1 lines refused" in captured.out
    assert "5" in captured.err  # the refused line's number
    assert BouncedAddress.objects.get(address="a@example.vn").reason == "550 no such user"

    monkeypatch.setattr("sys.stdin", io.StringIO("c@example.vn\n"))
    call_command("record_bounces")
    assert "1 bounced addresses recorded" in capsys.readouterr().out
    assert BouncedAddress.objects.count() == 3


SECRET = "s3cret-of-the-provider"  # noqa: S105 (the tests' shared secret)


def _signed(body: bytes, secret: str = SECRET) -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"HTTP_X_SIGNATURE": f"sha256={digest}"}


def test_the_providers_signed_report_records_bounces(tree, settings):
    settings.NOTICE_BOUNCE_SECRET = SECRET
    body = b"a@example.vn,550 no such user\nnot-an-address\n"
    response = Client().post(
        reverse("notices:bounces"), body, content_type="text/plain", **_signed(body)
    )
    assert response.status_code == 200
    assert response.json()["recorded"] == 1 and len(response.json()["refused"]) == 1
    assert notices.is_bounced("email", "a@example.vn")


def test_a_report_with_a_wrong_signature_changes_nothing(tree, settings):
    settings.NOTICE_BOUNCE_SECRET = SECRET
    body = b"a@example.vn\n"
    for headers in ({}, _signed(body, secret="guessed"), _signed(b"b@example.vn\n")):
        response = Client().post(
            reverse("notices:bounces"), body, content_type="text/plain", **headers
        )
        assert response.status_code == 403
    assert BouncedAddress.objects.count() == 0


def test_the_report_endpoint_is_off_without_a_secret(tree, settings):
    settings.NOTICE_BOUNCE_SECRET = ""
    body = b"a@example.vn\n"
    response = Client().post(
        reverse("notices:bounces"), body, content_type="text/plain", **_signed(body, "")
    )
    assert response.status_code == 404
    assert BouncedAddress.objects.count() == 0
