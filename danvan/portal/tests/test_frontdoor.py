"""The citizen's front door: the public home, the commune finder, a page per commune and the
map of the communes. Nothing personal on any of them; queries that do not grow with rows."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import english_client
from danvan.democracy import services as democracy_services
from danvan.organisations.models import REFORM_DATE, UnitKind
from danvan.organisations.services import create_unit, replace_units, update_unit
from danvan.portal import places
from danvan.portal.places import commune_slug
from danvan.portal.tests.test_library import recognised
from danvan.voice import services
from danvan.voice.models import Case, Category, ReceptionSchedule

HOME = reverse("home")
FINDER = reverse("public:finder")
REPORTER = {
    "reporter_name": "Nguyễn Thị Riêng Tư",
    "reporter_phone": "0912345678",
    "reporter_email": "rieng.tu@example.com",
    "reporter_address": "Số 9 ngõ Kín",
    "consent": True,
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def visitor():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def send(commune, title="Rác thải ở ngõ 12", **extra):
    return services.submit_case(
        channel="portal",
        kind="feedback",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title=title,
        description="Rác để lâu ngày, mùi khó chịu.",
        **extra,
    )


def answer(case, clerk, text="Đã xử lý."):
    case = services.accept_case(actor=clerk, case=case)
    return services.answer_case(actor=clerk, case=case, answer=text)


def place(unit, latitude, longitude):
    return update_unit(actor=None, unit=unit, latitude=latitude, longitude=longitude)


@pytest.fixture
def city(tree, clerk_a):
    """Ward A (Ba Đình) has two answered cases, one from a citizen who gave their details, and
    one still open; ward B (Hà Đông) one open case. Both have centres; ward A replaced the old
    Phường Phúc Xá of the old Quận Ba Đình."""
    place(tree.a.commune, 21.0341, 105.8372)
    place(tree.b.commune, 20.9714, 105.7788)
    answer(send(tree.a.commune, "Đèn đường hỏng", **REPORTER), clerk_a, "Đã thay bóng đèn.")
    answer(send(tree.a.commune, "Rác thải ở ngõ 12"), clerk_a)
    send(tree.a.commune, "Chưa trả lời")
    send(tree.b.commune)
    closed = REFORM_DATE - datetime.timedelta(days=1)
    district = create_unit(
        actor=None,
        parent=tree.city,
        name="Quận Ba Đình",
        kind=UnitKind.LEGACY_DISTRICT,
        valid_to=closed,
    )
    old = create_unit(
        actor=None,
        parent=district,
        name="Phường Phúc Xá",
        kind=UnitKind.COMMUNE,
        code="00001",
        valid_to=closed,
    )
    replace_units(actor=None, successor=tree.a.commune, predecessors=[old], closed_on=REFORM_DATE)
    return tree


def commune_url(unit) -> str:
    return reverse("public:commune", args=[commune_slug(unit.name)])


# The public home ---------------------------------------------------------------------------


def test_a_visitor_lands_on_the_public_home(visitor, city):
    response = visitor.get(HOME)

    assert response.status_code == 200
    text = response.text
    for name in ("public:send", "public:track", "public:scorecards", "public:democracy"):
        assert f'href="{reverse(name)}"' in text
    assert f'href="{reverse("portal:library")}"' in text
    assert f'href="{reverse("accounts:login")}"' in text  # staff sign-in, one link away
    headline = response.context["headline"]
    assert (headline.received, headline.on_time_pct) == (4, 100.0)
    assert not response.cookies
    assert "public" in response.headers["Cache-Control"]


def test_the_finder_is_a_get_form_that_works_without_javascript(visitor, city):
    text = visitor.get(HOME).text

    form = re.search(r'<form method="get" action="([^"]+)"[^>]*id="finder"', text)
    assert form and form.group(1) == FINDER
    # The position button is hidden until the script shows it.
    assert re.search(r"<button[^>]*data-locate[^>]*hidden>", text)


def test_staff_keep_their_home_after_signing_in(city, city_officer):
    response = english_client(city_officer).get(HOME)

    assert response.status_code == 200
    assert "organisations/home.html" in [t.name for t in response.templates]
    assert (
        "Cache-Control" not in response.headers or "public" not in response.headers["Cache-Control"]
    )


# The commune finder ------------------------------------------------------------------------


def found(response) -> list[tuple[str, str | None]]:
    return [(f.commune.name, f.via.name if f.via else None) for f in response.context["results"]]


def test_a_name_without_marks_finds_the_commune(visitor, city):
    response = visitor.get(FINDER, {"q": "ba dinh"})

    assert response.status_code == 200
    assert ("Phường Ba Đình", None) in found(response)
    assert f'href="{commune_url(city.a.commune)}"' in response.text


def test_an_old_commune_or_district_leads_to_its_successor(visitor, city):
    assert found(visitor.get(FINDER, {"q": "phuc xa"})) == [("Phường Ba Đình", "Phường Phúc Xá")]
    assert found(visitor.get(FINDER, {"q": "QUẬN BA ĐÌNH"})) == [("Phường Ba Đình", "Quận Ba Đình")]


def test_an_unknown_or_empty_name_says_so(visitor, city):
    response = visitor.get(FINDER, {"q": "không có"})
    assert response.status_code == 200 and found(response) == []
    assert "No commune or ward has this name" in response.text

    empty = visitor.get(FINDER, {"q": "  "})
    assert empty.status_code == 200
    assert "Type the name of a commune" in empty.text


def test_a_position_leads_to_the_nearest_commune(visitor, city):
    response = visitor.get(FINDER, {"lat": "20.97", "lon": "105.78"})
    assert response.status_code == 302
    assert response.headers["Location"] == commune_url(city.b.commune)

    far = visitor.get(FINDER, {"lat": "10.77", "lon": "106.70"})  # Hồ Chí Minh City
    assert far.status_code == 200 and far.context["far"]

    for bad in ({"lat": "20.97"}, {"lat": "abc", "lon": "105.78"}, {"lat": "95", "lon": "1"}):
        half = visitor.get(FINDER, bad)
        assert half.status_code == 200 and "The position was incomplete" in half.text, bad


# A commune's page --------------------------------------------------------------------------


@pytest.fixture
def commune_extras(city, clerk_a):
    recognised(city.a.hamlet, "Mô hình “Ngõ xanh”", actor=clerk_a)
    ReceptionSchedule.objects.create(
        unit=city.a.state, weekday=3, place="Trụ sở UBND phường", host="Chủ tịch UBND phường"
    )
    today = timezone.localdate()
    democracy_services.open_consultation(
        actor=clerk_a,
        commune=city.a.commune,
        kind="plan",
        title="Dự thảo cải tạo vườn hoa",
        summary="Tóm tắt",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=10),
    )
    return city


def test_a_commune_page_shows_its_figures_cases_models_and_reception(visitor, commune_extras):
    city = commune_extras
    response = visitor.get(commune_url(city.a.commune))

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/xa-phuong/phuong-ba-dinh/"
    card = response.context["card"]
    assert (card.received, card.answered) == (3, 2)
    text = response.text
    assert "Đèn đường hỏng" in text and "Rác thải ở ngõ 12" in text
    assert "Chưa trả lời" not in text  # not answered yet
    assert "Mô hình “Ngõ xanh”" in text
    assert "Thursday" in text and "Trụ sở UBND phường" in text
    assert "Dự thảo cải tạo vườn hoa" in text
    assert reverse("public:democracy_commune", args=[city.a.commune.pk]) in text
    assert "Phường Phúc Xá" in text  # what it replaced in 2025
    assert "UBND Phường Ba Đình" in text  # who answers
    assert "public" in response.headers["Cache-Control"]


def test_no_personal_data_on_the_public_pages(visitor, commune_extras):
    city = commune_extras
    pages = [HOME, commune_url(city.a.commune), FINDER + "?q=ba+dinh"]
    for url in pages:
        text = visitor.get(url).text
        for value in (*[v for v in REPORTER.values() if isinstance(v, str)], "Đã thay bóng đèn"):
            assert value not in text, (url, value)
        assert "Văn thư Ba Đình" not in text  # the handler
        for code in Case.objects.values_list("code", flat=True):
            assert code not in text  # the code opens the case's rating and reopening


def test_an_unknown_slug_is_a_404_with_the_finder(visitor, city):
    for slug in ("khong-co", "phuong-phuc-xa", commune_slug(city.a.hamlet.name), "Phường"):
        response = visitor.get(reverse("public:commune", args=[slug]))
        assert response.status_code == 404, slug
        assert 'id="finder"' in response.text
        assert "There is no commune page at this address" in response.text


def test_queries_do_not_grow_with_rows(visitor, commune_extras, clerk_a):
    city = commune_extras
    urls = [HOME, commune_url(city.a.commune)]

    def counts():
        from django.core.cache import cache

        result = []
        for url in urls:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert visitor.get(url).status_code == 200
            result.append(len(captured.captured_queries))
        return result

    before = counts()
    for n in range(4):
        answer(send(city.a.commune, f"Phản ánh {n}"), clerk_a)
        recognised(city.a.hamlet, f"Mô hình {n}", actor=clerk_a)
        ReceptionSchedule.objects.create(unit=city.a.party, weekday=n, place="P", host="H")
    other = create_unit(
        actor=None, parent=city.city, name="Xã Sóc Sơn", kind=UnitKind.COMMUNE, code="00200"
    )
    place(other, 21.25, 105.85)
    assert counts() == before


# The map -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, reverse("public:scorecards")])
def test_the_maps_table_equals_its_figures(visitor, city, url):
    text = visitor.get(url).text
    svg = text[text.index('<svg xmlns="http://www.w3.org/2000/svg"') :]
    svg = svg[: svg.index("</svg>")]
    dots = re.findall(r'<circle [^>]*class="spot"[^>]*>(?:<title>([^<]*)</title>)', svg)
    table = text[text.index('<table class="chart-table">') :]
    rows = re.findall(
        r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a></th>((?:<td[^>]*>[^<]*</td>)*)</tr>',
        table,
    )
    cells = [(name, re.findall(r"<td[^>]*>([^<]*)</td>", tds)) for name, tds in rows]
    # The same communes in the same order, each dot's figure the last cell of its row.
    assert dots == [f"{name}: {tds[-1]}" for name, tds in cells]
    values = re.findall(r'<circle [^>]*class="spot"[^>]*?(?: data-value="([^"]*)")?>', svg)
    spots = places._map_spots(*map_args(city))
    assert values == ["" if s.value is None else repr(s.value) for s in spots]
    assert {s.label: s.value for s in spots} == {
        city.a.commune.name: 100.0,
        city.b.commune.name: None,
    }
    assert [tds for _name, tds in cells] == [["3", "2", "100.0%"], ["1", "0", "—"]]


def map_args(city):
    start, end = places.year_to_date()
    return city.city, start, end


# Visitors' copies ----------------------------------------------------------------------------


@pytest.fixture
def keeping(settings):
    settings.PUBLIC_PAGE_SECONDS = 60


@pytest.mark.parametrize("which", ["home", "commune", "scorecards", "library"])
def test_visitors_get_a_kept_copy_until_the_window_ends(
    visitor, city, clerk_a, monkeypatch, keeping, which
):
    """The public pages are served from the cache, with no query, for the rest of the window
    their figures were computed in; the next window shows what changed."""
    url = {
        "home": HOME,
        "commune": commune_url(city.a.commune),
        "scorecards": reverse("public:scorecards") + "?period=year",
        "library": reverse("portal:library"),
    }[which]
    window = [1000]
    monkeypatch.setattr(places, "freshness_window", lambda now=None: window[0])
    monkeypatch.setattr("danvan.portal.middleware.freshness_window", lambda: window[0])
    first = visitor.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as kept:
        again = visitor.get(url)
    assert len(kept.captured_queries) == 0
    assert again.content == first.content

    answer(send(city.a.commune, "Cây đổ chắn lối đi"), clerk_a, "Đã dọn cây.")
    recognised(city.a.hamlet, "Mô hình mới công nhận", actor=clerk_a)
    assert visitor.get(url).content == first.content  # the same window: the same copy
    window[0] += 1
    with CaptureQueriesContext(connection) as fresh:
        later = visitor.get(url)
    assert len(fresh.captured_queries) > 0
    assert later.content != first.content
    if which == "commune":
        assert "Cây đổ chắn lối đi" in later.text
    if which == "library":
        assert "Mô hình mới công nhận" in later.text


def test_the_kept_copy_is_in_the_visitors_language(city, keeping):
    url = commune_url(city.a.commune)
    english, vietnamese = Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    vietnamese.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    en_text = english.get(url).text
    vi_text = vietnamese.get(url).text
    assert '<html lang="en"' in en_text
    assert '<html lang="vi"' in vi_text
    assert english.get(url).text == en_text  # each language its own copy
    assert vietnamese.get(url).text == vi_text


@pytest.mark.parametrize(
    "url",
    [
        HOME + "?x=1",
        reverse("public:scorecards") + "?period=year&period=month",
        reverse("portal:library") + "?q=rac",  # a free search: never kept
        reverse("portal:library") + "?page=" + "9" * 100,
    ],
)
def test_other_queries_are_never_kept(visitor, city, keeping, url):
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert visitor.get(url).status_code == 200
        assert len(captured.captured_queries) > 0


def test_nothing_is_kept_when_the_setting_is_zero(visitor, city):
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert visitor.get(HOME).status_code == 200
        assert len(captured.captured_queries) > 0


def test_staff_and_unknown_communes_are_never_kept(visitor, city, city_officer, keeping):
    for _ in range(2):
        with CaptureQueriesContext(connection) as unknown:
            assert visitor.get(reverse("public:commune", args=["xa-khong-co"])).status_code == 404
        assert len(unknown.captured_queries) > 0
    visitor.get(HOME)  # a visitor's copy of the home is kept now
    response = english_client(city_officer).get(HOME)
    assert response.status_code == 200
    assert "organisations/home.html" in [t.name for t in response.templates]
