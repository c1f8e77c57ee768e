"""The figures of grassroots democracy, per commune and for the city: the metrics registry
(dashboards, targets, reports) and the roll-up tables agree with the rows they count."""

import datetime

import pytest
from django.urls import reverse

from danvan.democracy import services
from danvan.democracy.models import PublicationGroup, PublicationMonthStat
from danvan.democracy.rollup import rebuild
from danvan.democracy.scorecards import commune_table, figures
from danvan.democracy.tests.conftest import add_households
from danvan.lib.metrics import compute, compute_many

YEAR_START = datetime.date(2026, 1, 1)
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def filled(tree, clerk_a, clerk_b):
    group = PublicationGroup.objects.get(code="ho-tro")

    def pub(actor, commune, published_on):
        return services.register_publication(
            actor=actor,
            commune=commune,
            group=group,
            title="Danh sách",
            document_date=datetime.date(2026, 3, 2),
            published_on=published_on,
            channels=["portal"],
        )

    pub(clerk_a, tree.a.commune, datetime.date(2026, 3, 3))  # on time
    pub(clerk_a, tree.a.commune, datetime.date(2026, 3, 20))  # late
    pub(clerk_b, tree.b.commune, datetime.date(2026, 3, 4))  # on time
    pub(clerk_b, tree.b.commune, None)  # waiting, overdue
    add_households(tree.a.hamlet, 10)
    for yes in (8, 4):
        matter = services.open_matter(
            actor=clerk_a,
            hamlet=tree.a.hamlet,
            kind="other",
            title="X",
            method="meeting",
            vote_date=datetime.date(2026, 4, 1),
        )
        services.tally_vote(
            actor=clerk_a, matter=matter, participated=10, yes=yes, no=10 - yes, minutes="BB"
        )


def test_figures_per_commune_and_city(filled, tree):
    a = figures(tree.a.commune, YEAR_START, TODAY)
    assert (a.registered, a.on_time, a.on_time_pct) == (2, 1, 50.0)
    assert (a.held, a.passed) == (2, 1)
    city = figures(tree.city, YEAR_START, TODAY)
    assert (city.registered, city.on_time, city.overdue) == (4, 2, 1)
    total, table = commune_table(tree.city, YEAR_START, TODAY)
    assert {k: v for k, v in total.counts.items() if v} == {
        k: v for k, v in city.counts.items() if v
    }
    rows = {r.unit.pk: r for r in table}
    assert rows[tree.b.commune.pk].overdue == 1 and rows[tree.a.commune.pk].overdue == 0
    assert rows[tree.b.commune.pk].on_time_pct == 50.0
    assert rows[tree.b.commune.pk].text["on_time_pct"] in ("50.0%", "50,0%")


def test_metrics_registry_agrees(filled, tree):
    assert compute("publications_on_time", tree.city, YEAR_START, TODAY) == 50.0
    assert compute("votes_passed", tree.a.commune, YEAR_START, TODAY) == 1
    many = compute_many("publications_overdue", [tree.a.commune, tree.b.commune], YEAR_START, TODAY)
    assert many == {tree.a.commune.pk: 0, tree.b.commune.pk: 1}


def test_rollup_rebuild_gives_the_triggers_counts(filled):
    kept = sorted(PublicationMonthStat.objects.values_list("unit_id", "month", "on_time"))
    rebuild()
    assert sorted(PublicationMonthStat.objects.values_list("unit_id", "month", "on_time")) == kept


def test_dashboard_shows_the_democracy_panel(filled, tree, city_officer, staff):
    page = staff(city_officer).get(reverse("dashboard:unit", args=[tree.city.pk]) + "?period=year")
    assert page.status_code == 200
    assert "Grassroots democracy" in page.content.decode()
    assert "Publications on time" in page.content.decode()
