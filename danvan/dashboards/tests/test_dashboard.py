"""The dashboard: scope, figures that add up the tree, constant queries, charts that parse."""

import datetime
import io
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.accounts.models import Role
from danvan.accounts.services import assign_role
from danvan.dashboards.queries import (
    Period,
    build_dashboard,
    format_value,
    rank_children,
)
from danvan.lib import charts
from danvan.lib.metrics import METRICS, Metric
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry.models import (
    Field,
    ModelYearStat,
    PracticeModel,
    RecognitionLevel,
    Replication,
    Status,
)
from danvan.voice.models import Case, CaseDayStat, CaseMonthStat, Category, new_tracking_code
from danvan.voice.models import Status as CaseStatus

YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
YEAR_QUERY = {"period": "custom", "start": "2026-01-01", "end": "2026-12-31"}
SVG = "{http://www.w3.org/2000/svg}"
# The metrics read in bulk, from their source: every one registered by registry and voice.
BUILT_IN = [code for code, metric in METRICS.items() if metric.source is not None]


def parse(markup: str) -> ET.Element:
    """Parse our own output as XML: it must be well formed."""
    return ET.fromstring(markup)  # noqa: S314 - markup this project rendered, not a visitor's


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(year, month, day=15):
    return datetime.datetime(
        year, month, day, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )


def add_models(unit, n, *, year, recognised=0, status=Status.REGISTERED, kind="collective"):
    """n models of a unit in a year, the first `recognised` of them recognised."""
    field = Field.objects.order_by("order").first()
    level = RecognitionLevel.objects.get(code="co-so")
    return PracticeModel.objects.bulk_create(
        PracticeModel(
            name=f"Mô hình {unit.pk}-{year}-{i}",
            field=field,
            unit=unit,
            year=year,
            kind=kind,
            status=Status.RECOGNISED if i < recognised else status,
            recognised_level=level if i < recognised else None,
        )
        for i in range(n)
    )


def add_cases(unit, n, *, received_at, **fields):
    category = Category.objects.order_by("pk").first()
    return Case.objects.bulk_create(
        Case(
            code=new_tracking_code(),
            channel="portal",
            category=category,
            title="Rác thải tồn đọng",
            description="Rác để ở đầu ngõ.",
            commune=unit,
            responsible=unit,
            responsible_path=unit.path,
            received_at=received_at,
            **fields,
        )
        for _ in range(n)
    )


def answered(late=False, satisfied=None):
    return {
        "status": CaseStatus.ANSWERED,
        "answered_at": at(2026, 12, 1),
        "answered_late": late,
        "satisfied": satisfied,
    }


@pytest.fixture
def figures(tree):
    """Models, replications and cases at several levels of the tree, in 2025 and 2026."""
    add_models(tree.city, 1, year=2026, recognised=1)
    add_models(tree.a.commune, 2, year=2026, recognised=1)
    add_models(tree.a.hamlet, 3, year=2025, recognised=2)
    source = add_models(tree.b.front, 2, year=2026)
    add_models(tree.b.hamlet, 1, year=2024)
    Replication.objects.create(
        model=source[0], unit=tree.a.hamlet, title="Nhân rộng", start_date=datetime.date(2026, 3, 1)
    )
    Replication.objects.create(
        model=source[1], unit=tree.a.party, title="Nhân rộng", start_date=datetime.date(2025, 3, 1)
    )
    add_cases(tree.a.state, 2, received_at=at(2026, 2), **answered(satisfied=True))
    add_cases(tree.a.state, 1, received_at=at(2026, 3), **answered(late=True, satisfied=False))
    add_cases(tree.a.commune, 1, received_at=at(2026, 4), status=CaseStatus.ACCEPTED, overdue=True)
    add_cases(tree.b.state, 2, received_at=at(2025, 6), **answered())
    add_cases(tree.b.hamlet, 1, received_at=at(2025, 2), **answered(late=True, satisfied=True))
    add_cases(tree.b.state, 1, received_at=at(2026, 1, 1))
    return tree


# Periods


