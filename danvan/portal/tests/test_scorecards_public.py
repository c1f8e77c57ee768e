"""The public scorecards: how the city and each commune handle the people's cases."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.portal.forms import period_dates
from danvan.voice import services
from danvan.voice.models import Case, Category

SCORECARDS = reverse("public:scorecards")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def send(commune, *, received_at=None):
    return services.submit_case(
        channel="portal",
        kind="feedback",
        category=Category.objects.get(code="moi-truong"),
        commune=commune,
        title="Rác thải",
        description="Rác để lâu ngày.",
        received_at=received_at,
    )


def answer(case, clerk):
    case = services.accept_case(actor=clerk, case=case)
    return services.answer_case(actor=clerk, case=case, answer="Đã xử lý.")


@pytest.fixture
def cases(tree, clerk_a):
    """Ward A: three cases, two answered, one of them rated satisfied. Ward B: one case."""
    a1, a2, _a3 = send(tree.a.commune), send(tree.a.commune), send(tree.a.commune)
    answer(a1, clerk_a)
    services.rate_case(case=answer(a2, clerk_a), satisfied=True)
    send(tree.b.commune)
    # Last year's case counts in last year only.
    send(tree.a.commune, received_at=timezone.now().replace(year=timezone.now().year - 1))


def row_for(response, unit):
    return next(row for row in response.context["table"] if row.unit == unit)


def test_city_scorecard_counts_this_years_cases(client, tree, cases):
    response = client.get(SCORECARDS)

    card = response.context["card"]
    assert response.status_code == 200
    assert response.context["unit"] == tree.city
    assert (card.received, card.answered, card.satisfied, card.rated) == (4, 2, 1, 1)
    assert card.answered_pct == 50.0 and card.on_time_pct == 100.0
    assert "50,0%" in response.text  # Vietnamese decimal comma
    assert not response.cookies
    assert "public" in response.headers["Cache-Control"]


def test_league_table_lists_communes_with_links(client, tree, cases):
    response = client.get(SCORECARDS)

    a, b = row_for(response, tree.a.commune), row_for(response, tree.b.commune)
    assert (a.received, a.answered) == (3, 2)
    assert (b.received, b.answered) == (1, 0)
    link = f'{SCORECARDS}?period=year&amp;unit={tree.a.commune.pk}"'
    assert link in response.text


def test_one_communes_scorecard(client, tree, cases):
    response = client.get(SCORECARDS, {"unit": tree.a.commune.pk})

    card = response.context["card"]
    assert response.context["unit"] == tree.a.commune
    assert (card.received, card.answered) == (3, 2)
    assert row_for(response, tree.a.state).received == 3  # the committee that handled them


def test_last_year(client, tree, cases):
    response = client.get(SCORECARDS, {"period": "last_year"})

    assert response.context["card"].received == 1


def test_an_unknown_period_falls_back_to_this_year(client, tree, cases):
    response = client.get(SCORECARDS, {"period": "forever"})

    assert response.status_code == 200 and response.context["period"] == "year"


@pytest.mark.parametrize("which", ["hamlet", "state", "former", "garbage", "missing"])
def test_the_unit_must_be_a_current_commune(client, tree, which):
    former = create_unit(
        actor=None,
        parent=tree.city,
        name="Phường Cũ",
        kind=UnitKind.COMMUNE,
        code="00001",
        key="t-00001",
        valid_to=datetime.date(2025, 6, 30),
    )
    unit = {
        "hamlet": tree.a.hamlet.pk,
        "state": tree.a.state.pk,
        "former": former.pk,
        "garbage": "x1",
        "missing": 999999,
    }[which]

    assert client.get(SCORECARDS, {"unit": unit}).status_code == 404


def test_median_handling_time_is_shown(client, tree, cases):
    Case.objects.filter(handling_hours__isnull=False).update(handling_hours=30)

    response = client.get(SCORECARDS)

    assert response.context["median"] is not None
    assert "30,0" in response.context["median"]


def test_period_dates():
    today = datetime.date(2026, 11, 28)
    assert period_dates("month", today) == (datetime.date(2026, 11, 1), today)
    assert period_dates("quarter", today) == (datetime.date(2026, 10, 1), today)
    assert period_dates("year", today) == (datetime.date(2026, 1, 1), today)
    assert period_dates("last_year", today) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )


@pytest.mark.parametrize("params", [{}, {"unit": "a"}])
def test_queries_do_not_grow_with_cases(client, tree, clerk_a, params):
    if params:
        params = {"unit": tree.a.commune.pk}

    def count_queries() -> int:
        cache.clear()  # the city's map of communes is kept for a few minutes
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SCORECARDS, params).status_code == 200
        return len(queries)

    def add(n):
        for i in range(n):
            case = send(tree.a.commune if i % 2 else tree.b.commune)
            if i % 3 == 1 and case.commune == tree.a.commune:
                answer(case, clerk_a)

    add(3)
    few = count_queries()
    add(27)
    many = count_queries()

    # The roll-up reads a period in two parts: months, days; the city's page adds its map.
    assert few == many <= (12 if params else 16)
