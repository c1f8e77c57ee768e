"""The citizen's form by the letter of the law: a late complaint is warned of before it is
sent and asks for the reason of the delay; bad dates are refused on their fields; the
tracking page tells what the law made of the case."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from danvan.voice import services
from danvan.voice.models import Case, Category, RejectionReason

SEND = reverse("public:send")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def complaint(tree, **changes) -> dict:
    data = {
        "kind": "complaint",
        "category": Category.objects.get(code="dat-dai-xay-dung").pk,
        "commune": tree.a.commune.pk,
        "title": "Khiếu nại quyết định cưỡng chế",
        "description": "Quyết định cưỡng chế không đúng quy định.",
        "decision_complained": "Quyết định số 215/QĐ-UBND",
        "decision_date": ago(130),
        "decision_known_on": ago(120),
        "reporter_name": "Nguyễn Văn Hùng",
        "reporter_phone": "0912345678",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_late_complaint_is_warned_of_then_sent_with_its_reason(client, tree):
    first = client.post(SEND, complaint(tree, delay_reason=None))

    assert first.status_code == 200 and not Case.objects.exists()
    html = first.content.decode()
    assert "Before you send" in html and "The limitation period for this case ended on" in html
    assert "Luật Khiếu nại 2011, Điều 9" in html
    assert first.context["form"].warning_codes == "late"

    sent = client.post(SEND, complaint(tree, confirm="on", warned="late"))

    assert sent.status_code == 302
    case = Case.objects.get()
    assert case.time_barred is True
    page = client.get(sent.url).content.decode()
    assert "Filed after the limitation period" in page
    assert "The unit decides whether the delay has a valid reason." in page


def test_the_obstacle_with_its_dates_makes_it_timely_without_a_warning(client, tree):
    response = client.post(
        SEND,
        complaint(
            tree,
            obstacle_cause="illness",
            obstacle_start=ago(110),
            obstacle_end=ago(70),
            delay_reason="Tôi nằm viện điều trị dài ngày.",
        ),
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.time_barred is False
    assert case.obstacles.get().cause == "illness"
    assert case.delay_reason == "Tôi nằm viện điều trị dài ngày."


def test_a_box_ticked_for_another_notice_does_not_send_it(client, tree):
    response = client.post(SEND, complaint(tree, confirm="on", warned="information"))
    assert response.status_code == 200 and not Case.objects.exists()
    assert response.context["form"].errors["confirm"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"decision_date": "2099-01-01"}, "decision_date", "cannot be dated in the future"),
        ({"decision_known_on": "2099-01-01"}, "decision_known_on", "This date is in the future."),
        (
            {"decision_date": ago(10), "decision_known_on": ago(20)},
            "decision_known_on",
            "cannot have become known before its date",
        ),
        ({"delay_reason": "Tôi bị ốm."}, "obstacle_start", "Give the dates (from, to)"),
        (
            {"obstacle_cause": "illness", "obstacle_start": ago(50)},
            "obstacle_start",
            "Give both dates of the obstacle",
        ),
        (
            {"obstacle_cause": "away", "obstacle_start": ago(50), "obstacle_end": ago(60)},
            "obstacle_end",
            "The obstacle ends before it starts.",
        ),
    ],
)
def test_bad_dates_are_marked_on_their_fields_and_nothing_is_sent(
    client, tree, changes, field, message
):
    response = client.post(SEND, complaint(tree, **changes))

    assert response.status_code == 200 and not Case.objects.exists()
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert "Your message has not been sent yet" in response.content.decode()


def test_other_kinds_ignore_the_complaint_dates(client, tree):
    data = complaint(tree, kind="feedback", decision_known_on="2099-01-01", delay_reason="x")
    response = client.post(SEND, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.decision_known_on is None and case.delay_reason == "" and not case.time_barred


def test_the_form_asks_for_the_delay_with_the_complaint(client, tree):
    html = client.get(SEND).content.decode()
    for name in ("decision_date", "obstacle_cause", "obstacle_start", "obstacle_end"):
        assert f'name="{name}"' in html
    assert "If you file late" in html


def test_the_public_scorecards_count_refusals_for_a_late_filing(client, tree, clerk_a):
    late = client.post(SEND, complaint(tree, confirm="on", warned="late"))
    assert late.status_code == 302
    services.reject_case(
        actor=clerk_a, case=Case.objects.get(), reason=RejectionReason.objects.get(time_barred=True)
    )

    page = client.get(reverse("public:scorecards"))

    assert page.context["card"].time_barred == 1
    assert 'id="kpi-time-barred">1<' in page.content.decode()