def test_previous_period_of_a_year_a_quarter_and_some_days():
    assert YEAR.previous() == Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    quarter = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter.previous() == Period(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    days = Period(datetime.date(2026, 3, 10), datetime.date(2026, 3, 19))
    assert days.previous() == Period(datetime.date(2026, 2, 28), datetime.date(2026, 3, 9))


def test_a_period_under_way_is_compared_with_the_same_stretch_before_it():
    to_date = Period(datetime.date(2026, 1, 1), datetime.date(2026, 11, 28), span=12)
    assert to_date.previous() == Period(datetime.date(2025, 1, 1), datetime.date(2025, 11, 28))
    quarter = Period(datetime.date(2026, 10, 1), datetime.date(2026, 11, 28), span=3)
    assert quarter.previous() == Period(datetime.date(2026, 7, 1), datetime.date(2026, 8, 28))
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 30))
    assert march.previous() == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    leap = Period(datetime.date(2024, 1, 1), datetime.date(2024, 2, 29), span=12)
    assert leap.previous() == Period(datetime.date(2023, 1, 1), datetime.date(2023, 2, 28))


def test_this_year_runs_to_today_and_a_bad_custom_period_falls_back(client_for, city_officer, tree):
    client = client_for(city_officer)
    url = reverse("dashboard:unit", args=[tree.city.pk])
    today = timezone.localdate()
    board = client.get(url).context["board"]
    assert (board.current.start, board.current.end) == (today.replace(month=1, day=1), today)
    response = client.get(url, {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["board"].current.start == today.replace(month=1, day=1)


def test_periods_are_charted_by_month_up_to_two_years_then_by_year():
    assert [b.label for b in YEAR.buckets()][:2] == ["01/2026", "02/2026"]
    assert len(YEAR.buckets()) == 12
    decade = Period(datetime.date(2016, 7, 1), datetime.date(2026, 6, 30))
    buckets = decade.buckets()
    assert [b.label for b in buckets][:2] == ["2016", "2017"]
    assert buckets[0].start == datetime.date(2016, 7, 1)
    assert buckets[-1].end == datetime.date(2026, 6, 30)


# Scope


def dashboard_urls(unit):
    """The dashboard of a unit and its drill-down for every metric."""
    return [reverse("dashboard:unit", args=[unit.pk])] + [
        reverse("dashboard:drill", args=[unit.pk, code]) for code in METRICS
    ]


def test_clerk_cannot_open_another_wards_dashboard_or_drill_down(client_for, clerk_b, tree):
    client = client_for(clerk_b)
    for unit in (tree.a.commune, tree.a.party, tree.a.hamlet, tree.city):
        for url in dashboard_urls(unit):
            assert client.get(url).status_code == 404, url
    assert client.get(reverse("dashboard:unit", args=[tree.b.hamlet.pk])).status_code == 200


def test_clerk_of_one_branch_sees_only_its_branch(client_for, front_clerk_a, tree):
    client = client_for(front_clerk_a)
    assert client.get(reverse("dashboard:home")).context["unit"] == tree.a.front
    for url in dashboard_urls(tree.a.commune) + dashboard_urls(tree.a.party):
        assert client.get(url).status_code == 404, url


def test_city_officer_sees_both_wards(client_for, city_officer, tree):
    client = client_for(city_officer)
    for ward in (tree.a.commune, tree.b.commune):
        assert client.get(reverse("dashboard:unit", args=[ward.pk])).status_code == 200
        drill = reverse("dashboard:drill", args=[ward.pk, "cases_received"])
        assert client.get(drill).status_code == 200


def test_dashboard_opens_on_the_users_scope(client_for, clerk_a, tree):
    response = client_for(clerk_a).get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert response.context["unit"] == tree.a.commune


def test_user_with_two_wards_can_switch_between_them(client_for, clerk_a, tree):
    assign_role(actor=None, user=clerk_a, role=Role.CLERK, unit=tree.b.commune)
    response = client_for(clerk_a).get(reverse("dashboard:home"))
    assert response.context["unit"] in (tree.a.commune, tree.b.commune)
    assert set(response.context["roots"]) == {tree.a.commune, tree.b.commune}
    assert reverse("dashboard:unit", args=[tree.b.commune.pk]) in response.content.decode()


def test_visitor_is_sent_to_log_in_and_user_without_role_is_refused(
    client, client_for, no_role_user
):
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert client_for(no_role_user).get(reverse("dashboard:home")).status_code == 403


def test_unknown_metric_is_not_found(client_for, city_officer, tree):
    url = reverse("dashboard:drill", args=[tree.city.pk, "no_such_metric"])
    assert client_for(city_officer).get(url).status_code == 404


# Figures


# A year, and a year under way (its previous period ends months before it starts).
PERIODS = [YEAR, Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 20), span=12)]


