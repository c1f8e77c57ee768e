"""The public pages: the scorecard, a commune's page (searchable without marks, kept in the
cache until something it shows changes), consultations with comments from anyone, online
ballots; no household's personal data anywhere; query counts that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from danvan.democracy import services
from danvan.democracy.models import Comment, Household, PublicationGroup, VotingCode
from danvan.democracy.tests.conftest import LAST_MONTH, TODAY, publish


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked by their English text (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def visitor():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def public_urls(w):
    return [
        reverse("public:democracy"),
        reverse("public:democracy_commune", args=[w["commune"]]),
        reverse("public:democracy_commune", args=[w["commune"]]) + "?q=ho+ngheo",
        reverse("public:consultation", args=[w["consultation"]]),
        reverse("public:vote", args=[w["matter"]]),
        reverse("public:vote", args=[w["online"]]),
    ]


def test_no_household_data_on_any_public_page(world, visitor):
    codes = list(VotingCode.objects.values_list("code", flat=True))
    assert codes
    secrets = [h.head_name for h in Household.objects.all()] + [
        h.address for h in Household.objects.all()
    ]
    secrets += codes + ["lienhe.rieng@example.vn", "Ngô Thị Ban"]
    for url in public_urls(world):
        response = visitor.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        leaked = [s for s in secrets if s in page]
        assert not leaked, (url, leaked[:3])


def test_commune_page_is_searched_without_marks(world, tree, clerk_a, visitor):
    publish(clerk_a, tree.a.commune, title="Dự toán ngân sách phường")
    url = reverse("public:democracy_commune", args=[world["commune"]])
    page = visitor.get(url + "?q=ngan+sach").content.decode()
    assert "Dự toán ngân sách phường 0" in page
    assert "Danh sách hộ nghèo 0" not in page
    assert "Danh sách hộ nghèo 0" in visitor.get(url + "?q=HO NGHEO").content.decode()


def test_documents_still_waiting_are_not_shown_as_published(world, tree, clerk_a, visitor):
    services.register_publication(
        actor=clerk_a,
        commune=tree.a.commune,
        group=PublicationGroup.objects.get(code="dat-dai"),
        title="Phương án bồi thường chưa công khai",
        document_date=TODAY,
    )
    url = reverse("public:democracy_commune", args=[world["commune"]])
    assert "chưa công khai" not in visitor.get(url).content.decode()


def test_the_cached_page_follows_every_change(world, tree, clerk_a, visitor):
    url = reverse("public:democracy_commune", args=[world["commune"]])
    first = visitor.get(url).content.decode()
    assert "Công khai mới" not in first
    with CaptureQueriesContext(connection) as kept:
        assert visitor.get(url).content.decode() == first
    assert len(kept.captured_queries) == 0  # the version read a moment ago; the page kept
    publish(clerk_a, tree.a.commune, title="Công khai mới")
    assert "Công khai mới 0" in visitor.get(url).content.decode()
    board = services.set_up_board(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="inspection",
        name="Ban Thanh tra nhiệm kỳ mới",
        term_start=TODAY,
    )
    assert board.name in visitor.get(url).content.decode()


def test_an_administrator_s_rule_change_refreshes_the_page(world, city_admin, visitor, monkeypatch):
    from danvan.democracy.models import BoardRule
    from danvan.organisations.services import change_rule
    from danvan.portal import middleware

    url = reverse("public:democracy_commune", args=[world["commune"]])
    assert "not in place" in visitor.get(url).content.decode()  # 1 member of 5
    rule = BoardRule.objects.get(board_kind="inspection")
    change_rule(rule, {"min_members": 1, "effective_from": LAST_MONTH}, actor=city_admin)
    later = middleware.time.monotonic() + 1.5  # the version is read again after a second
    monkeypatch.setattr(middleware.time, "monotonic", lambda: later)
    page = visitor.get(url).content.decode()
    assert "not in place" not in page and "in place" in page


def test_a_signed_in_official_is_never_served_the_visitors_copy(world, clerk_a, visitor, staff):
    url = reverse("public:democracy_commune", args=[world["commune"]])
    visitor.get(url)
    page = staff(clerk_a).get(url)
    assert clerk_a.get_full_name() in page.content.decode()
    assert "private" in page.headers["Cache-Control"]


def test_resident_comments_without_an_account(world, visitor):
    url = reverse("public:comment", args=[world["consultation"]])
    response = visitor.post(url, {"text": "Nên có thêm ghế đá", "contact": ""})
    assert response.status_code == 302 and "sent=1" in response.url
    assert Comment.objects.filter(text="Nên có thêm ghế đá", channel="portal").exists()
    response = visitor.post(url, {"text": "Có liên hệ", "contact": "0912345678"})
    assert "consent" in response.content.decode()
    assert not Comment.objects.filter(text="Có liên hệ").exists()


def test_comments_are_rate_limited(world, visitor):
    url = reverse("public:comment", args=[world["consultation"]])
    statuses = [visitor.post(url, {"text": f"Ý kiến {i}"}).status_code for i in range(7)]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    assert Comment.objects.filter(channel="portal").count() == 6  # one from the fixture


def test_a_closed_consultation_takes_no_comment(world, visitor):
    from danvan.democracy.models import Consultation

    Consultation.objects.filter(pk=world["consultation"]).update(
        closes_on=TODAY - datetime.timedelta(days=1)
    )
    response = visitor.post(reverse("public:comment", args=[world["consultation"]]), {"text": "X"})
    assert "taken from" in response.content.decode()
    assert not Comment.objects.filter(text="X").exists()


def test_a_household_votes_online_once_with_its_code(world, visitor):
    code = VotingCode.objects.filter(matter_id=world["online"]).first().code
    url = reverse("public:ballot", args=[world["online"]])
    assert visitor.post(url, {"code": code, "choice": "yes"}).status_code == 302
    again = visitor.post(url, {"code": code.lower(), "choice": "no"})
    assert "already voted" in again.content.decode()
    wrong = visitor.post(url, {"code": "ZZZZ-ZZZZ", "choice": "no"})
    assert "not valid" in wrong.content.decode()


def test_meeting_votes_take_no_online_ballot(world, visitor):
    page = visitor.get(reverse("public:vote", args=[world["matter"]])).content.decode()
    assert 'name="code"' not in page and "Passed" in page


def test_unknown_or_other_units_are_404(world, tree, visitor):
    for pk in (tree.a.hamlet.pk, tree.city.pk, 999999):
        assert visitor.get(reverse("public:democracy_commune", args=[pk])).status_code == 404


@pytest.mark.parametrize("name", ["public:democracy", "public:democracy_commune"])
def test_public_queries_do_not_grow_with_rows(world, tree, clerk_a, visitor, name):
    args = [] if name == "public:democracy" else [world["commune"]]
    url = reverse(name, args=args) + "?q=danh"  # a search: never served from the cache

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert visitor.get(url).status_code == 200
        return len(captured.captured_queries)

    before = count()
    publish(clerk_a, tree.a.commune, 8, title="Danh sách thêm")
    publish(None, tree.b.commune, 8, title="Danh sách khác")
    services.open_consultation(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="plan",
        title="Dự thảo khác",
        summary="S",
        opens_on=TODAY,
        closes_on=TODAY,
    )
    assert count() == before


def test_scorecard_counts_each_commune(world, tree, clerk_a, visitor):
    page = visitor.get(reverse("public:democracy")).content.decode()
    assert "Phường Ba Đình" in page and "Phường Hà Đông" in page
    assert reverse("public:democracy_commune", args=[tree.a.commune.pk]) in page
    assert timezone.localdate().year == TODAY.year


def test_the_city_scorecard_follows_a_change_in_any_commune(world, tree, visitor):
    url = reverse("public:democracy")
    first = visitor.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        assert visitor.get(url).content.decode() == first
    assert len(kept.captured_queries) == 0
    services.register_publication(
        actor=None,
        commune=tree.b.commune,
        group=PublicationGroup.objects.get(code="dat-dai"),
        title="Phương án bồi thường",
        document_date=LAST_MONTH,
    )
    assert visitor.get(url).content.decode() != first


def test_a_change_made_by_another_worker_shows_within_a_second(
    world, tree, clerk_a, visitor, monkeypatch
):
    """Another worker does not forget this worker's versions: this one reads the version
    again once a second."""
    from danvan.democracy.services import common
    from danvan.portal import middleware

    url = reverse("public:democracy_commune", args=[world["commune"]])
    visitor.get(url)
    monkeypatch.setattr(common, "forget_versions", lambda: None)  # as in another process
    publish(clerk_a, tree.a.commune, title="Từ tiến trình khác")
    assert "Từ tiến trình khác" not in visitor.get(url).content.decode()
    later = middleware.time.monotonic() + 1.5
    monkeypatch.setattr(middleware.time, "monotonic", lambda: later)
    assert "Từ tiến trình khác 0" in visitor.get(url).content.decode()
