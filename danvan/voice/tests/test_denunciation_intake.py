"""Denunciations by the letter of Luật Tố cáo 2018, through every channel: without the
denouncer's name (and address) it is information (Điều 25) — no denunciation clock, no
escalation, no acceptance; with the name but not the rest Điều 23 asks, it waits for what is
missing before any clock starts."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from danvan.voice import services
from danvan.voice.models import Case, CaseEvent, Category, ReceptionSession, Status

OPEN311 = "/open311/v2/requests.json"
CONTENT = {"person_denounced": "Cán bộ địa chính phường", "title": "Tố cáo nhũng nhiễu"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form(tree, **extra) -> dict:
    data = {
        "kind": "denunciation",
        "urgency": "normal",
        "category": Category.objects.get(code="thu-tuc-hanh-chinh").pk,
        "commune": tree.a.commune.pk,
        "title": "Tố cáo cán bộ nhũng nhiễu",
        "description": "Cán bộ yêu cầu nộp thêm tiền khi chứng thực giấy tờ.",
        "person_denounced": "Cán bộ một cửa phường",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


# One sender per channel: each sends a denunciation with the given reporter, reading and
# accepting the notice the form shows first, and returns the case.


def by_service(tree, clerk_a, staff, reporter, warned):
    return services.submit_case(
        channel="letter",
        kind="denunciation",
        category=Category.objects.get(code="thu-tuc-hanh-chinh"),
        commune=tree.a.commune,
        title="Tố cáo cán bộ nhũng nhiễu",
        description="Cán bộ yêu cầu nộp thêm tiền.",
        consent=any(reporter.values()),
        person_denounced="Cán bộ một cửa phường",
        **reporter,
    )


def _twice(post, data, warned):
    """Post once (the notice comes back, nothing is kept), then again with the box ticked."""
    first = post(data)
    assert first.status_code == 200 and not Case.objects.exists()
    assert set(first.context["form"].warnings) == {warned}
    second = post({**data, "confirm": "on", "warned": warned})
    assert second.status_code == 302, second.context["form"].errors
    return Case.objects.get()


def by_staff_form(tree, clerk_a, staff, reporter, warned):
    client = staff(clerk_a)
    data = form(tree, channel="phone", consent="on" if any(reporter.values()) else None, **reporter)
    return _twice(lambda d: client.post(reverse("voice:create"), d), data, warned)


def by_reception_visit(tree, clerk_a, staff, reporter, warned):
    session = ReceptionSession.objects.create(
        unit=tree.a.state, date=timezone.localdate(), host="Chủ tịch UBND", place="Trụ sở"
    )
    client = staff(clerk_a)
    data = form(tree, consent="on" if any(reporter.values()) else None, **reporter)
    url = reverse("voice:session_visit", args=[session.pk])
    return _twice(lambda d: client.post(url, d), data, warned)


def by_portal(tree, clerk_a, staff, reporter, warned):
    client = Client()
    data = form(tree, consent="on" if any(reporter.values()) else None, **reporter)
    data.pop("urgency")
    return _twice(lambda d: client.post(reverse("public:send"), d), data, warned)


def by_open311(tree, clerk_a, staff, reporter, warned):
    _key, raw = services.issue_api_key(actor=None, name="Ứng dụng iHanoi")
    parts = reporter.get("reporter_name", "").split(" ", 1)
    response = Client().post(
        OPEN311,
        {
            "api_key": raw,
            "service_code": "thu-tuc-hanh-chinh",
            "description": "Cán bộ yêu cầu nộp thêm tiền khi chứng thực giấy tờ.",
            "address_id": tree.a.commune.code,
            "last_name": parts[0],
            "first_name": parts[1] if len(parts) > 1 else "",
            "phone": reporter.get("reporter_phone", ""),
            "attribute[kind]": "denunciation",
            "attribute[person_denounced]": "Cán bộ một cửa phường",
            "attribute[reporter_address]": reporter.get("reporter_address", ""),
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    notice = response.json()[0]["service_notice"]
    assert case.code in notice
    assert ("Điều 25" if warned == "information" else "Điều 23") in notice
    return case


CHANNELS = {
    "service": by_service,
    "staff form": by_staff_form,
    "reception visit": by_reception_visit,
    "portal": by_portal,
    "open311": by_open311,
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_an_anonymous_denunciation_is_information_through_every_channel(
    tree, clerk_a, staff, channel
):
    case = CHANNELS[channel](tree, clerk_a, staff, {}, "information")

    assert (case.kind, case.filed_as, case.information_reason) == (
        "information",
        "denunciation",
        "anonymous",
    )
    assert case.status == Status.RECEIVED
    # Its own review clock (from receipt), never a Luật Tố cáo deadline nor a forward one.
    assert case.deadline_rule is not None and case.deadline_rule.kind == "information"
    assert case.deadline_start_event == "receipt"
    assert case.forward_deadline is None
    with pytest.raises(ValidationError) as exc:
        services.accept_case(actor=clerk_a, case=case)
    assert exc.value.code == "information"

    # Long past its review period: marked (inside the unit), never escalated.
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(days=9))
    services.run_clock_job()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.accepted_at is None
    assert case.overdue is True and case.escalated_at is None
    overdue = CaseEvent.objects.get(case=case, action="overdue")
    assert overdue.is_public is False


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_named_denunciation_lacking_address_and_contact_waits_through_every_channel(
    tree, clerk_a, staff, channel
):
    case = CHANNELS[channel](tree, clerk_a, staff, {"reporter_name": "Trần Văn Tố"}, "incomplete")

    assert case.kind == "denunciation" and case.status == Status.AWAITING_DETAILS
    assert case.missing_details == ["address", "contact"]
    assert case.deadline is None and case.forward_deadline is None
    with pytest.raises(ValidationError) as exc:
        services.accept_case(actor=clerk_a, case=case)
    assert exc.value.code == "incomplete"
    # Nothing for the clock job: no deadline ran out, no reminder, no escalation.
    assert services.run_clock_job() == {"reminded": 0, "overdue": 0, "escalated": 0}


@pytest.mark.parametrize("name", ["ẩn danh", "Nguyễn Văn A", "x", "...", "  "])
def test_a_name_that_names_nobody_is_anonymous(tree, sent, name):
    case = sent(kind="denunciation", reporter_name=name, consent=True, **CONTENT)
    assert case.kind == "information"


def test_a_complete_denunciation_runs_its_clocks_from_receipt(tree, sent):
    case = sent(
        kind="denunciation",
        reporter_name="Trần Văn Tố",
        reporter_phone="0912345678",
        reporter_address="5 phố Kim Mã",
        consent=True,
        **CONTENT,
    )
    assert case.status == Status.RECEIVED and case.deadline_rule.kind == "denunciation"
    assert case.deadline_start == case.received_at and case.deadline_start_event == "receipt"
    assert case.forward_deadline is not None


# Completing what was missing


@pytest.fixture
def waiting(tree, sent):
    return sent(kind="denunciation", reporter_name="Trần Văn Tố", consent=True, **CONTENT)


def test_the_sender_completes_the_denunciation_on_its_tracking_page(tree, waiting):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("public:case", args=[waiting.code])
    page = client.get(url).content.decode()
    assert "Luật Tố cáo 2018, Điều 23" in page
    assert "It lacks: the denouncer&#x27;s address; a way to contact the denouncer" in page
    details = reverse("public:details", args=[waiting.code])

    client.post(details, {"reporter_address": "5 phố Kim Mã"})
    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_DETAILS and waiting.missing_details == ["contact"]
    assert waiting.reporter_address == "5 phố Kim Mã"

    before = timezone.now()
    response = client.post(details, {"reporter_phone": "0912 345 678"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.RECEIVED and waiting.reporter_phone == "0912345678"
    # The clocks count from the missing details, not from the first receipt.
    assert waiting.details_completed_at >= before
    assert waiting.deadline_start == waiting.details_completed_at
    assert waiting.deadline_start_event == "details"
    assert waiting.forward_start == waiting.details_completed_at
    page = client.get(url).content.decode()
    assert "Counted from receipt of the missing details" in page


def test_completing_needs_something_new(tree, waiting):
    with pytest.raises(ValidationError) as exc:
        services.complete_details(case=waiting, person_denounced="Người khác")  # not missing
    assert exc.value.code == "empty"
    waiting.refresh_from_db()
    assert waiting.person_denounced == CONTENT["person_denounced"]
    assert waiting.status == Status.AWAITING_DETAILS
    response = Client().post(reverse("public:details", args=[waiting.code]), {})
    assert response.status_code == 200
    assert Case.objects.get(pk=waiting.pk).status == Status.AWAITING_DETAILS


def test_the_clerk_records_the_missing_details(tree, waiting, clerk_a, clerk_b, staff):
    with pytest.raises(PermissionDenied):
        services.complete_details(actor=clerk_b, case=waiting, reporter_address="Hà Đông")

    response = staff(clerk_a).post(
        reverse("voice:details", args=[waiting.pk]),
        {"details-reporter_address": "5 phố Kim Mã", "details-reporter_email": "to@example.vn"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.RECEIVED and waiting.deadline is not None


def test_details_that_never_come_leave_it_information(tree, waiting, clerk_a):
    case = services.treat_as_information(actor=clerk_a, case=waiting, reason="incomplete")
    assert (case.kind, case.status, case.information_reason) == (
        "information",
        Status.RECEIVED,
        "incomplete",
    )
    assert case.deadline_rule.kind == "information"


def test_a_false_identity_makes_a_denunciation_information(tree, sent, clerk_a, clerk_b):
    case = sent(
        kind="denunciation",
        reporter_name="Trần Văn Tố",
        reporter_phone="0912345678",
        reporter_address="5 phố Kim Mã",
        consent=True,
        **CONTENT,
    )
    with pytest.raises(PermissionDenied):
        services.treat_as_information(actor=clerk_b, case=case, reason="false_identity")

    case = services.treat_as_information(
        actor=clerk_a, case=case, reason="false_identity", note="Không có người này tại địa chỉ."
    )

    assert case.kind == "information" and case.forward_deadline is None
    assert case.protects_reporter  # still a denouncer's name: shown to the handler only
    with pytest.raises(ValidationError):
        services.accept_case(actor=clerk_a, case=case)


def test_information_is_used_for_a_check_and_its_page_says_so(tree, sent, clerk_a, staff):
    case = sent(kind="denunciation", **CONTENT)
    page = staff(clerk_a).get(reverse("voice:detail", args=[case.pk]))
    assert [a["name"] for a in page.context["actions"]] == ["settle", "forward", "reject", "assign"]

    tracking = Client().get(reverse("public:case", args=[case.code])).content.decode()
    assert "Luật Tố cáo 2018, Điều 25" in tracking or "Điều 25" in tracking
    assert 'id="deadline"' not in tracking  # no denunciation deadline is shown

    case = services.settle_information(actor=clerk_a, case=case, use="check")

    assert case.status == Status.CLOSED and case.information_use == "check"
    assert case.deadline is None
    with pytest.raises(ValidationError):
        services.settle_information(actor=clerk_a, case=sent(), use="check")