@pytest.mark.parametrize("period", PERIODS, ids=["year", "to-date"])
@pytest.mark.parametrize("code", sorted(BUILT_IN))
def test_bulk_figures_equal_each_metrics_own_compute(figures, code, period):
    """The grouped queries count what metrics.compute() counts, for a unit and its children."""
    tree, metric = figures, METRICS[code]
    previous = period.previous()
    for unit in (tree.city, tree.a.commune, tree.b.commune, tree.a.hamlet):
        board = build_dashboard(unit, period)
        figure = next(f for p in board.panels for f in p.figures if f.metric.code == code)
        assert figure.value == metric.compute(unit, period.start, period.end), unit
        if not metric.snapshot:  # a figure of the moment has nothing to compare with
            assert figure.previous == metric.compute(unit, previous.start, previous.end), unit
    ranking = rank_children(tree.city, metric, period)
    for row in ranking.rows:
        assert row.value == metric.compute(row.unit, period.start, period.end), row.unit
        if not metric.snapshot:
            assert row.previous == metric.compute(row.unit, previous.start, previous.end)
    assert ranking.total.value == metric.compute(tree.city, period.start, period.end)


@pytest.mark.parametrize("period", PERIODS, ids=["year", "to-date"])
def test_monthly_buckets_add_up_to_the_periods_figures(figures, period):
    board = build_dashboard(figures.city, period)
    received = {f.metric.code: f for p in board.panels for f in p.figures}["cases_received"]
    assert sum(f["received"] for _b, f in board.case_buckets) == received.value
    assert sum(f["received"] for _b, f in board.previous_buckets) == received.previous


def test_ranking_puts_the_best_first_and_keeps_the_units_own_rows_apart(figures):
    ranking = rank_children(figures.city, METRICS["models_registered"], YEAR)
    assert [(r.unit, r.value, r.rank) for r in ranking.rows] == [
        (figures.a.commune, 2, 1),  # ties share a rank, in alphabetical order
        (figures.b.commune, 2, 1),
        (figures.city_party, 0, 3),
    ]
    assert ranking.own.value == 1  # the model registered by the city itself
    assert ranking.total.value == 5
    overdue = rank_children(figures.city, METRICS["cases_overdue"], YEAR)
    assert overdue.rows[-1].unit == figures.a.commune  # fewer overdue cases rank higher


def test_figures_show_the_change_since_the_previous_period(client_for, city_officer, tree):
    add_models(tree.a.hamlet, 3, year=2026, recognised=1)
    add_models(tree.a.hamlet, 4, year=2025, recognised=2)
    add_cases(tree.a.state, 4, received_at=at(2026, 5))
    add_cases(tree.a.state, 2, received_at=at(2025, 5))
    response = client_for(city_officer).get(
        reverse("dashboard:unit", args=[tree.a.commune.pk]), YEAR_QUERY
    )
    board = response.context["board"]
    figures = {f.metric.code: f for panel in board.panels for f in panel.figures}
    assert (figures["models_registered"].value, figures["models_registered"].previous) == (3, 4)
    assert figures["models_registered"].change.text == "▼ 25,0%"
    assert figures["models_registered"].change.good is False
    assert figures["cases_received"].change.text == "▲ 100,0%"
    assert figures["cases_received"].change.good is True
    assert (figures["recognition_rate"].value, figures["recognition_rate"].previous) == (33.3, 50)
    assert figures["recognition_rate"].change.direction == "down"
    assert "16,7" in figures["recognition_rate"].change.text  # percentage points
    html = response.content.decode()
    assert "▼ 25,0%" in html and "▲ 100,0%" in html


