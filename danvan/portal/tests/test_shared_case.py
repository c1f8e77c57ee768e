"""A case someone else sent, as the citizen about to send the same thing follows it: its
public facts only, never the sender, the text, the answer or the tracking code."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from danvan.portal.tests.test_frontdoor import REPORTER, answer, send
from danvan.voice import services, similar
from danvan.voice.models import Case, Category

FLOOD = "Ngõ 12 phố Trần Phú bị ngập nước sâu mỗi khi mưa to"


@pytest.fixture
def visitor():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    similar.clear_cache()
    yield
    similar.clear_cache()


def page(client, case):
    return client.get(reverse("public:shared_case", args=[case.pk]))


def test_the_public_facts_of_a_feedback_and_nothing_personal(tree, visitor):
    case = send(tree.a.commune, title=FLOOD, **REPORTER)
    response = page(visitor, case)
    assert response.status_code == 200
    html = response.content.decode()
    assert FLOOD in html and tree.a.commune.name in html
    for secret in (case.code, case.description, *(v for v in REPORTER.values() if v is not True)):
        assert secret not in html
    # Sending one's own message stays one click away.
    assert reverse("public:send") in html


def test_an_answered_case_shows_when_but_not_what(tree, visitor, clerk_a):
    case = send(tree.a.commune, title=FLOOD)
    answer(case, clerk_a, "Ông Nguyễn Văn B ở số 7 đã được nhắc nhở.")
    html = page(visitor, case).content.decode()
    assert "Answered" in html
    assert "Nguyễn Văn B" not in html


def test_complaints_and_denunciations_are_not_shown(tree, visitor):
    complaint = services.submit_case(
        channel="portal",
        kind="complaint",
        category=Category.objects.get(code="moi-truong"),
        commune=tree.a.commune,
        title="Khiếu nại quyết định xử phạt",
        description="Tôi không đồng ý với quyết định xử phạt số 12.",
        decision_complained="Quyết định xử phạt số 12/QĐ-XPHC",
        **REPORTER,
    )
    assert page(visitor, complaint).status_code == 404
    assert visitor.get("/phan-anh/999999/").status_code == 404


def test_a_merged_case_leads_to_the_case_it_follows(tree, visitor, clerk_a):
    kept = send(tree.a.commune, title=FLOOD)
    duplicate = send(tree.a.commune, title=FLOOD + " (2)")
    services.merge_cases(actor=clerk_a, kept=kept, duplicate=duplicate)
    response = page(visitor, duplicate)
    assert response.status_code == 302
    assert response["Location"] == reverse("public:shared_case", args=[kept.pk])
    assert "1 other sender" in page(visitor, kept).content.decode()


def test_the_suggestions_link_to_the_cases_public_pages(
    tree,
    visitor,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = send(tree.a.commune, title=FLOOD)
    html = visitor.get(
        reverse("public:similar"),
        {"commune": tree.a.commune.pk, "title": "Ngo 12 pho Tran Phu ngap nuoc khi mua to"},
    ).content.decode()
    assert reverse("public:shared_case", args=[case.pk]) in html
    assert case.code not in html


def test_the_page_costs_the_same_queries_whatever_was_merged(
    tree,
    visitor,
    clerk_a,
    django_assert_max_num_queries,
):
    kept = send(tree.a.commune, title=FLOOD)
    page(visitor, kept)
    for i in range(5):
        services.merge_cases(
            actor=clerk_a, kept=kept, duplicate=send(tree.a.commune, title=f"{FLOOD} {i}")
        )
    with django_assert_max_num_queries(6):
        assert page(visitor, Case.objects.get(pk=kept.pk)).status_code == 200