def test_overdue_cases_count_now_and_have_no_comparison(figures):
    board = build_dashboard(figures.city, YEAR)
    overdue = next(f for p in board.panels for f in p.figures if f.metric.code == "cases_overdue")
    assert overdue.value == 1
    assert overdue.change is None


def test_vietnamese_numbers_group_thousands_with_dots():
    with translation.override("vi"):
        assert format_value(1234567) == "1.234.567"
        assert (
            format_value(85.25, "percent") == "85,2%" or format_value(85.25, "percent") == "85,3%"
        )
        assert format_value(None) == "—"


@settings(max_examples=200)
@given(
    value=st.one_of(
        st.integers(-(10**9), 10**9),
        st.integers(-(10**7), 10**7).map(lambda tenths: round(tenths / 10, 1)),
    ),
    language=st.sampled_from(["vi", "en"]),
)
def test_figures_read_as_django_formats_them(value, language):
    """The dashboards' own formatter writes what Django's number_format writes."""
    with translation.override(language):
        whole = float(value).is_integer()
        count = formats.number_format(int(value) if whole else value, 1, force_grouping=True)
        percent = formats.number_format(value, 1, force_grouping=True) + "%"
        assert format_value(value) == (
            formats.number_format(int(value), force_grouping=True) if whole else count
        )
        assert format_value(value, "percent") == percent


# The sum over the tree, on random trees


@st.composite
def forests(draw):
    """Communes with 0–3 hamlets; models and cases placed anywhere, the city included."""
    hamlets = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    places = 1 + len(hamlets) + sum(hamlets)
    spot = st.integers(0, places - 1)
    models = draw(
        st.lists(st.tuples(spot, st.sampled_from([2024, 2025, 2026]), st.booleans()), max_size=15)
    )
    cases = draw(
        st.lists(st.tuples(spot, st.sampled_from([2025, 2026]), st.integers(1, 12)), max_size=15)
    )
    return SimpleNamespace(hamlets=hamlets, models=models, cases=cases)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(forest=forests())
def test_the_citys_figures_are_the_sum_of_its_childrens(db, forest):
    with transaction.atomic():
        city = create_unit(actor=None, parent=None, name="Thành phố thử", kind=UnitKind.PROVINCE)
        communes, places = [], [city]
        for i, count in enumerate(forest.hamlets):
            commune = create_unit(actor=None, parent=city, name=f"Xã {i}", kind=UnitKind.COMMUNE)
            communes.append(commune)
            places.append(commune)
            for j in range(count):
                places.append(
                    create_unit(actor=None, parent=commune, name=f"Thôn {j}", kind=UnitKind.HAMLET)
                )
        for spot, year, recognised in forest.models:
            add_models(places[spot], 1, year=year, recognised=int(recognised))
        for spot, year, month in forest.cases:
            add_cases(places[spot], 1, received_at=at(year, month))

        codes = ["models_registered", "models_recognised", "cases_received"]
        board = build_dashboard(city, YEAR)
        at_city = {f.metric.code: f for p in board.panels for f in p.figures}
        by_child = [
            {f.metric.code: f for p in build_dashboard(c, YEAR).panels for f in p.figures}
            for c in communes
        ]
        own = SimpleNamespace(
            models_registered=sum(1 for s, y, _r in forest.models if s == 0 and y == 2026),
            models_recognised=sum(1 for s, y, r in forest.models if s == 0 and y == 2026 and r),
            cases_received=sum(1 for s, y, _m in forest.cases if s == 0 and y == 2026),
        )
        for code in codes:
            total = at_city[code].value
            assert total == sum(child[code].value for child in by_child) + getattr(own, code)
            ranking = rank_children(city, METRICS[code], YEAR)
            assert (
                sum(r.value for r in ranking.rows) + (ranking.own.value if ranking.own else 0)
                == total
            )
            assert ranking.total.value == total
        expected = sum(1 for _s, y, _r in forest.models if y == 2026)
        assert at_city["models_registered"].value == expected
        assert at_city["models_registered"].previous == sum(
            1 for _s, y, _r in forest.models if y == 2025
        )
        assert at_city["cases_received"].value == sum(1 for _s, y, _m in forest.cases if y == 2026)
        transaction.set_rollback(True)


# Queries


def _grow(tree, n, start):
    """n more communes (placed on the map), each with a hamlet, models and cases."""
    for i in range(start, start + n):
        commune = create_unit(
            actor=None, parent=tree.city, name=f"Xã số {i}", kind=UnitKind.COMMUNE
        )
        _place(commune, 21.0 + i / 100, 105.8 + i / 100)
        hamlet = create_unit(actor=None, parent=commune, name=f"Thôn {i}", kind=UnitKind.HAMLET)
        add_models(hamlet, 2, year=2026, recognised=1)
        add_models(commune, 1, year=2025)
        add_cases(commune, 2, received_at=at(2026, 1 + i % 12), **answered(satisfied=True))
        add_cases(commune, 1, received_at=at(2025, 3), status=CaseStatus.ACCEPTED, overdue=True)


@pytest.mark.parametrize(
    "page",
    [
        "dashboard",
        "models_registered",
        "recognition_rate",
        "replications",
        "cases_on_time",
        "cases_overdue",
    ],
)
def test_query_count_does_not_grow_with_units_and_rows(client_for, city_officer, tree, page):
    client = client_for(city_officer)
    if page == "dashboard":
        url = reverse("dashboard:unit", args=[tree.city.pk])
    else:
        url = reverse("dashboard:drill", args=[tree.city.pk, page])
    _grow(tree, 3, 0)
    client.get(url, YEAR_QUERY)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, YEAR_QUERY).status_code == 200
    _grow(tree, 27, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, YEAR_QUERY)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    # 14 for the registry's and the citizen's voice's figures; 11 more on the whole dashboard
    # for grassroots democracy's (a query per source, three for the missing publications,
    # two for the boards in place), 3 for the map of the communes, 1 for the unread notifications
    # in the header.
    assert len(few) <= (29 if page == "dashboard" else 14)


# New panels


def test_a_metric_registered_later_brings_its_panel(monkeypatch, client_for, city_officer, tree):
    def trained(unit, start, end):
        return 7 if unit.depth == 0 else 3

    monkeypatch.setitem(
        METRICS,
        "cadres_trained",
        Metric("cadres_trained", "Cadres trained", "cadres", "count", trained),
    )
    client = client_for(city_officer)
    response = client.get(reverse("dashboard:unit", args=[tree.city.pk]), YEAR_QUERY)
    html = response.content.decode()
    assert 'id="panel-cadres"' in html and "Cadres trained" in html
    assert 'id="kpi-cadres_trained"' in html
    drill = client.get(
        reverse("dashboard:drill", args=[tree.city.pk, "cadres_trained"]), YEAR_QUERY
    )
    assert drill.status_code == 200
    assert [row.value for row in drill.context["ranking"].rows] == [3, 3, 3]


# Charts


def _svg_titles(svg: ET.Element) -> list[str | None]:
    return [t.text for t in svg.iter(f"{SVG}title")]


def test_bar_chart_is_well_formed_svg_with_a_table_of_the_same_numbers():
    with translation.override("vi"):
        chart = charts.bar_chart(
            "Mô hình theo năm",
            [
                charts.Series(
                    "Mô hình",
                    [charts.Point("2024", 1200), charts.Point("2025", 35, href="/x?a=1&b=2")],
                )
            ],
            category="Năm",
        )
    svg = parse(str(chart.svg))
    assert svg.tag == f"{SVG}svg"
    # A bar links to its drill-down: an image may not hold a link, a group may (axe-core).
    assert svg.get("role") == "group" and svg.get("aria-label") == "Mô hình theo năm"
    assert svg.get("viewBox").startswith("0 0 ")
    assert "style" not in str(chart.svg)
    bars = [r for r in svg.iter(f"{SVG}rect") if "bar" in r.get("class", "")]
    assert len(bars) == 2
    assert _svg_titles(svg) == ["2024: 1.200", "2025: 35"]
    assert chart.headers == ["Năm", "Mô hình"]
    assert chart.rows == [["2024", "1.200"], ["2025", "35"]]
    assert float(bars[0].get("height")) > float(bars[1].get("height"))


def test_hbar_and_line_charts_parse_and_escape_their_labels():
    with translation.override("vi"):
        hbar = charts.hbar_chart("Lĩnh vực", [charts.Point("Văn hóa <&> xã hội", 3)])
        line = charts.line_chart(
            "Đúng hạn",
            [
                charts.Series(
                    "Đúng hạn", [charts.Point("01/2026", 85.3), charts.Point("02/2026", None)]
                )
            ],
        )
    assert _svg_titles(parse(str(hbar.svg))) == ["Văn hóa <&> xã hội: 3"]
    svg = parse(str(line.svg))
    assert _svg_titles(svg) == ["Đúng hạn · 01/2026: 85,3%"]
    assert line.rows == [["01/2026", "85,3%"], ["02/2026", "—"]]


def test_dot_map_puts_north_up_and_east_right_with_its_table_in_the_same_order():
    with translation.override("vi"):
        chart = charts.dot_map(
            "Đúng hạn",
            [
                charts.Spot("Sóc Sơn <&>", 21.25, 105.85, 92.5, href="/a?x=1&y=2", more=(1200,)),
                charts.Spot("Mỹ Đức", 20.70, 105.75, 65.0),
                charts.Spot("Gia Lâm", 21.02, 105.95, None),
            ],
            category="Xã",
            more_names=("Đã nhận",),
            value_name="Đúng hạn",
            no_data="chưa có",
        )
    svg = parse(str(chart.svg))
    assert svg.get("role") == "group"  # a dot links to its page
    dots = [c for c in svg.iter(f"{SVG}circle")]
    (x1, y1), (x2, y2), (x3, _y3) = [(float(d.get("cx")), float(d.get("cy"))) for d in dots]
    assert y1 < y2 and x2 < x1 < x3  # Sóc Sơn north of Mỹ Đức, Gia Lâm the easternmost
    assert [d.get("fill") for d in dots] == ["#1a7f37", "#c21f32", charts.NO_DATA]
    assert _svg_titles(svg) == ["Sóc Sơn <&>: 92,5%", "Mỹ Đức: 65,0%", "Gia Lâm: —"]
    assert "style" not in str(chart.svg)
    assert chart.headers == ["Xã", "Đã nhận", "Đúng hạn"]
    assert chart.rows[0] == ['<a href="/a?x=1&amp;y=2">Sóc Sơn &lt;&amp;&gt;</a>', "1.200", "92,5%"]
    assert chart.rows[1:] == [["Mỹ Đức", "65,0%"], ["Gia Lâm", "—"]]
    assert [text for _colour, text in chart.legend][-1] == "chưa có"


def test_every_chart_of_the_dashboard_parses_and_its_table_holds_its_numbers(
    client_for, city_officer, figures
):
    response = client_for(city_officer).get(
        reverse("dashboard:unit", args=[figures.city.pk]), YEAR_QUERY
    )
    html = response.content.decode()
    found = re.findall(r"<figure class=\"chart[^\"]*\">(.*?)</figure>", html, re.S)
    assert len(found) == 6  # by year, field, status, kind; cases by month; on time and satisfied
    for block in found:
        svg = parse(re.search(r"<svg xmlns=.*?</svg>", block, re.S).group(0))
        titles = " | ".join(_svg_titles(svg))
        table = parse(re.search(r"<table .*?</table>", block, re.S).group(0))
        for row in table.iter("tr"):
            cells = ["".join(c.itertext()).strip() for c in row]
            if row.find("th[@scope='row']") is None:
                continue
            for value in cells[1:]:
                if value != "—":
                    assert value in titles, (cells, titles)


def _place(unit, latitude, longitude):
    unit.latitude, unit.longitude = latitude, longitude
    unit.save(update_fields=["latitude", "longitude"])


def _map_block(html: str) -> str | None:
    found = re.search(
        r'<figure class="chart[^"]*">((?:(?!</figure>).)*?class="chart-svg map".*?)</figure>',
        html,
        re.S,
    )
    return found.group(1) if found else None


def test_the_maps_table_equals_its_figures(client_for, city_officer, figures):
    """The city's dashboard shows its communes that have coordinates as dots coloured by
    their on-time rate; the table beside it holds the same units and figures."""
    client = client_for(city_officer)
    url = reverse("dashboard:unit", args=[figures.city.pk])
    assert _map_block(client.get(url, YEAR_QUERY).content.decode()) is None  # no coordinates
    _place(figures.a.commune, 21.03, 105.85)
    _place(figures.b.commune, 21.0, 105.8)
    html = client.get(url, YEAR_QUERY).content.decode()
    block = _map_block(html)
    assert block is not None
    svg = parse(re.search(r"<svg xmlns=.*?</svg>", block, re.S).group(0))
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "spot"]
    titles = [c.find(f"{SVG}title").text for c in dots]
    table = parse(re.search(r"<table .*?</table>", block, re.S).group(0))
    rows = [
        ["".join(c.itertext()).strip() for c in row]
        for row in table.iter("tr")
        if row.find("th[@scope='row']") is not None
    ]
    assert titles == [f"{name}: {value}" for name, value in rows]
    ranking = rank_children(figures.city, METRICS["cases_on_time"], YEAR)
    expected = {row.unit.name: row.value for row in ranking.rows}
    with translation.override("vi"):
        assert rows == [
            [name, format_value(expected[name], "percent")]
            for name in (figures.a.commune.name, figures.b.commune.name)
        ]
    assert [d.get("data-value") for d in dots] == [repr(expected[figures.a.commune.name]), None]
    # Each dot leads to its commune's dashboard, for the same period.
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links[0].startswith(reverse("dashboard:unit", args=[figures.a.commune.pk]) + "?")


def test_the_map_of_a_unit_whose_children_have_no_place_is_not_drawn(client_for, clerk_a, figures):
    _place(figures.a.commune, 21.0, 105.8)  # placed itself, but none of its children is
    html = (
        client_for(clerk_a)
        .get(reverse("dashboard:unit", args=[figures.a.commune.pk]), YEAR_QUERY)
        .content.decode()
    )
    assert 'id="panel-voice"' in html and _map_block(html) is None


def test_rebuild_rollups_repairs_counts_written_around_the_triggers(figures):
    def values():
        board = build_dashboard(figures.city, YEAR)
        return {f.metric.code: (f.value, f.previous) for p in board.panels for f in p.figures}

    expected = values()
    CaseDayStat.objects.update(received=0)
    CaseMonthStat.objects.all().delete()
    ModelYearStat.objects.update(registered=999)
    assert values() != expected
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert values() == expected
    assert "Recounted the cases" in out.getvalue()


def test_the_registry_panel_shows_every_year_since_the_movement_began(
    client_for, city_officer, clerk_a, figures
):
    """Whatever the period, the panel says what the city reports: the models registered and
    recognised since 2009 (the fixture's are of 2024–2026: 9 registered, 4 recognised)."""
    with translation.override("vi"):
        page = client_for(city_officer).get(reverse("dashboard:home"), {"period": "quarter"})
        ward = client_for(clerk_a).get(reverse("dashboard:home"))
    assert "Từ năm 2009 đến nay: 9 mô hình đăng ký, 4 mô hình được công nhận." in page.text
    # Ward A's subtree: 2 of 2026 (1 recognised) and 3 of 2025 (2 recognised).
    assert "Từ năm 2009 đến nay: 5 mô hình đăng ký, 3 mô hình được công nhận." in ward.text
